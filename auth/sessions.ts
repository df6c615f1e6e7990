/**
 * @module auth/sessions
 * Server-side sessions in the control database. The cookie carries a random id; the database keeps
 * only its SHA-256, so a leaked database cannot be replayed as cookies. A session belongs to exactly
 * one host: a tenant (tenant_id) or the bare app domain (NULL), and is refused anywhere else.
 * Each session also has a public id, by which its user lists and revokes it (the hash never
 * leaves the server), and a last-use time written at most once a minute.
 */
import type { Client } from "../db/client.ts";
import type { CredentialWriteDeps } from "./principal_cache.ts";
import { newId, randomToken, sha256Hex } from "../db/ids.ts";
import { ForbiddenError, NotFoundError } from "../domain/errors.ts";

export const SESSION_COOKIE = "pm_session";
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface SessionRecord {
  /** The id shown to its user and used to revoke it. */
  publicId: string;
  userId: string;
  tenantId: string | null;
  csrfToken: string;
  expiresAt: string;
  /** How it was signed in, when that satisfies a second-factor policy by itself. */
  signInMethod: SignInMethod | null;
}

/** Sign-ins that count as more than a password: a passkey (both factors), single sign-on. */
export type SignInMethod = "passkey" | "sso";

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Creates a session for a user on one host (tenant id, or null for the bare domain). */
export async function createSession(
  control: Client,
  userId: string,
  tenantId: string | null,
  meta: { ip?: string; userAgent?: string; method?: SignInMethod } = {},
): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await control.execute({
    sql: `INSERT INTO sessions (id_hash, public_id, user_id, tenant_id, csrf_token, created_at,
            last_used_at, expires_at, ip, user_agent, sign_in_method)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      await sha256Hex(token),
      newId(now.getTime()),
      userId,
      tenantId,
      csrfToken,
      now.toISOString(),
      now.toISOString(),
      expiresAt.toISOString(),
      meta.ip ?? null,
      meta.userAgent?.slice(0, 300) ?? null,
      meta.method ?? null,
    ],
  });
  return { token, csrfToken, expiresAt };
}

/** Finds a live session for this host; a session of another host or an expired one is null. */
export async function findSession(
  control: Client,
  token: string,
  tenantId: string | null,
): Promise<SessionRecord | null> {
  if (token.length < 20 || token.length > 100) return null;
  const rs = await control.execute({
    sql: `SELECT public_id, user_id, tenant_id, csrf_token, expires_at, last_used_at,
            sign_in_method FROM sessions WHERE id_hash = ?`,
    args: [await sha256Hex(token)],
  });
  const row = rs.rows[0];
  if (!row) return null;
  const rowTenant = row.tenant_id === null ? null : String(row.tenant_id);
  if (rowTenant !== tenantId) return null;
  const expiresAt = String(row.expires_at);
  const now = new Date();
  if (expiresAt <= now.toISOString()) return null;
  // Record use at most once a minute (callers cache the session for seconds in between).
  const lastUsed = row.last_used_at ? Date.parse(String(row.last_used_at)) : 0;
  if (now.getTime() - lastUsed > 60_000) {
    await control.execute({
      sql: "UPDATE sessions SET last_used_at = ? WHERE id_hash = ?",
      args: [now.toISOString(), await sha256Hex(token)],
    });
  }
  return {
    publicId: String(row.public_id),
    userId: String(row.user_id),
    tenantId: rowTenant,
    csrfToken: String(row.csrf_token),
    expiresAt,
    signInMethod: row.sign_in_method === "passkey" || row.sign_in_method === "sso"
      ? row.sign_in_method
      : null,
  };
}

/** Ends one session (logout); the principal cache forgets it at once. */
export async function deleteSession(deps: CredentialWriteDeps, token: string): Promise<void> {
  await deps.control.execute({
    sql: "DELETE FROM sessions WHERE id_hash = ?",
    args: [await sha256Hex(token)],
  });
  deps.authCache.clear();
}

/**
 * Ends every session of a user (after a password reset), optionally keeping one, and with
 * `onlyTenant` only those in that workspace (see `signOutScope`); answers how many ended.
 */
export async function deleteUserSessions(
  deps: CredentialWriteDeps,
  userId: string,
  keepToken?: string,
  onlyTenant?: string,
): Promise<number> {
  const keep = keepToken ? await sha256Hex(keepToken) : "";
  const rs = await deps.control.execute(
    onlyTenant
      ? {
        sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ? AND tenant_id = ?",
        args: [userId, keep, onlyTenant],
      }
      : { sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", args: [userId, keep] },
  );
  deps.authCache.clear();
  return rs.rowsAffected;
}

/**
 * The one workspace whose sessions this session may sign out, or undefined for all of its
 * account's: a session made through a workspace's single sign-on speaks for that workspace only
 * (it cannot switch out of it either, auth/workspace_switch.ts), so its identity provider cannot
 * sign the account out of the others.
 */
export async function signOutScope(
  control: Client,
  sessionToken: string | undefined,
  tenantId: string | null,
): Promise<string | undefined> {
  if (!sessionToken || !tenantId) return undefined;
  const session = await findSession(control, sessionToken, tenantId);
  return session?.signInMethod === "sso" ? tenantId : undefined;
}

export interface SessionSummary {
  id: string;
  /** Workspace slug, or null for the account's own pages on the bare domain. */
  workspace: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastUsedAt: string;
  /** The session this request came with. */
  current: boolean;
}

/** The user's live sessions on every host, most recently used first. */
export async function listUserSessions(
  control: Client,
  userId: string,
  currentToken?: string,
): Promise<SessionSummary[]> {
  const current = currentToken ? await sha256Hex(currentToken) : "";
  const rs = await control.execute({
    sql: `SELECT s.id_hash, s.public_id, t.slug, s.ip, s.user_agent, s.created_at, s.last_used_at
          FROM sessions s LEFT JOIN tenants t ON t.id = s.tenant_id
          WHERE s.user_id = ? AND s.expires_at > ?
          ORDER BY COALESCE(s.last_used_at, s.created_at) DESC`,
    args: [userId, new Date().toISOString()],
  });
  return rs.rows.map((r) => ({
    id: String(r.public_id),
    workspace: r.slug === null ? null : String(r.slug),
    ip: r.ip === null ? null : String(r.ip),
    userAgent: r.user_agent === null ? null : String(r.user_agent),
    createdAt: String(r.created_at),
    lastUsedAt: String(r.last_used_at ?? r.created_at),
    current: String(r.id_hash) === current,
  }));
}

/**
 * Revokes one of the user's sessions by its public id; another user's is not found. With
 * `onlyTenant` (see `signOutScope`) a session in another workspace is refused (403).
 */
export async function revokeSession(
  deps: CredentialWriteDeps,
  userId: string,
  publicId: string,
  onlyTenant?: string,
): Promise<void> {
  const rs = await deps.control.execute({
    sql:
      "DELETE FROM sessions WHERE user_id = ? AND public_id = ? AND (? IS NULL OR tenant_id = ?)",
    args: [userId, publicId, onlyTenant ?? null, onlyTenant ?? null],
  });
  if (rs.rowsAffected === 0) {
    const elsewhere = onlyTenant !== undefined && (await deps.control.execute({
          sql: "SELECT 1 FROM sessions WHERE user_id = ? AND public_id = ?",
          args: [userId, publicId],
        })).rows.length > 0;
    if (elsewhere) {
      throw new ForbiddenError(
        "Signed in through your company's single sign-on, you can sign out sessions of this " +
          "workspace only. Sign in with your password to sign out the others.",
      );
    }
    throw new NotFoundError("No such session.");
  }
  deps.authCache.clear();
}
