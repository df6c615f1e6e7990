/**
 * @module http/flash
 * A message a form's redirect carries to the page it lands on (`?error=` on a record's page,
 * `?notice=` on Settings → Members). The text travels in the address, so anyone could write a
 * link that makes the app itself say "Your session expired: sign in again at evil.example". It is
 * signed with the session's CSRF secret, which only the member's own pages hold: the member's
 * redirect shows its message, a link someone else made shows nothing.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "./env.ts";

/** The query parameter that carries the signature of the message in `key`. */
function signatureKey(key: string): string {
  return `${key}_sig`;
}

function sign(secret: string, key: string, text: string): string {
  return createHmac("sha256", secret).update(`flash\n${key}\n${text}`).digest("base64url")
    .slice(0, 32);
}

/** The query parameters that carry `text` as the message `key`, signed for this session. */
export function flashParams(c: AppContext, key: string, text: string): Record<string, string> {
  const secret = c.get("csrfToken");
  if (!secret) return {};
  return { [key]: text, [signatureKey(key)]: sign(secret, key, text) };
}

/** The message `key` of this request's address, when this session's redirect put it there. */
export function flashText(c: AppContext, key: string): string | undefined {
  const text = c.req.query(key);
  const given = c.req.query(signatureKey(key));
  const secret = c.get("csrfToken");
  if (!text || !given || !secret) return undefined;
  const wanted = new TextEncoder().encode(sign(secret, key, text));
  const got = new TextEncoder().encode(given);
  return got.length === wanted.length && timingSafeEqual(got, wanted) ? text : undefined;
}
