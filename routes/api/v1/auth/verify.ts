import { Hono } from "hono";
import { type AppEnv, principalOf, wantsJson } from "../../../../http/env.ts";
import { requireAuth } from "../../../../auth/middleware.ts";
import { resendVerificationEmail, verifyEmail } from "../../../../auth/email_tokens.ts";
import { requestOrigin } from "../../../../mail/links.ts";

const app = new Hono<AppEnv>();

// The link in the e-mail: works on whichever host sent it (bare domain or a workspace).
app.get("/auth/verify", async (c) => {
  await verifyEmail(c.get("services"), c.req.query("token") ?? "");
  if (wantsJson(c)) return c.json({ email_verified: true });
  return c.redirect("/?email_verified=1", 303);
});

app.post("/api/v1/auth/verify/resend", requireAuth(), async (c) => {
  const services = c.get("services");
  await resendVerificationEmail(
    services,
    principalOf(c).userId,
    requestOrigin(services.config, c.req.url),
    c.get("tenant")?.id ?? null,
  );
  return c.json({ message: "A new confirmation link is on its way." }, 202);
});

export default app;
