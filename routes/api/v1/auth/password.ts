import { Hono } from "hono";
import { recordSecurityEvent } from "../../../../security/events.ts";
import { z } from "zod";
import { type AppEnv, clientIp, principalOf } from "../../../../http/env.ts";
import { parseWith, readJson } from "../../../../http/guards.ts";
import { requireAuth } from "../../../../auth/middleware.ts";
import { clearSessionCookie } from "../../../../auth/cookies.ts";
import {
  changePassword,
  requestPasswordReset,
  resetPassword,
} from "../../../../auth/email_tokens.ts";
import { appOrigin, requestOrigin } from "../../../../mail/links.ts";
import { describeRoute, MessageJson } from "../../../../http/openapi.ts";

const ForgotSchema = z.object({
  email: z.string().trim().toLowerCase().min(3, "Enter your e-mail address.").max(254)
    .meta({ format: "email" }),
});
const ResetSchema = z.object({
  token: z.string().min(1, "The reset link is incomplete.").max(200),
  password: z.string().max(1000),
});
const ChangeSchema = z.object({
  current_password: z.string().min(1, "Enter your current password.").max(1000),
  new_password: z.string().max(1000),
});

const requestReset = describeRoute({
  operationId: "requestPasswordReset",
  tag: "Account",
  summary: "E-mail a password reset link (the same answer whether or not the account exists)",
  auth: "none",
  body: { schema: ForgotSchema, example: { email: "dana@acme-meats.example" } },
  responses: {
    202: {
      description: "A link is on its way if the account exists",
      schema: MessageJson,
      example: { message: "If an account uses this address, a reset link is on its way." },
    },
  },
  errors: [400, 415, 422, 429],
});

const reset = describeRoute({
  operationId: "resetPassword",
  tag: "Account",
  summary: "Set a new password with the token of a reset link (ends every session)",
  auth: "none",
  body: {
    schema: ResetSchema,
    example: { token: "q8Vn3xZ0b1Yt7Kd2Lm4Pw6Rs9Tu5Ae", password: "a new long passphrase" },
  },
  responses: {
    200: {
      description: "Changed",
      schema: MessageJson,
      example: { message: "Your password was changed. Sign in with the new one." },
    },
  },
  errors: [400, 415, 422],
});

const change = describeRoute({
  operationId: "changePassword",
  tag: "Account",
  summary: "Change your password (your other sessions end)",
  body: {
    schema: ChangeSchema,
    example: { current_password: "correct horse battery", new_password: "a new long passphrase" },
  },
  responses: { 204: { description: "Changed" } },
  errors: [400, 415, 422],
});

const app = new Hono<AppEnv>();

app.post("/api/v1/auth/password/forgot", requestReset, async (c) => {
  const services = c.get("services");
  const { email } = parseWith(ForgotSchema, await readJson(c));
  await requestPasswordReset(
    services,
    email,
    { workspace: requestOrigin(c), app: appOrigin(c) },
    clientIp(c),
    c.get("tenant")?.id ?? null,
  );
  // The same answer whether or not the account exists.
  return c.json({ message: "If an account uses this address, a reset link is on its way." }, 202);
});

app.post("/api/v1/auth/password/reset", reset, async (c) => {
  const input = parseWith(ResetSchema, await readJson(c));
  const { userId } = await resetPassword(c.get("services"), input.token, input.password);
  await recordSecurityEvent(c, { action: "auth.password_reset", actor: { userId } });
  clearSessionCookie(c);
  return c.json({ message: "Your password was changed. Sign in with the new one." });
});

app.post("/api/v1/auth/password/change", change, requireAuth(), async (c) => {
  const auth = principalOf(c);
  const input = parseWith(ChangeSchema, await readJson(c));
  await changePassword(
    c.get("services"),
    auth.userId,
    input.current_password,
    input.new_password,
    auth.sessionToken,
  );
  await recordSecurityEvent(c, { action: "auth.password_changed" });
  return c.body(null, 204);
});

export default app;
