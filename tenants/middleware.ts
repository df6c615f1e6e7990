/**
 * @module tenants/middleware
 * Resolves the tenant from the Host header and lends its database to the request. This is the
 * only code that puts a tenant database on a request; handlers read it from `c.get("tenant")`.
 * `tenantRateLimit` is the per-tenant limit, a separate layer run once the caller is known.
 */
import type { Next } from "hono";
import { AppError, NotFoundError, RateLimitedError } from "../domain/errors.ts";
import type { AppContext } from "../http/env.ts";
import type { Layer } from "../http/chain.ts";
import { hostClassifier } from "./host.ts";
import { originOf } from "../mail/links.ts";
import { businessDay, type Clock } from "../domain/clock.ts";
import type { TenantRecord } from "./registry.ts";
import type { Lease } from "./pool.ts";

/**
 * Host -> bare domain or tenant (with its pooled database).
 * `servedOnDowngradedDomain(path)` names paths a custom domain still serves after a downgrade
 * instead of redirecting to the subdomain: a caller that follows no redirect (a Stripe webhook).
 */
export function resolveTenant(
  appDomain: string,
  opts: { servedOnDowngradedDomain?: (path: string) => boolean } = {},
): Layer {
  const classify = hostClassifier(appDomain);

  /** The workspace found for a tenant host: refused, redirected, or lent to the chain. */
  const admit = (
    c: AppContext,
    next: Next,
    host: TenantHost,
    record: TenantRecord | null,
  ): Promise<unknown> | void => {
    const { config, clock } = c.get("services");
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
      return onCustomDomain(c, next, record);
    }
    return lendDatabase(c, next, record);
  };

  // A plain function while the workspace and its database are at hand (nearly
  // every request): no promise of its own (http/dispatch.ts).
  return (c, next) => {
    const host = classify(c.req.header("host"));
    if (host.kind === "invalid") throw new AppError("invalid_request", 400, "Bad Host header.");
    if (host.kind === "apex") {
      c.set("site", "apex");
      c.set("tenant", undefined);
      return next();
    }
    const registry = c.get("services").registry;
    const record = registry.cached(host.host);
    if (record !== undefined) return admit(c, next, host, record);
    const slug = host.kind === "subdomain" ? host.slug : null;
    return registry.lookup(host.host, slug).then((found) => admit(c, next, host, found));
  };
}

type TenantHost = Exclude<
  ReturnType<ReturnType<typeof hostClassifier>>,
  { kind: "invalid" | "apex" }
>;

/** A custom domain: a downgraded plan keeps it on file but sends its visitors to the subdomain. */
async function onCustomDomain(c: AppContext, next: Next, record: TenantRecord): Promise<unknown> {
  const services = c.get("services");
  const config = services.config;
  const billing = await services.billing.current(services, record.id);
  if (billing && !billing.entitlements.customDomain) {
    const url = new URL(c.req.url);
    const origin = originOf(config, `${record.slug}.${config.APP_DOMAIN}`);
    const port = config.secureCookies || !url.port ? "" : `:${url.port}`;
    // Set on c.res: inside chain() a returned response is dropped.
    c.res = c.redirect(`${origin}${port}${url.pathname}${url.search}`, 307);
    return;
  }
  return await lendDatabase(c, next, record);
}

/**
 * The per-tenant rate limit (`RATE_LIMIT_PER_TENANT`), placed after `authenticate`: it counts the
 * requests of the workspace's own members, tokens and operator views. Anonymous visitors (its
 * sign-in page, a made-up cookie) are held by the per-IP limit alone: when they counted here, a
 * handful of addresses requesting `/login` used up the workspace's allowance and every member got
 * 429 until the window ended.
 */
export function tenantRateLimit(): Layer {
  return (c, next) => {
    const tenant = c.get("tenant");
    if (!tenant || !c.get("auth")) return next();
    // In memory the limiter answers at once; awaiting a number would still cost a hop.
    const hit = c.get("services").tenantLimiter.hit(tenant.id);
    if (typeof hit !== "number") {
      return hit.then((wait) => {
        if (wait > 0) throw new RateLimitedError(wait);
        return next();
      });
    }
    if (hit > 0) throw new RateLimitedError(hit);
    return next();
  };
}

/** The tenant's database (from the pool, or opened) lent to the rest of the chain. */
function lendDatabase(c: AppContext, next: Next, record: TenantRecord): Promise<unknown> | void {
  const { pool, clock } = c.get("services");
  const lease = pool.tryAcquire(record.id);
  return lease
    ? lentFor(c, next, record, lease, clock)
    : pool.acquire(record.id, record.dbUrl).then((opened) =>
      lentFor(c, next, record, opened, clock)
    );
}

/**
 * Lends the tenant's database to the rest of the chain and takes it back when the chain is done,
 * answered or failed; a plain function while the chain waits on nothing (http/dispatch.ts).
 */
function lentFor(
  c: AppContext,
  next: Next,
  record: TenantRecord,
  lease: Lease,
  clock: Clock,
): Promise<unknown> | void {
  let out: unknown;
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
    out = next();
  } catch (err) {
    lease.release();
    throw err;
  }
  if (!(out instanceof Promise)) return lease.release();
  return out.then(lease.release, (err) => {
    lease.release();
    throw err;
  });
}
