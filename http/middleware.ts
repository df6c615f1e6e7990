/**
 * @module http/middleware
 * Cross-cutting middleware that runs before tenant resolution: services and request id, the
 * structured access log, and security headers (CSP with a per-request nonce).
 */
import type { MiddlewareHandler } from "hono";
import { randomToken } from "../db/ids.ts";
import type { Services } from "../services.ts";
import type { AppEnv } from "./env.ts";

/** Puts the services on the request, assigns a request id and logs the request when it ends. */
export function requestContext(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : randomToken(12);
    c.set("services", services);
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    c.header("X-Request-Id", requestId);
    services.log.info("request", {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      tenant: c.var.tenant?.slug,
      user: c.var.auth?.userId,
    });
  };
}

/** Security headers on every response; the CSP allows inline scripts only with this nonce. */
export function securityHeaders(services: Services): MiddlewareHandler<AppEnv> {
  const hsts = services.config.secureCookies;
  return async (c, next) => {
    const nonce = randomToken(16);
    c.set("nonce", nonce);
    await next();
    const h = c.res.headers;
    h.set(
      "Content-Security-Policy",
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (hsts) h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  };
}
