/**
 * @module auth/cookies
 * Sets and clears the session cookie: host-only (no Domain attribute, so a tenant's session never
 * reaches another subdomain), httpOnly, SameSite=Lax, Secure outside localhost.
 */
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppContext } from "../http/env.ts";
import { createSession, SESSION_COOKIE, type SignInMethod } from "./sessions.ts";
import { clientIp } from "../http/env.ts";
import { createPendingSignIn } from "./second_factor.ts";
import { recordSecurityEvent } from "../security/events.ts";

/**
 * Creates a session for the current host and sets its cookie (`method`: passkey or SSO); the
 * principal cache starts afresh so no credential resolved before the sign-in is reused.
 */
export async function startSession(
  c: AppContext,
  userId: string,
  method?: SignInMethod,
): Promise<void> {
  const { control, config, authCache } = c.get("services");
  const session = await createSession(control, userId, c.get("tenant")?.id ?? null, {
    ip: clientIp(c),
    userAgent: c.req.header("user-agent"),
    method,
  });
  setCookie(c, SESSION_COOKIE, session.token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: config.secureCookies,
    expires: session.expiresAt,
  });
  c.set("csrfToken", session.csrfToken);
  // A new session revokes nothing: the other machines' caches stay (every sign-in would empty them).
  authCache.clearLocal();
}

/** Clears the session cookie. */
export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: c.get("services").config.secureCookies });
}

/** The cookie that carries a pending sign-in (auth/second_factor.ts) to /login/second-factor. */
export const PENDING_SIGN_IN_COOKIE = "pm_pending_sign_in";

/** Keeps a pending sign-in's token in a host-only cookie until its second step. */
export function setPendingSignInCookie(c: AppContext, token: string, expiresAt: string): void {
  setCookie(c, PENDING_SIGN_IN_COOKIE, token, {
    path: "/login",
    httpOnly: true,
    sameSite: "Lax",
    secure: c.get("services").config.secureCookies,
    // A lifetime, not a date: `expiresAt` is on the services clock, which a test (or a tenant's
    // business day) may move away from the browser's wall clock; an Expires date a year off is
    // refused by the cookie helper and misread by browsers.
    maxAge: Math.max(
      0,
      Math.round((Date.parse(expiresAt) - c.get("services").clock.now().getTime()) / 1000),
    ),
  });
}

/** The pending sign-in token of this browser, if any. */
export function pendingSignInToken(c: AppContext): string | undefined {
  return getCookie(c, PENDING_SIGN_IN_COOKIE);
}

/** Forgets the pending sign-in (completed, abandoned or dead). */
export function clearPendingSignInCookie(c: AppContext): void {
  deleteCookie(c, PENDING_SIGN_IN_COOKIE, {
    path: "/login",
    secure: c.get("services").config.secureCookies,
  });
}

/** After a correct password of a user with a second factor: a pending sign-in, no session. */
export async function startSecondStep(
  c: AppContext,
  user: { id: string; email: string },
): Promise<{ token: string; expiresAt: string }> {
  const pending = await createPendingSignIn(
    c.get("services"),
    user.id,
    c.get("tenant")?.id ?? null,
  );
  setPendingSignInCookie(c, pending.token, pending.expiresAt);
  await recordSecurityEvent(c, {
    action: "auth.second_factor.challenged",
    actor: { userId: user.id, email: user.email },
  });
  return pending;
}
