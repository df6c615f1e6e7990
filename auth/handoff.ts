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
 */
import type { Client } from "../db/client.ts";
import { randomToken, sha256Hex } from "../db/ids.ts";

const HANDOFF_TTL_MS = 60_000;

/** What a handoff is for: entering after signing in on the bare domain, or switching workspace. */
export type HandoffPurpose = "sign_in" | "switch";

function handoffHash(token: string, purpose: HandoffPurpose): Promise<string> {
  return sha256Hex(purpose === "switch" ? `switch:${token}` : token);
}

/** Creates a handoff token for a member entering a tenant. */
export async function createHandoff(
  control: Client,
  userId: string,
  tenantId: string,
  purpose: HandoffPurpose = "sign_in",
): Promise<string> {
  const token = randomToken(32);
  await control.execute({
    sql:
      "INSERT INTO login_handoffs (token_hash, user_id, tenant_id, expires_at) VALUES (?, ?, ?, ?)",
    args: [
      await handoffHash(token, purpose),
      userId,
      tenantId,
      new Date(Date.now() + HANDOFF_TTL_MS).toISOString(),
    ],
  });
  return token;
}

/** Uses a handoff token once, on the tenant it was made for; returns the user id or null. */
export async function consumeHandoff(
  control: Client,
  token: string,
  tenantId: string,
  purpose: HandoffPurpose = "sign_in",
): Promise<string | null> {
  if (token.length < 20 || token.length > 100) return null;
  const rs = await control.execute({
    sql: `UPDATE login_handoffs SET used_at = ?
          WHERE token_hash = ? AND tenant_id = ? AND used_at IS NULL AND expires_at > ?
          RETURNING user_id`,
    args: [
      new Date().toISOString(),
      await handoffHash(token, purpose),
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
