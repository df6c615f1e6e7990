/**
 * @module auth/handoff_cookie
 * The browser side of a one-time sign-in or switch link (auth/handoff.ts): the `pm_handoff`
 * cookie whose nonce the link is bound to, set when a link is handed out and read when one is
 * redeemed. Set for APP_DOMAIN and its subdomains, where every link lands.
 */
import { getCookie, setCookie } from "hono/cookie";
import { randomToken } from "../db/ids.ts";
import type { AppContext } from "../http/env.ts";
import { NONCE_SHAPE, UNBOUND } from "./handoff.ts";

/** The cookie that binds one-time sign-in and switch links to the browser that asked for them. */
export const HANDOFF_COOKIE = "pm_handoff";
/** How long the binding cookie lives: a little longer than a link. */
const HANDOFF_COOKIE_SECONDS = 120;

/** Whether links are bound to their browser here (`HANDOFF_BINDING`, auto: a dotted domain). */
function bindingOn(config: { HANDOFF_BINDING: "auto" | "on" | "off"; APP_DOMAIN: string }) {
  return config.HANDOFF_BINDING === "auto"
    ? config.APP_DOMAIN.includes(".")
    : config.HANDOFF_BINDING === "on";
}

/**
 * This browser's handoff nonce: the one its `pm_handoff` cookie already carries (two links asked
 * in two tabs both stay good), or a new one; sets the cookie for APP_DOMAIN and its subdomains.
 * Call it on the answer that hands out the link.
 */
export function bindHandoffToBrowser(c: AppContext): string {
  const config = c.get("services").config;
  if (!bindingOn(config)) return UNBOUND;
  const held = getCookie(c, HANDOFF_COOKIE);
  const nonce = held && NONCE_SHAPE.test(held) ? held : randomToken(32);
  setCookie(c, HANDOFF_COOKIE, nonce, {
    path: "/",
    domain: config.APP_DOMAIN,
    httpOnly: true,
    sameSite: "Lax",
    secure: config.secureCookies,
    maxAge: HANDOFF_COOKIE_SECONDS,
  });
  return nonce;
}

/** The handoff nonce this request's browser carries ("" without one: then no link matches). */
export function handoffBrowserOf(c: AppContext): string {
  if (!bindingOn(c.get("services").config)) return UNBOUND;
  const held = getCookie(c, HANDOFF_COOKIE);
  return held && NONCE_SHAPE.test(held) ? held : "";
}
