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

const app = new Hono<AppEnv>();

app.post("/api/v1/auth/login", async (c) => {
  const services = c.get("services");
  const input = parseWith(LoginSchema, await readJson(c));
  const tenant = c.get("tenant");
  const { user, role } = await checkCredentials(services, {
    ...input,
    ip: clientIp(c),
    tenantId: tenant?.id ?? null,
  });
  // A new session id on every sign-in (no session fixation); the old one, if any, ends.
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services.control, previous);
  await startSession(c, user.id);
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

app.post("/api/v1/auth/logout", requireAuth(), async (c) => {
  const services = c.get("services");
  const auth = c.get("auth");
  if (auth?.sessionToken) await deleteSession(services.control, auth.sessionToken);
  services.authCache.clear();
  clearSessionCookie(c);
  return c.body(null, 204);
});

export default app;
