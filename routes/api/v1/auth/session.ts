import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { type AppEnv, clientIp } from "../../../../http/env.ts";
import { parseWith, readJson } from "../../../../http/guards.ts";
import { checkCredentials, LoginSchema } from "../../../../auth/login.ts";
import { clearSessionCookie, startSession } from "../../../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../../../auth/sessions.ts";
import { listWorkspaces } from "../../../../auth/users.ts";
import { tenantOrigin } from "../../../../auth/handoff.ts";
import { requireAuth } from "../../../../auth/middleware.ts";
import { ROLES } from "../../../../auth/roles.ts";
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
      example: {
        user: {
          id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
          email: "dana@acme-meats.example",
          name: "Dana Broker",
          email_verified: true,
        },
        role: "owner",
        csrf_token: "c2VjcmV0LWNzcmYtdG9rZW4",
      },
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
  // A new session id on every sign-in (no session fixation); the old one, if any, ends.
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services.control, previous);
  await startSession(c, user.id);
  await recordSignIn(c, user, "api");
  services.authCache.clear();
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
  if (!tenant) {
    body.workspaces = (await listWorkspaces(services.control, user.id)).map((w) => ({
      id: w.tenantId,
      slug: w.slug,
      name: w.name,
      role: w.role,
      url: tenantOrigin(w.slug, services.config, c.req.url),
    }));
  }
  return c.json(body);
});

app.post("/api/v1/auth/logout", logOut, requireAuth(), async (c) => {
  const services = c.get("services");
  const auth = c.get("auth");
  if (auth?.sessionToken) await deleteSession(services.control, auth.sessionToken);
  await recordSecurityEvent(c, { action: "auth.sign_out" });
  services.authCache.clear();
  clearSessionCookie(c);
  return c.body(null, 204);
});

export default app;
