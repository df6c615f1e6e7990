/**
 * @module http/middleware
 * The first middleware of every request: services, request id, per-IP rate limit, the structured
 * access log, request metrics (ops/metrics.ts) and security headers; every answer is logged and
 * counted, refusals (429, 404 of an unknown host) included. It is one function, not five, because each Hono middleware layer and each response
 * header costs measurable throughput (bench/: 5 empty layers -28%, 9 headers instead of 1 -48%). Pages get the full header set; JSON gets the few that matter to it.
 */
import { ipGroup } from "./ip_group.ts";
import type { Context } from "hono";
import type { Layer } from "./chain.ts";
import { randomToken } from "../db/ids.ts";
import { RateLimitedError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { stripeFormTargets } from "../billing/stripe.ts";
import { type AppEnv, clientIp } from "./env.ts";
import { handleError } from "./errors.ts";
import { routeLabel } from "../ops/metrics.ts";
import { routeTemplate } from "./route_template.ts";
import { describeRequestSpan, requestSpan } from "./trace.ts";

// Request ids: a random prefix per process and a counter. Unique across machines and restarts
// for log correlation, and far cheaper than random bytes per request.
const processPrefix = randomToken(6);
let requestCounter = 0;

/** The CSP nonce of this request's page, made on first use (JSON responses never need one). */
export function pageNonce(c: Context<AppEnv>): string {
  let nonce = c.get("nonce");
  if (!nonce) {
    nonce = randomToken(16);
    c.set("nonce", nonce);
  }
  return nonce;
}

/** Pages under this path are plugin views: they set their own CSP and framing headers. */
export const PLUGIN_FRAME_PREFIX = "/plugin-frames/";

const cspWith = (scriptSrc: string, formAction: string) =>
  [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join("; ");

/** Headers for documents a browser renders (HTML pages, error pages, redirects). */
function setPageHeaders(h: Headers, nonce: string, hsts: boolean, formAction: string): void {
  h.set(
    "Content-Security-Policy",
    cspWith(nonce ? `'self' 'nonce-${nonce}'` : "'self'", formAction),
  );
  // A page that carries a credential in its URL (the invoice portal) sets a stricter policy.
  if (!h.has("Referrer-Policy")) h.set("Referrer-Policy", "strict-origin-when-cross-origin");
  h.set("X-Frame-Options", "DENY");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (hsts) h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
}

/** A portal link's token in a path (`/portal/<body>.<signature>/…`). */
const PORTAL_TOKEN = /^\/portal\/[^/]*\.[^/]*/;

/**
 * The path as the access log writes it: a portal link's token is a credential (whoever holds it
 * sees and pays the invoice), so it never reaches the log, which is shipped and kept elsewhere.
 */
export function loggedPath(path: string): string {
  return path.startsWith("/portal/") ? path.replace(PORTAL_TOKEN, "/portal/[token]") : path;
}

/** Request context, rate limit per IP, access log and security headers, in one layer. */
export function requestPipeline(services: Services): Layer {
  const hsts = services.config.secureCookies;
  // Forms on the bare domain (signup, workspace list) redirect into a tenant's subdomain, and
  // Chromium applies form-action to the redirect too.
  const domain = services.config.APP_DOMAIN;
  // Billing forms redirect to Stripe's hosted Checkout and Portal.
  const formAction = [
    hsts ? `'self' https://*.${domain}` : `'self' http://*.${domain}:*`,
    ...stripeFormTargets(services.config),
  ].join(" ");
  const log = services.log;
  const limiter = services.ipLimiter;
  const logRequests = log.enabled("info");
  const metrics = services.metrics;
  /** Headers, metrics and the access log of the answer in `c.res`. */
  const finish = (c: Context<AppEnv>, requestId: string, started: number): void => {
    const res = c.res;
    const status = res.status;
    const h = res.headers;
    // nosniff everywhere: it is what stops a JSON or upload response being read as a page.
    h.set("X-Content-Type-Options", "nosniff");
    const type = h.get("content-type");
    if (type === null || type.startsWith("text/html")) {
      // A plugin's view brings its own, stricter policy (routes/plugins/views.tsx).
      if (!c.req.path.startsWith(PLUGIN_FRAME_PREFIX)) {
        setPageHeaders(h, c.get("nonce"), hsts, formAction);
      }
      h.set("X-Request-Id", requestId);
    } else {
      if (status >= 400) h.set("X-Request-Id", requestId);
      // API answers are a workspace's data: no browser or proxy keeps them unless a route says
      // so (assets and the theme set their own, long-lived, caching).
      if (c.req.path.startsWith("/api/") && !h.has("Cache-Control")) {
        h.set("Cache-Control", "no-store");
      }
    }
    // One clock read after the answer, shared by the access log and the metrics.
    const ms = performance.now() - started;
    // The matched route's template once the handler ran, never the raw URL; read without the
    // array Hono's routePath copies on every call (http/route_template.ts).
    const route = routeLabel(routeTemplate(c));
    const tenant = c.get("tenant")?.slug ?? c.get("tenantSlug");
    const method = c.req.method;
    metrics.observeRequest(method, route, status, tenant, ms / 1000);
    const span = requestSpan();
    if (span) describeRequestSpan(span, { method, route, requestId, tenant });
    if (!logRequests) return;
    log.info("request", {
      request_id: requestId,
      method,
      path: loggedPath(c.req.path),
      status,
      ms: Math.round(ms * 10) / 10,
      tenant,
      user: c.get("auth")?.userId,
    });
  };
  // A plain function while nothing after it waits (a cached API call): no promise of its own.
  return (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[\w-]{8,64}$/.test(incoming)
      ? incoming
      : `${processPrefix}-${(++requestCounter).toString(36)}`;
    c.set("services", services);
    c.set("requestId", requestId);
    c.set("nonce", "");
    const started = performance.now();
    // Errors thrown here or by the layers chained after this one (the IP and tenant rate limits,
    // an unknown host) become their response here, so they are logged and get the headers below.
    let out: unknown;
    try {
      const hit = limiter.hit(ipGroup(clientIp(c)));
      if (typeof hit === "number") {
        if (hit > 0) throw new RateLimitedError(hit);
        out = next();
      } else {
        out = hit.then((wait) => {
          if (wait > 0) throw new RateLimitedError(wait);
          return next();
        });
      }
    } catch (err) {
      c.res = handleError(err, c);
    }
    if (!(out instanceof Promise)) return finish(c, requestId, started);
    return out.then(undefined, (err) => {
      c.res = handleError(err, c);
    }).then(() => finish(c, requestId, started));
  };
}
