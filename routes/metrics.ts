import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import type { Services } from "../services.ts";

const encoder = new TextEncoder();

/** True when the Authorization header carries exactly `token` as a bearer token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = encoder.encode(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const wanted = encoder.encode(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * GET /metrics: the Prometheus text. On the app's port (`gated`) only with METRICS_TOKEN as a
 * bearer token, and not there at all without one; on METRICS_PORT's own listener, open.
 * Mounted before the request pipeline, like the health checks, so scrapes are not counted.
 */
export function metricsRoutes(services: Services, gate: "token" | "open"): Hono {
  const app = new Hono();
  const token = services.config.METRICS_TOKEN;
  if (gate === "token" && !token) return app;
  app.get("/metrics", async (c) => {
    if (gate === "token" && !bearerMatches(c.req.header("authorization"), token!)) {
      return c.json(
        {
          error: {
            code: "unauthorized",
            message: "Send the operators' METRICS_TOKEN as a bearer token.",
            details: {},
          },
        },
        401,
        { "WWW-Authenticate": 'Bearer realm="metrics"' },
      );
    }
    const text = await services.metrics.scrape(services);
    return c.body(text, 200, { "Content-Type": services.metrics.contentType });
  });
  return app;
}

/** The listener on METRICS_PORT (main.ts, workers/main.ts), or null when it is 0. */
export function serveMetricsPort(services: Services): Deno.HttpServer | null {
  const port = services.config.METRICS_PORT;
  if (!port) return null;
  const app = metricsRoutes(services, "open");
  return Deno.serve(
    { port, hostname: services.config.HOST, onListen() {} },
    (req) => app.fetch(req),
  );
}
