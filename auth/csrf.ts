/**
 * @module auth/csrf
 * CSRF protection for every cookie-authenticated write and every form. A write must carry the
 * request's CSRF token in the `X-CSRF-Token` header or the `_csrf` form field; bearer-token calls
 * are exempt (no ambient credentials). A foreign Origin is refused outright.
 */
import type { Context } from "hono";
import { timingSafeEqual } from "node:crypto";
import { getCookie } from "hono/cookie";
import { AppError } from "../domain/errors.ts";
import type { AppEnv } from "../http/env.ts";
import { isUrlEncodedForm, readCapped } from "../http/guards.ts";
import { SESSION_COOKIE } from "./sessions.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function sameToken(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function isForm(contentType: string): boolean {
  return contentType.startsWith("application/x-www-form-urlencoded") ||
    contentType.startsWith("multipart/form-data");
}

/** Throws unless an unsafe request carries the right CSRF token (called by `authenticate`). */
export async function verifyCsrf(c: Context<AppEnv>): Promise<void> {
  if (SAFE.has(c.req.method) || c.get("auth")?.via === "token") return;
  const origin = c.req.header("origin");
  if (origin && origin !== "null") {
    const host = c.req.header("host");
    let originHost = "";
    try {
      originHost = new URL(origin).host;
    } catch { /* malformed Origin: refused below */ }
    if (originHost !== host) throw csrfError("The request came from another site.");
  }
  const contentType = c.req.header("content-type") ?? "";
  const cookieAuthenticated = c.get("auth")?.via === "session" ||
    getCookie(c, SESSION_COOKIE) !== undefined;
  if (!cookieAuthenticated && !isForm(contentType)) return;
  let provided = c.req.header("x-csrf-token") ?? "";
  if (!provided && isForm(contentType)) {
    // A plain form is read under the body cap (http/guards.ts); an upload's own limit applies later.
    const body = isUrlEncodedForm(contentType)
      ? await readCapped(c, () => c.req.parseBody())
      : await c.req.parseBody();
    provided = typeof body._csrf === "string" ? body._csrf : "";
  }
  if (!sameToken(provided, c.get("csrfToken"))) {
    throw csrfError("The form has expired. Reload the page and try again.");
  }
}

function csrfError(message: string): AppError {
  return new AppError("forbidden", 403, message, { reason: "csrf" });
}
