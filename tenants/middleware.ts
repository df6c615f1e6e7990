/**
 * @module tenants/middleware
 * Resolves the tenant from the Host header and lends its database to the request. This is the
 * only code that puts a tenant database on a request; handlers read it from `c.get("tenant")`.
 */
import type { MiddlewareHandler } from "hono";
import { AppError, NotFoundError, RateLimitedError } from "../domain/errors.ts";
import type { AppEnv } from "../http/env.ts";
import { hostClassifier } from "./host.ts";
import { requestOrigin } from "../mail/links.ts";
import { businessDay } from "../domain/clock.ts";

/**
 * Host -> bare domain or tenant (with its pooled database, within the tenant's rate limit).
 * `servedOnDowngradedDomain(path)` names paths a custom domain still serves after a downgrade
 * instead of redirecting to the subdomain: a caller that follows no redirect (a Stripe webhook).
 */
export function resolveTenant(
  appDomain: string,
  opts: { servedOnDowngradedDomain?: (path: string) => boolean } = {},
): MiddlewareHandler<AppEnv> {
  const classify = hostClassifier(appDomain);
  return async (c, next) => {
    const { config, registry, pool, tenantLimiter, clock } = c.get("services");
    const host = classify(c.req.header("host"));
    if (host.kind === "invalid") throw new AppError("invalid_request", 400, "Bad Host header.");
    if (host.kind === "apex") {
      c.set("site", "apex");
      c.set("tenant", undefined);
      return await next();
    }
    const slug = host.kind === "subdomain" ? host.slug : null;
    const record = registry.cached(host.host) ?? await registry.lookup(host.host, slug);
    // A workspace past its deletion grace is gone at once, even before the purge has run (and on
    // a machine whose cache still knows it): nothing may reopen its database meanwhile.
    if (!record || (record.purgeAfter && record.purgeAfter <= clock.now().toISOString())) {
      throw new NotFoundError(
        `There is no workspace at ${host.host}. Check the address, or sign in at ${config.APP_DOMAIN} to see your workspaces.`,
      );
    }
    c.set("tenantSlug", record.slug);
    if (record.status === "suspended") {
      throw new AppError(
        "forbidden",
        403,
        `The workspace “${record.name}” is suspended. Its owner can contact support to restore access; no data has been deleted.`,
        { reason: "tenant_suspended" },
      );
    }
    if (host.kind === "custom" && !opts.servedOnDowngradedDomain?.(c.req.path)) {
      // A downgraded plan keeps the domain on file but sends its visitors to the subdomain.
      const billing = await c.get("services").billing.current(c.get("services"), record.id);
      if (billing && !billing.entitlements.customDomain) {
        const url = new URL(c.req.url);
        const origin = requestOrigin(
          config,
          `${url.protocol}//${record.slug}.${config.APP_DOMAIN}`,
        );
        const port = config.secureCookies || !url.port ? "" : `:${url.port}`;
        // Set on c.res too: inside chain() a returned response is dropped.
        c.res = c.redirect(`${origin}${port}${url.pathname}${url.search}`, 307);
        return c.res;
      }
    }
    // In memory the limiter answers at once; awaiting a number would still cost a hop.
    const hit = tenantLimiter.hit(record.id);
    const wait = typeof hit === "number" ? hit : await hit;
    if (wait > 0) throw new RateLimitedError(wait);
    const lease = pool.tryAcquire(record.id) ?? await pool.acquire(record.id, record.dbUrl);
    try {
      c.set("site", "tenant");
      c.set("tenant", {
        id: record.id,
        slug: record.slug,
        name: record.name,
        db: lease.db,
        timeZone: record.timeZone,
        today: businessDay(clock, record.timeZone),
        purgeAfter: record.purgeAfter,
      });
      await next();
    } finally {
      lease.release();
    }
  };
}
