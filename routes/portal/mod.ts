/**
 * @module routes/portal/mod
 * The customer invoice portal's routes with their own short middleware chain: the request
 * pipeline (request id, per-IP limit, access log, security headers) and the tenant from the
 * Host, but no session, CSRF or billing layer, since a portal visitor has no account and the
 * signed link is the credential. `app.ts` mounts it before the workspace's chain, so nothing of
 * the workspace's sign-in or cookies runs for `/portal/*`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { Services } from "../../services.ts";
import { chain } from "../../http/chain.ts";
import { compressResponses } from "../../http/compress.ts";
import { requestPipeline } from "../../http/middleware.ts";
import { capBodies } from "../../http/body_cap.ts";
import { RateLimiter } from "../../http/rate_limit.ts";
import { RedisRateLimiter } from "../../db/redis_limits.ts";
import { resolveTenant } from "../../tenants/middleware.ts";
import { loadConfiguration } from "../../customization/middleware.ts";
import { portalPages } from "./_pages.tsx";
import { refusePortal } from "./_shell.tsx";
import webhook from "./_webhook.ts";

const TEN_MINUTES = 10 * 60_000;
const WEBHOOK_PATH = "/portal/webhooks/stripe";

/** The portal under `/portal/*`, limited per IP: 300 requests and 20 refused links in 10 minutes. */
export function portalRoutes(services: Services): Hono<AppEnv> {
  const limiter = (name: string, limit: number) =>
    services.redis
      ? new RedisRateLimiter(services.redis, name, limit, TEN_MINUTES)
      : new RateLimiter(limit, TEN_MINUTES);
  const limits = { requests: limiter("portal", 300), refusals: limiter("portal-refused", 20) };
  const app = new Hono<AppEnv>();
  app.use(
    "/portal/*",
    chain(
      compressResponses(),
      requestPipeline(services),
      // The URL carries the credential: no answer of the portal (pages, the PDF, the redirect to
      // Stripe) lets a browser send it on as a Referer.
      async (c, next) => {
        await next();
        c.res.headers.set("Referrer-Policy", "no-referrer");
      },
      capBodies(services.config),
      // A workspace that lost its custom domain (plan downgrade) redirects portal links sent
      // with it to its subdomain, token and all; Stripe follows no redirect, so its webhook is
      // still taken on the old domain, where the tenant's Stripe dashboard may still point.
      resolveTenant(services.config.APP_DOMAIN, {
        servedOnDowngradedDomain: (path) => path === WEBHOOK_PATH,
      }),
      loadConfiguration(),
    ),
  );
  app.route("/", webhook);
  app.route("/", portalPages(limits));
  // Anything else under /portal answers here, so the workspace's chain never runs for it.
  app.all("/portal/*", (c) => refusePortal(c, 404));
  return app;
}
