/**
 * @module portal/links
 * The signed, expiring links of the customer invoice portal: `/portal/<token>` on the tenant's
 * host. A token names the tenant, the invoice and the customer, when it expires and the portal
 * key version that signed it:
 *
 *     base64url("p1|<tenant id>|<invoice id>|<customer id>|<expires, unix seconds>|<key version>")
 *     + "." + base64url(HMAC-SHA-256(key, that payload))
 *
 * The key is derived (HKDF, "portal-links") from a random secret kept per tenant in its own
 * database (`portal_keys`, encrypted at rest with the tenant's data key); only the newest version
 * verifies, so rotating the key invalidates every link sent before. A link therefore works only
 * on its own tenant's host (another tenant holds another key and its id differs) and only until
 * it expires. `verifyPortalToken` says why a token was refused, for the security log, never for
 * the visitor, who sees the same plain page whatever the reason.
 */
import type { Executor } from "../db/transaction.ts";
import { deriveKey, fromBase64, randomKey, toBase64 } from "../crypto/keys.ts";

/** How long a link lasts when the tenant has not chosen (Settings → Payments). */
export const DEFAULT_LINK_DAYS = 60;

export interface PortalClaims {
  tenantId: string;
  invoiceId: string;
  customerId: string;
  /** Unix seconds. */
  expires: number;
  keyVersion: number;
}

export type TokenRefusal = "malformed" | "bad_signature" | "wrong_tenant" | "expired";

const enc = new TextEncoder();
const ID = /^[0-9A-Za-z_-]{1,64}$/;

function base64url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The tenant's newest portal key (version 1 is made the first time it is asked for). */
export async function currentPortalKey(
  db: Executor,
  now: Date,
): Promise<{ version: number; secret: Uint8Array }> {
  let rs = await db.execute(
    "SELECT version, secret FROM portal_keys ORDER BY version DESC LIMIT 1",
  );
  if (!rs.rows[0]) {
    await db.execute({
      sql: "INSERT OR IGNORE INTO portal_keys (version, secret, created_at) VALUES (1, ?, ?)",
      args: [toBase64(randomKey()), now.toISOString()],
    });
    rs = await db.execute("SELECT version, secret FROM portal_keys ORDER BY version DESC LIMIT 1");
  }
  const row = rs.rows[0]!;
  return { version: Number(row.version), secret: fromBase64(String(row.secret)) };
}

/** Adds a new portal key version: every link issued before stops working. Returns the version. */
export async function rotatePortalKey(db: Executor, now: Date): Promise<number> {
  const current = await currentPortalKey(db, now);
  const version = current.version + 1;
  await db.execute({
    sql: "INSERT INTO portal_keys (version, secret, created_at) VALUES (?, ?, ?)",
    args: [version, toBase64(randomKey()), now.toISOString()],
  });
  // Older secrets can no longer verify anything: keep none of them.
  await db.execute({ sql: "DELETE FROM portal_keys WHERE version < ?", args: [version] });
  return version;
}

async function mac(secret: Uint8Array, payload: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    await deriveKey(secret, "portal-links") as BufferSource,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(payload)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Signs a link for one invoice of one customer, valid for `days` from `now`. */
export async function signPortalToken(
  db: Executor,
  input: { tenantId: string; invoiceId: string; customerId: string; now: Date; days: number },
): Promise<string> {
  const key = await currentPortalKey(db, input.now);
  const expires = Math.floor(input.now.getTime() / 1000) + Math.round(input.days * 86400);
  const payload = ["p1", input.tenantId, input.invoiceId, input.customerId, expires, key.version]
    .join("|");
  return `${base64url(enc.encode(payload))}.${base64url(await mac(key.secret, payload))}`;
}

/** Reads the claims of a token without trusting them (for the security log of a refusal). */
export function readPortalToken(token: string): PortalClaims | null {
  const [body, signature, extra] = token.split(".");
  if (!body || !signature || extra !== undefined || body.length > 400) return null;
  let payload: string;
  try {
    payload = new TextDecoder().decode(fromBase64(body));
  } catch {
    return null;
  }
  const parts = payload.split("|");
  if (parts.length !== 6 || parts[0] !== "p1") return null;
  const [, tenantId, invoiceId, customerId, expires, version] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (![tenantId, invoiceId, customerId].every((p) => ID.test(p))) return null;
  if (!/^\d{1,12}$/.test(expires) || !/^\d{1,6}$/.test(version)) return null;
  return { tenantId, invoiceId, customerId, expires: Number(expires), keyVersion: Number(version) };
}

/**
 * Checks a token on tenant `tenantId`'s host: its signature under the tenant's current key, its
 * tenant and its expiry. The claims when it holds, else why not.
 */
export async function verifyPortalToken(
  db: Executor,
  tenantId: string,
  token: string,
  now: Date,
): Promise<{ ok: true; claims: PortalClaims } | { ok: false; reason: TokenRefusal }> {
  const claims = readPortalToken(token);
  if (!claims) return { ok: false, reason: "malformed" };
  if (claims.tenantId !== tenantId) return { ok: false, reason: "wrong_tenant" };
  const key = await currentPortalKey(db, now);
  const [body, signature] = token.split(".") as [string, string];
  const payloadBytes = fromBase64(body);
  // Only the one canonical spelling of a token is accepted: base64's last character carries unused
  // low bits, so without this several strings (differing there) would pass as the same link.
  if (base64url(payloadBytes) !== body) return { ok: false, reason: "malformed" };
  const payload = new TextDecoder().decode(payloadBytes);
  const expected = enc.encode(base64url(await mac(key.secret, payload)));
  if (claims.keyVersion !== key.version || !sameBytes(enc.encode(signature), expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  if (claims.expires * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}
