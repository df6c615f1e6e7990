import { Hono } from "hono";
import type { AppEnv } from "../../../http/env.ts";
import { apexOnly, readJson } from "../../../http/guards.ts";
import { signup } from "../../../tenants/provision.ts";
import { createHandoff, tenantOrigin } from "../../../auth/handoff.ts";
import { sendVerificationEmail } from "../../../auth/email_tokens.ts";

const app = new Hono<AppEnv>();

app.post("/api/v1/signup", apexOnly(), async (c) => {
  const { services } = c.var;
  const result = await signup(services, await readJson(c));
  const origin = tenantOrigin(result.tenant.slug, services.config, c.req.url);
  const handoff = await createHandoff(services.control, result.user.id, result.tenant.id);
  if (result.user.created) await sendVerificationEmail(services, result.user, origin);
  return c.json({
    tenant: { ...result.tenant, url: origin },
    user: { id: result.user.id, email: result.user.email, name: result.user.name },
    login_url: `${origin}/auth/handoff?token=${encodeURIComponent(handoff)}`,
  }, 201);
});

export default app;
