import { Hono } from "hono";
import type { Services } from "../services.ts";
import { ping } from "../db/client.ts";

/** Liveness and readiness; mounted before the request pipeline so they answer on any host. */
export function healthRoutes(services: Services): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await ping(services.control);
      return c.json({ status: "ready", checks: { control_database: "ok" } });
    } catch (err) {
      services.log.error("readiness check failed", { error: String(err) });
      return c.json({ status: "unavailable", checks: { control_database: "unreachable" } }, 503);
    }
  });
  return app;
}
