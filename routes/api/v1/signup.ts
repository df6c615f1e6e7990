import { Hono } from "hono";
import type { AppEnv } from "../../../http/env.ts";
import { apexOnly, readJson } from "../../../http/guards.ts";
import { signup } from "../../../tenants/provision.ts";
import { welcomeNewTenant } from "../../../tenants/welcome.ts";

const app = new Hono<AppEnv>();

app.post("/api/v1/signup", apexOnly(), async (c) => {
  const services = c.get("services");
  const result = await signup(services, await readJson(c));
  const { origin, loginUrl } = await welcomeNewTenant(services, result, c.req.url);
  return c.json({
    tenant: { ...result.tenant, url: origin },
    user: { id: result.user.id, email: result.user.email, name: result.user.name },
    login_url: loginUrl,
  }, 201);
});

export default app;
