import { Hono } from "hono";
import { recordSecurityEvent } from "../../../../security/events.ts";
import { type AppEnv, principalOf, wantsJson } from "../../../../http/env.ts";
import { requireAuth } from "../../../../auth/middleware.ts";
import { resendVerificationEmail, verifyEmail } from "../../../../auth/email_tokens.ts";
import { requestOrigin } from "../../../../mail/links.ts";
import { describeRoute, MessageJson } from "../../../../http/openapi.ts";

const resend = describeRoute({
  operationId: "resendVerificationEmail",
  tag: "Account",
  summary: "E-mail a new link that confirms your address",
  responses: {
    202: {
      description: "On its way",
      schema: MessageJson,
      example: { message: "A new confirmation link is on its way." },
    },
  },
  errors: [429],
});

const app = new Hono<AppEnv>();

// The link in the e-mail: works on whichever host sent it (bare domain or a workspace).
app.get("/auth/verify", async (c) => {
  const { userId } = await verifyEmail(c.get("services"), c.req.query("token") ?? "");
  await recordSecurityEvent(c, { action: "auth.email_verified", actor: { userId } });
  if (wantsJson(c)) return c.json({ email_verified: true });
  // Signed out, "/" would bounce to the sign-in page and lose the confirmation: land there.
  return c.redirect(c.get("auth") ? "/?email_verified=1" : "/login?email_verified=1", 303);
});

app.post("/api/v1/auth/verify/resend", resend, requireAuth(), async (c) => {
  const services = c.get("services");
  await resendVerificationEmail(
    services,
    principalOf(c).userId,
    requestOrigin(c),
    c.get("tenant")?.id ?? null,
  );
  return c.json({ message: "A new confirmation link is on its way." }, 202);
});

export default app;
