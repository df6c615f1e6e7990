import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { tenantOnly } from "../../http/guards.ts";
import { requestOrigin } from "../../mail/links.ts";
import { finishSsoSignIn, SSO_COOKIE, startSsoSignIn } from "../../auth/sso_sign_in.ts";
import { startSession } from "../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../auth/sessions.ts";
import { AppError } from "../../domain/errors.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import { safeNext } from "../../http/guards.ts";

const StartQuery = z.object({ next: z.string().max(2000).optional() });
const CallbackQuery = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

const app = new Hono<AppEnv>();
app.use("/auth/sso/*", tenantOnly());

function callbackUri(c: AppContext): string {
  return `${requestOrigin(c)}/auth/sso/callback`;
}

app.get("/auth/sso/start", async (c) => {
  const query = StartQuery.safeParse(c.req.query());
  const next = safeNext(query.success ? query.data.next : undefined);
  const { url, handle } = await startSsoSignIn(
    c.get("services"),
    tenantOf(c).id,
    callbackUri(c),
    next,
  );
  setCookie(c, SSO_COOKIE, handle, {
    path: "/auth/sso",
    httpOnly: true,
    // Lax: the identity provider's redirect back is a top-level GET, which carries it.
    sameSite: "Lax",
    secure: c.get("services").config.secureCookies,
    maxAge: 600,
  });
  return c.redirect(url, 303);
});

app.get("/auth/sso/callback", async (c) => {
  const services = c.get("services");
  const handle = getCookie(c, SSO_COOKIE);
  deleteCookie(c, SSO_COOKIE, { path: "/auth/sso", secure: services.config.secureCookies });
  const query = CallbackQuery.safeParse(c.req.query());
  // The registered redirect URI with the answer's query (this host may sit behind a proxy).
  const callback = new URL(callbackUri(c));
  callback.search = new URL(c.req.url).search;
  let identity;
  try {
    if (!query.success) throw new AppError("invalid_request", 400, "The answer is malformed.");
    identity = await finishSsoSignIn(services, tenantOf(c).id, handle, callback);
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await recordSecurityEvent(c, {
        action: "auth.sign_in_failed",
        details: { via: "sso", reason: err.message, status: err.status },
      });
    }
    throw err;
  }
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services, previous);
  await startSession(c, identity.userId, "sso");
  if (identity.joined) {
    await recordSecurityEvent(c, {
      action: "member.joined_by_sso",
      actor: { userId: identity.userId, email: identity.email },
      target: identity.email,
      details: { role: identity.role },
    });
  }
  await recordSecurityEvent(c, {
    action: "auth.sign_in",
    actor: { userId: identity.userId, email: identity.email },
    details: { via: "sso" },
  });
  return c.redirect(safeNext(identity.nextPath), 303);
});

export default app;
