import { Hono, type MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../../../http/env.ts";
import { principalOf, tenantOf } from "../../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../../http/guards.ts";
import { describeRoute } from "../../../../http/openapi.ts";
import { requestOrigin } from "../../../../mail/links.ts";
import {
  addPasskey,
  CredentialJsonSchema,
  listPasskeys,
  PasskeyNameSchema,
  type PasskeySite,
  registrationOptions,
  removePasskey,
  signInOptions,
  verifyPasskeySignIn,
} from "../../../../auth/passkeys.ts";
import { startSession } from "../../../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../../../auth/sessions.ts";
import { findUserById } from "../../../../auth/users.ts";
import { ROLES } from "../../../../auth/roles.ts";
import { AppError, ForbiddenError, UnauthorizedError } from "../../../../domain/errors.ts";
import { recordSecurityEvent } from "../../../../security/events.ts";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

const PasskeyJson = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string().meta({ format: "date-time" }),
  last_used_at: z.string().nullable().meta({ format: "date-time" }),
});
const PASSKEY_EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "Work laptop",
  created_at: "2026-11-20T18:00:00.000Z",
  last_used_at: null,
};
const OptionsJson = z.record(z.string(), z.unknown()).meta({
  description: "WebAuthn options for @simplewebauthn/browser (the challenge lives 5 minutes).",
});
const AddSchema = z.object({ name: PasskeyNameSchema, response: CredentialJsonSchema });
const SignInSchema = z.object({ response: CredentialJsonSchema });
const RemoveSchema = z.object({ password: z.string().min(1, "Enter your password.").max(200) });
/** The account's password (auth/confirm_password.ts); an account made by SSO has none to send. */
const ConfirmSchema = z.object({ password: z.string().max(200).optional() });
const IdParam = z.object({
  id: z.string().min(1).max(40).meta({ example: "01jd8x7k3m5n9p2q4r6s8t0v1w" }),
});
const CREATION_OPTIONS_EXAMPLE = {
  challenge: "mXPn2CqZ0Yc8cM0n3Yt8bQ1vJ2lK9sW4eR7tY6uI0oP",
  rp: { name: "Acme Meats", id: "acme.projectmeats.example" },
  user: { id: "MDFqZDh4N2szbTVuOXAycTRyNnM4dDB2MXc", name: "dana@acme-meats.example" },
  pubKeyCredParams: [{ alg: -7, type: "public-key" }],
  timeout: 60000,
  attestation: "none",
  authenticatorSelection: { residentKey: "required", userVerification: "required" },
};
const REQUEST_OPTIONS_EXAMPLE = {
  challenge: "Zk3p9QwX1rT5yU7iO0pA2sD4fG6hJ8kL0zX2cV4bN6m",
  rpId: "acme.projectmeats.example",
  timeout: 60000,
  userVerification: "required",
};
const CREDENTIAL_EXAMPLE = {
  id: "hT3a9xQ0cLw2nY5rV8kE1uS4oI7pM6bZ",
  rawId: "hT3a9xQ0cLw2nY5rV8kE1uS4oI7pM6bZ",
  type: "public-key",
  response: { clientDataJSON: "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0Ii4uLn0", "...": "..." },
  clientExtensionResults: {},
};

const registrationOptionsDoc = describeRoute({
  operationId: "passkeyRegistrationOptions",
  tag: "Account",
  summary: "Start adding a passkey (browser session only; needs your password)",
  description: "The account's password confirms it is you: a passkey is a way in that outlives " +
    "every session. An account made by single sign-on has no password and sends none.",
  body: { schema: ConfirmSchema, example: { password: "correct horse battery" } },
  responses: {
    200: {
      description: "Options for navigator.credentials.create",
      schema: OptionsJson,
      example: CREATION_OPTIONS_EXAMPLE,
    },
  },
  errors: [403, 404, 415, 422, 429],
});
const addDoc = describeRoute({
  operationId: "addPasskey",
  tag: "Account",
  summary: "Finish adding a passkey (browser session only)",
  description: "The passkey belongs to this workspace at the address it was made on.",
  body: { schema: AddSchema, example: { name: "Work laptop", response: CREDENTIAL_EXAMPLE } },
  responses: {
    201: { description: "The passkey was added", schema: PasskeyJson, example: PASSKEY_EXAMPLE },
  },
  errors: [400, 403, 415, 422],
});
const listDoc = describeRoute({
  operationId: "listPasskeys",
  tag: "Account",
  summary: "Your passkeys in this workspace",
  responses: {
    200: {
      description: "Newest first",
      schema: z.object({ data: z.array(PasskeyJson) }),
      example: { data: [PASSKEY_EXAMPLE] },
    },
  },
  errors: [403, 404],
});
const removeDoc = describeRoute({
  operationId: "removePasskey",
  tag: "Account",
  summary: "Remove one of your passkeys (needs your password)",
  description: "A POST rather than a DELETE: it carries the password in its body.",
  params: IdParam,
  body: { schema: RemoveSchema, example: { password: "correct horse battery" } },
  responses: { 204: { description: "Removed" } },
  errors: [403, 404, 415, 422, 429],
});
const signInOptionsDoc = describeRoute({
  operationId: "passkeySignInOptions",
  tag: "Account",
  summary: "Start signing in with a passkey (no e-mail needed)",
  auth: "none",
  responses: {
    200: {
      description: "Options for navigator.credentials.get",
      schema: OptionsJson,
      example: REQUEST_OPTIONS_EXAMPLE,
    },
  },
  errors: [404],
});
const signInDoc = describeRoute({
  operationId: "passkeySignIn",
  tag: "Account",
  summary: "Sign in with a passkey (sets the session cookie)",
  description: "User verification is required, so a passkey counts as both factors.",
  auth: "none",
  body: { schema: SignInSchema, example: { response: CREDENTIAL_EXAMPLE } },
  responses: {
    200: {
      description: "Signed in; a new session cookie is set",
      schema: z.object({
        user: z.object({ id: z.string(), email: z.email(), name: z.string() }),
        role: z.enum(ROLES),
        csrf_token: z.string(),
      }),
    },
  },
  errors: [400, 401, 403, 404, 415, 422],
});

/** The workspace, host and origin of this request: a passkey's relying party is its host. */
function siteOf(c: AppContext): PasskeySite {
  const tenant = tenantOf(c);
  // The workspace's known host (mail/links.ts), not the request target's: they agree in a browser.
  const origin = requestOrigin(c);
  return {
    tenantId: tenant.id,
    rpName: tenant.name,
    rpId: new URL(origin).hostname,
    origin,
  };
}

/** Passkeys are made and removed in a browser: a session, never an API token. */
function sessionOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get("auth");
    if (!auth) throw new UnauthorizedError();
    if (auth.via !== "session") {
      throw new ForbiddenError("Passkeys are managed in the browser, not with an API token.");
    }
    await next();
  };
}

const app = new Hono<AppEnv>();
app.use("/api/v1/auth/passkeys", tenantOnly());
app.use("/api/v1/auth/passkeys/*", tenantOnly());

app.post(
  "/api/v1/auth/passkeys/registration-options",
  registrationOptionsDoc,
  sessionOnly(),
  async (c) => {
    const { password } = parseWith(ConfirmSchema, await readJson(c));
    return c.json(
      await registrationOptions(c.get("services"), siteOf(c), principalOf(c).userId, password),
    );
  },
);

app.post("/api/v1/auth/passkeys", addDoc, sessionOnly(), async (c) => {
  const input = parseWith(AddSchema, await readJson(c));
  const passkey = await addPasskey(
    c.get("services"),
    siteOf(c),
    principalOf(c).userId,
    input.name,
    input.response as unknown as RegistrationResponseJSON,
  );
  await recordSecurityEvent(c, {
    action: "auth.passkey.added",
    target: passkey.name,
    details: { passkey_id: passkey.id, address: siteOf(c).rpId },
  });
  return c.json(passkey, 201);
});

app.get("/api/v1/auth/passkeys", listDoc, sessionOnly(), async (c) => {
  const data = await listPasskeys(c.get("services").control, tenantOf(c).id, principalOf(c).userId);
  return c.json({ data });
});

app.post("/api/v1/auth/passkeys/:id/remove", removeDoc, sessionOnly(), async (c) => {
  const { id } = parseWith(IdParam, c.req.param());
  const { password } = parseWith(RemoveSchema, await readJson(c));
  const removed = await removePasskey(
    c.get("services"),
    tenantOf(c).id,
    principalOf(c).userId,
    id,
    password,
  );
  await recordSecurityEvent(c, {
    action: "auth.passkey.removed",
    target: removed.name,
    details: { passkey_id: removed.id },
  });
  return c.body(null, 204);
});

app.post(
  "/api/v1/auth/passkeys/sign-in-options",
  signInOptionsDoc,
  async (c) => c.json(await signInOptions(c.get("services"), siteOf(c))),
);

app.post("/api/v1/auth/passkeys/sign-in", signInDoc, async (c) => {
  const services = c.get("services");
  const { response } = parseWith(SignInSchema, await readJson(c));
  const { userId, role } = await verifyPasskeySignIn(
    services,
    siteOf(c),
    response as unknown as AuthenticationResponseJSON,
  ).catch(async (err) => {
    if (err instanceof AppError && err.status < 500) {
      await recordSecurityEvent(c, {
        action: "auth.sign_in_failed",
        details: { via: "passkey", reason: err.message, status: err.status },
      });
    }
    throw err;
  });
  const user = await findUserById(services.control, userId);
  if (!user) throw new UnauthorizedError();
  // A new session id on every sign-in (no session fixation); the old one, if any, ends.
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services, previous);
  await startSession(c, userId, "passkey");
  await recordSecurityEvent(c, {
    action: "auth.sign_in",
    actor: { userId: user.id, email: user.email },
    details: { via: "passkey" },
  });
  return c.json({
    user: { id: user.id, email: user.email, name: user.name },
    role,
    csrf_token: c.get("csrfToken"),
  });
});

export default app;
