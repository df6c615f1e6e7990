/**
 * @module auth/handoff
 * Session cookies are host-only, so a sign-in on the bare domain (signup, workspace list) cannot
 * set a tenant's cookie. It creates a one-time, one-minute handoff link instead; the tenant host
 * consumes it and sets its own session cookie.
 *
 * The workspace switcher (a member of several companies moving from one workspace's host to
 * another's) uses the same one-time links with a purpose of their own: a switch token is stored
 * under the hash of `switch:<token>`, so it opens only the switch route (which applies the target's
 * second-factor policy) and a sign-in link never opens it, nor the other way round.
 *
 * A link opens a session only in the browser that asked for it (login CSRF: an attacker who signs
 * in and hands a victim their own link would otherwise sign the victim in as the attacker). The
 * answer that makes a link also sets `pm_handoff`, a random nonce in an HttpOnly, SameSite=Lax
 * cookie for `Domain=<APP_DOMAIN>` (so the workspace's subdomain, where the link lands, receives
 * it), living two minutes; the stored hash covers the token and that nonce together, so a link
 * opened in a browser without the same cookie matches nothing and is refused like an expired
 * one. Links always lead to `<slug>.<APP_DOMAIN>`; a switch asked from a workspace's custom domain
 * (whose answer cannot set a cookie for APP_DOMAIN) makes no link and sends the browser to the
 * target's sign-in page (routes/auth/handoff.ts). Browsers refuse a Domain cookie for a one-label
 * domain (`localhost`), so there (`HANDOFF_BINDING=auto`, a developer's machine) links are not
 * bound; every real APP_DOMAIN has a dot and binds them.
 */
import type { Client } from "../db/client.ts";
import { randomToken, sha256Hex } from "../db/ids.ts";

const HANDOFF_TTL_MS = 60_000;

/** The "nonce" of every browser where links are not bound (`HANDOFF_BINDING`). */
export const UNBOUND = "unbound-handoff-binding-off";
/** What a browser's nonce looks like (auth/handoff_cookie.ts makes them). */
export const NONCE_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

/** What a handoff is for: entering after signing in on the bare domain, or switching workspace. */
export type HandoffPurpose = "sign_in" | "switch";

function handoffHash(token: string, purpose: HandoffPurpose, browser: string): Promise<string> {
  return sha256Hex(`${purpose === "switch" ? "switch:" : ""}${token}.${browser}`);
}

/**
 * Creates a handoff token for a member entering a tenant, usable only by the browser holding
 * `browser` (its `pm_handoff` nonce, from `bindHandoffToBrowser`).
 */
export async function createHandoff(
  control: Client,
  userId: string,
  tenantId: string,
  purpose: HandoffPurpose,
  browser: string,
): Promise<string> {
  if (!NONCE_SHAPE.test(browser)) throw new Error("A handoff needs the browser's nonce.");
  const token = randomToken(32);
  await control.execute({
    sql:
      "INSERT INTO login_handoffs (token_hash, user_id, tenant_id, expires_at) VALUES (?, ?, ?, ?)",
    args: [
      await handoffHash(token, purpose, browser),
      userId,
      tenantId,
      new Date(Date.now() + HANDOFF_TTL_MS).toISOString(),
    ],
  });
  return token;
}

/**
 * Uses a handoff token once, on the tenant it was made for and in the browser it was made for
 * (`browser`: the request's `pm_handoff` nonce); returns the user id or null.
 */
export async function consumeHandoff(
  control: Client,
  token: string,
  tenantId: string,
  purpose: HandoffPurpose,
  browser: string,
): Promise<string | null> {
  if (token.length < 20 || token.length > 100 || !NONCE_SHAPE.test(browser)) return null;
  const rs = await control.execute({
    sql: `UPDATE login_handoffs SET used_at = ?
          WHERE token_hash = ? AND tenant_id = ? AND used_at IS NULL AND expires_at > ?
          RETURNING user_id`,
    args: [
      new Date().toISOString(),
      await handoffHash(token, purpose, browser),
      tenantId,
      new Date().toISOString(),
    ],
  });
  const userId = rs.rows[0]?.user_id;
  return userId ? String(userId) : null;
}

/** The public origin of a tenant's host: https in production, the request's own scheme locally. */
export function tenantOrigin(
  slug: string,
  config: { APP_DOMAIN: string; secureCookies: boolean },
  requestUrl: string,
): string {
  const url = new URL(requestUrl);
  if (config.secureCookies) return `https://${slug}.${config.APP_DOMAIN}`;
  return `${url.protocol}//${slug}.${config.APP_DOMAIN}${url.port ? `:${url.port}` : ""}`;
}
