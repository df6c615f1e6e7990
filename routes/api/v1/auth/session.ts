import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { type AppContext, type AppEnv, clientIp } from "../../../../http/env.ts";
import { parseWith, readJson } from "../../../../http/guards.ts";
import { checkCredentials, LoginSchema } from "../../../../auth/login.ts";
import { clearSessionCookie, startSession } from "../../../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../../../auth/sessions.ts";
import { findUserById, listWorkspaces, membershipRole, type User } from "../../../../auth/users.ts";
import {
  completePendingSignIn,
  createPendingSignIn,
  hasSecondFactor,
} from "../../../../auth/second_factor.ts";
import { recoveryCodesLeft } from "../../../../auth/recovery_codes.ts";
import { AppError, UnauthorizedError } from "../../../../domain/errors.ts";
import { tenantOrigin } from "../../../../auth/handoff.ts";
import { requireAuth } from "../../../../auth/middleware.ts";
import { type Role, ROLES } from "../../../../auth/roles.ts";
import { describeRoute } from "../../../../http/openapi.ts";
import { z } from "zod";
import { failedSignIn, recordSecurityEvent, recordSignIn } from "../../../../security/events.ts";

const UserJson = z.object({
  id: z.string(),
  email: z.email(),
  name: z.string(),
  email_verified: z.boolean(),
});

const LoginJson = z.object({
  user: UserJson,
  role: z.enum(ROLES).nullable().meta({ description: "Your role here; null on the bare domain." }),
  csrf_token: z.string().meta({
    description: "Send it as X-CSRF-Token on writes that use the session cookie.",
  }),
  workspaces: z.array(z.object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    url: z.url(),
  })).optional().meta({ description: "On the bare domain: the workspaces you belong to." }),
});

const SecondFactorRequiredJson = z.object({
  result: z.literal("second_factor_required"),
  challenge: z.string().meta({ description: "Send it with the code to complete the sign-in." }),
  expires_at: z.iso.datetime(),
  methods: z.array(z.enum(["totp", "recovery_code"])),
});

const SecondStepSchema = z.object({
  challenge: z.string().min(20).max(100),
  code: z.string().trim().min(1, "Type the code.").max(40),
});

/** The signed-in answer: who, the role here, the CSRF token, and on the bare domain the list. */
async function signedIn(c: AppContext, user: User, role: Role | null) {
  const services = c.get("services");
  // A new session id on every sign-in (no session fixation); the old one, if any, ends.
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services, previous);
  await startSession(c, user.id);
  const body: Record<string, unknown> = {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      email_verified: user.emailVerifiedAt !== null,
    },
    role,
    csrf_token: c.get("csrfToken"),
  };
  if (!c.get("tenant")) {
    body.workspaces = (await listWorkspaces(services.control, user.id)).map((w) => ({
      id: w.tenantId,
      slug: w.slug,
      name: w.name,
      role: w.role,
      url: tenantOrigin(w.slug, services.config, c.req.url),
    }));
  }
  return c.json(body);
}

/** What both sign-in steps answer once a session is made. */
const SIGNED_IN_EXAMPLE = {
  user: {
    id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
    email: "dana@acme-meats.example",
    name: "Dana Broker",
    email_verified: true,
  },
  role: "owner",
  csrf_token: "c2VjcmV0LWNzcmYtdG9rZW4",
};

const logIn = describeRoute({
  operationId: "logIn",
  tag: "Account",
  summary: "Sign in with e-mail and password (sets the session cookie)",
  auth: "none",
  body: {
    schema: LoginSchema,
    example: { email: "dana@acme-meats.example", password: "correct horse battery" },
  },
  responses: {
    200: {
      description: "Signed in; a new session cookie is set",
      schema: LoginJson,
      example: SIGNED_IN_EXAMPLE,
    },
    202: {
      description: "The password is right and the account has a second factor: no session yet. " +
        "Send a code with the `challenge` to `POST /api/v1/auth/login/second-factor`.",
      schema: SecondFactorRequiredJson,
      example: {
        result: "second_factor_required",
        challenge: "q3Zt8mXk1Lw0aP7dVn2sQe9rTy4uJ6hB",
        expires_at: "2026-03-31T14:10:09.000Z",
        methods: ["totp", "recovery_code"],
      },
    },
  },
  errors: [400, 401, 415, 422, 429],
});

const completeLogIn = describeRoute({
  operationId: "completeLogIn",
  tag: "Account",
  summary: "Second step of signing in: a TOTP or recovery code for a sign-in's challenge",
  description: "Five minutes and five wrong codes per challenge; wrong codes are also throttled " +
    "per account. A recovery code works once.",
  auth: "none",
  body: {
    schema: SecondStepSchema,
    example: { challenge: "q3Zt8mXk1Lw0aP7dVn2sQe9rTy4uJ6hB", code: "492 039" },
  },
  responses: {
    200: {
      description: "Signed in; a new session cookie is set",
      schema: LoginJson,
      example: SIGNED_IN_EXAMPLE,
    },
  },
  errors: [400, 401, 415, 422, 429],
});

const logOut = describeRoute({
  operationId: "logOut",
  tag: "Account",
  summary: "Sign out: ends this session and clears its cookie",
  responses: { 204: { description: "Signed out" } },
});

const app = new Hono<AppEnv>();

app.post("/api/v1/auth/login", logIn, async (c) => {
  const services = c.get("services");
  const input = parseWith(LoginSchema, await readJson(c));
  const tenant = c.get("tenant");
  const { user, role } = await checkCredentials(services, {
    ...input,
    ip: clientIp(c),
    tenantId: tenant?.id ?? null,
  }).catch((err) => failedSignIn(c, input.email, err));
  if (await hasSecondFactor(services.control, user.id)) {
    // The password alone opens nothing: a pending sign-in that a second factor completes.
    const pending = await createPendingSignIn(services, user.id, tenant?.id ?? null);
    await recordSecurityEvent(c, {
      action: "auth.second_factor.challenged",
      actor: { userId: user.id, email: user.email },
    });
    return c.json({
      result: "second_factor_required",
      challenge: pending.token,
      expires_at: pending.expiresAt,
      methods: ["totp", "recovery_code"],
    }, 202);
  }
  const answer = await signedIn(c, user, role);
  await recordSignIn(c, user, "api");
  return answer;
});

app.post("/api/v1/auth/login/second-factor", completeLogIn, async (c) => {
  const services = c.get("services");
  const tenant = c.get("tenant");
  const input = parseWith(SecondStepSchema, await readJson(c));
  const { userId, method } = await completePendingSignIn(
    services,
    input.challenge,
    tenant?.id ?? null,
    input.code,
  ).catch(async (err) => {
    if (err instanceof AppError && err.status < 500) {
      await recordSecurityEvent(c, {
        action: err.status === 429 ? "auth.second_factor.throttled" : "auth.second_factor.failed",
        details: { status: err.status },
      });
    }
    throw err;
  });
  const user = await findUserById(services.control, userId);
  const role = tenant ? await membershipRole(services.control, tenant.id, userId) : null;
  if (!user || (tenant && !role)) throw new UnauthorizedError("Sign in again.");
  const answer = await signedIn(c, user, role);
  if (method === "recovery_code") {
    await recordSecurityEvent(c, {
      action: "auth.recovery_code.used",
      actor: { userId: user.id, email: user.email },
      details: { left: await recoveryCodesLeft(services.control, user.id) },
    });
  }
  await recordSignIn(c, user, `api+${method}`);
  return answer;
});

app.post("/api/v1/auth/logout", logOut, requireAuth(), async (c) => {
  const services = c.get("services");
  const auth = c.get("auth");
  if (auth?.sessionToken) await deleteSession(services, auth.sessionToken);
  await recordSecurityEvent(c, { action: "auth.sign_out" });
  clearSessionCookie(c);
  return c.body(null, 204);
});

export default app;
