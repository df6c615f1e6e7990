/**
 * @module auth/cookies
 * Sets and clears the session cookie: host-only (no Domain attribute, so a tenant's session never
 * reaches another subdomain), httpOnly, SameSite=Lax, Secure outside localhost.
 */
import { deleteCookie, setCookie } from "hono/cookie";
import type { AppContext } from "../http/env.ts";
import { createSession, SESSION_COOKIE } from "./sessions.ts";
import { clientIp } from "../http/env.ts";

/** Creates a session for the current host and sets its cookie. */
export async function startSession(c: AppContext, userId: string): Promise<void> {
  const { control, config } = c.get("services");
  const session = await createSession(control, userId, c.get("tenant")?.id ?? null, {
    ip: clientIp(c),
    userAgent: c.req.header("user-agent"),
  });
  setCookie(c, SESSION_COOKIE, session.token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: config.secureCookies,
    expires: session.expiresAt,
  });
  c.set("csrfToken", session.csrfToken);
}

/** Clears the session cookie. */
export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: c.get("services").config.secureCookies });
}
