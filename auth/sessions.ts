/**
 * @module auth/sessions
 * Server-side sessions in the control database. The cookie carries a random id; the database keeps
 * only its SHA-256, so a leaked database cannot be replayed as cookies. A session belongs to exactly
 * one host: a tenant (tenant_id) or the bare app domain (NULL), and is refused anywhere else.
 */
import type { Client } from "../db/client.ts";
import { randomToken, sha256Hex } from "../db/ids.ts";

export const SESSION_COOKIE = "pm_session";
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface SessionRecord {
  userId: string;
  tenantId: string | null;
  csrfToken: string;
  expiresAt: string;
}

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
  meta: { ip?: string; userAgent?: string } = {},
): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(24);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await control.execute({
    sql:
      `INSERT INTO sessions (id_hash, user_id, tenant_id, csrf_token, created_at, expires_at, ip, user_agent)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      await sha256Hex(token),
      userId,
      tenantId,
      csrfToken,
      now.toISOString(),
      expiresAt.toISOString(),
      meta.ip ?? null,
      meta.userAgent?.slice(0, 300) ?? null,
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
    sql: "SELECT user_id, tenant_id, csrf_token, expires_at FROM sessions WHERE id_hash = ?",
    args: [await sha256Hex(token)],
  });
  const row = rs.rows[0];
  if (!row) return null;
  const rowTenant = row.tenant_id === null ? null : String(row.tenant_id);
  if (rowTenant !== tenantId) return null;
  const expiresAt = String(row.expires_at);
  if (expiresAt <= new Date().toISOString()) return null;
  return {
    userId: String(row.user_id),
    tenantId: rowTenant,
    csrfToken: String(row.csrf_token),
    expiresAt,
  };
}

/** Ends one session (logout). */
export async function deleteSession(control: Client, token: string): Promise<void> {
  await control.execute({
    sql: "DELETE FROM sessions WHERE id_hash = ?",
    args: [await sha256Hex(token)],
  });
}

/** Ends every session of a user (after a password reset), optionally keeping one. */
export async function deleteUserSessions(
  control: Client,
  userId: string,
  keepToken?: string,
): Promise<void> {
  const keep = keepToken ? await sha256Hex(keepToken) : "";
  await control.execute({
    sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?",
    args: [userId, keep],
  });
}
