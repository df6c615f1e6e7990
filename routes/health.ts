import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";

const app = new Hono<AppEnv>();

app.get("/healthz", (c) => c.json({ status: "ok" }));

app.get("/readyz", async (c) => {
  try {
    await c.var.services.control.execute("SELECT 1");
    return c.json({ status: "ready", checks: { control_database: "ok" } });
  } catch (err) {
    c.var.services.log.error("readiness check failed", { error: String(err) });
    return c.json({ status: "unavailable", checks: { control_database: "unreachable" } }, 503);
  }
});

export default app;
