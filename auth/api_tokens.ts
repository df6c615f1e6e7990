/**
 * @module auth/api_tokens
 * Personal API tokens: shown once at creation, stored as SHA-256, valid on one tenant only.
 * The visible prefix (`pm_` + 8 characters) lets a user tell tokens apart in settings. A token
 * may carry an expiry; after it the token authenticates nothing (within the principal cache's
 * 5 seconds) and is listed as expired until revoked.
 *
 * A token is either full access (every right of its creator's role; every token made before
 * scopes existed) or scoped (auth/scopes.ts), and may be limited to IP ranges (auth/ip_allow.ts).
 * Both are stored space-separated on the row: `*` is full access, an empty list any address.
 *
 * Whoever manages members (owners and admins) also sees every live token of the workspace with its
 * member, and may revoke it (`listWorkspaceTokens`, `revokeWorkspaceToken`): a leaked or forgotten
 * script's token can be ended without removing the member who made it.
 */
import type { Client } from "../db/client.ts";
import type { CredentialWriteDeps } from "./principal_cache.ts";
import { newId, randomToken, sha256Hex } from "../db/ids.ts";
import { ForbiddenError, NotFoundError } from "../domain/errors.ts";
import { can, isRole, type Role } from "./roles.ts";
import { mayManageMember } from "./members.ts";

export interface ApiTokenSummary {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  /** When the token stops working; null when it lives until revoked. */
  expires_at: string | null;
  /** The token's scopes; null for a full-access token. */
  scopes: string[] | null;
  /** Addresses and CIDR ranges it may be used from; empty means anywhere. */
  allowed_ips: string[];
}

/** What a new token may do: null scopes for full access, no IPs for anywhere. */
export interface TokenLimits {
  scopes: readonly string[] | null;
  allowedIps: readonly string[];
}

const FULL_ACCESS = "*";

function scopesOf(stored: unknown): string[] | null {
  const text = String(stored ?? FULL_ACCESS);
  return text === FULL_ACCESS ? null : text.split(" ").filter(Boolean);
}

function ipsOf(stored: unknown): string[] {
  return String(stored ?? "").split(" ").filter(Boolean);
}

/** The longest expiry a token may be given (ten years). */
export const MAX_TOKEN_DAYS = 3650;

/** Creates a token for a member of a tenant; returns the secret, which is never shown again. */
export async function createApiToken(
  control: Client,
  tenantId: string,
  userId: string,
  name: string,
  expiresInDays: number | null = null,
  now = new Date(),
  limits: TokenLimits = { scopes: null, allowedIps: [] },
): Promise<{ token: string; summary: ApiTokenSummary }> {
  const token = `pm_${randomToken(30)}`;
  const id = newId();
  const created = now.toISOString();
  const expires = expiresInDays === null
    ? null
    : new Date(now.getTime() + expiresInDays * 86_400_000).toISOString();
  const prefix = token.slice(0, 11);
  const scopes = limits.scopes === null ? null : [...new Set(limits.scopes)];
  const allowedIps = [...limits.allowedIps];
  await control.execute({
    sql: `INSERT INTO api_tokens (id, tenant_id, user_id, name, token_hash, prefix, created_at,
                                  expires_at, scopes, allowed_ips)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      tenantId,
      userId,
      name,
      await sha256Hex(token),
      prefix,
      created,
      expires,
      scopes === null ? FULL_ACCESS : scopes.join(" "),
      allowedIps.join(" "),
    ],
  });
  return {
    token,
    summary: {
      id,
      name,
      prefix,
      created_at: created,
      last_used_at: null,
      expires_at: expires,
      scopes,
      allowed_ips: allowedIps,
    },
  };
}

/** Resolves a bearer token to its user on this tenant; tokens of other tenants are null. */
export async function findApiToken(
  control: Client,
  token: string,
  tenantId: string,
  now = new Date(),
): Promise<
  { id: string; userId: string; name: string; scopes: string[] | null; allowedIps: string[] } | null
> {
  if (!token.startsWith("pm_") || token.length > 100) return null;
  const rs = await control.execute({
    sql: `SELECT id, user_id, name, last_used_at, scopes, allowed_ips FROM api_tokens
          WHERE token_hash = ? AND tenant_id = ? AND revoked_at IS NULL
            AND (expires_at IS NULL OR expires_at > ?)`,
    args: [await sha256Hex(token), tenantId, now.toISOString()],
  });
  const row = rs.rows[0];
  if (!row) return null;
  // Record use at most once a minute: a write per request would halve API throughput.
  const last = row.last_used_at ? Date.parse(String(row.last_used_at)) : 0;
  if (Date.now() - last > 60_000) {
    await control.execute({
      sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
      args: [new Date().toISOString(), String(row.id)],
    });
  }
  return {
    id: String(row.id),
    userId: String(row.user_id),
    name: String(row.name),
    scopes: scopesOf(row.scopes),
    allowedIps: ipsOf(row.allowed_ips),
  };
}

/** Lists a user's live tokens on a tenant. */
export async function listApiTokens(
  control: Client,
  tenantId: string,
  userId: string,
): Promise<ApiTokenSummary[]> {
  const rs = await control.execute({
    sql: `SELECT id, name, prefix, created_at, last_used_at, expires_at, scopes, allowed_ips
          FROM api_tokens
          WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC`,
    args: [tenantId, userId],
  });
  return rs.rows.map(tokenSummary);
}

/** A stored token row as its summary (never the secret, which is not stored). */
function tokenSummary(r: Record<string, unknown>): ApiTokenSummary {
  return {
    id: String(r.id),
    name: String(r.name),
    prefix: String(r.prefix),
    created_at: String(r.created_at),
    last_used_at: r.last_used_at === null ? null : String(r.last_used_at),
    expires_at: r.expires_at === null ? null : String(r.expires_at),
    scopes: scopesOf(r.scopes),
    allowed_ips: ipsOf(r.allowed_ips),
  };
}

/** Revokes one of a user's tokens on a tenant; another user's or tenant's token is not found. */
export async function revokeApiToken(
  deps: CredentialWriteDeps,
  tenantId: string,
  userId: string,
  tokenId: string,
): Promise<void> {
  const rs = await deps.control.execute({
    sql: `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND user_id = ?
          AND revoked_at IS NULL`,
    args: [new Date().toISOString(), tokenId, tenantId, userId],
  });
  if (rs.rowsAffected === 0) throw new NotFoundError("No such token.");
  deps.authCache.clear();
}

/** A live token of a workspace with the member who made it: what owners and admins oversee. */
export interface WorkspaceTokenSummary extends ApiTokenSummary {
  user: { id: string; name: string; email: string; role: Role | null };
}

/**
 * Every live (unrevoked) token of a tenant with its member, newest first: owners and admins see
 * what scripts hold access to their workspace. Expired ones stay listed, as in the member's own
 * list, until someone revokes them.
 */
export function listWorkspaceTokens(
  control: Client,
  tenantId: string,
): Promise<WorkspaceTokenSummary[]> {
  return workspaceTokens(control, tenantId, null);
}

/** The tenant's live tokens with their members; only the one with `tokenId` when given. */
async function workspaceTokens(
  control: Client,
  tenantId: string,
  tokenId: string | null,
): Promise<WorkspaceTokenSummary[]> {
  const rs = await control.execute({
    sql: `SELECT t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.scopes,
                 t.allowed_ips, u.id AS user_id, u.name AS user_name, u.email AS user_email,
                 m.role AS user_role
          FROM api_tokens t JOIN users u ON u.id = t.user_id
          LEFT JOIN memberships m ON m.tenant_id = t.tenant_id AND m.user_id = t.user_id
          WHERE t.tenant_id = ? AND t.revoked_at IS NULL${tokenId === null ? "" : " AND t.id = ?"}
          ORDER BY t.created_at DESC, t.id`,
    args: tokenId === null ? [tenantId] : [tenantId, tokenId],
  });
  return rs.rows.map((r) => ({
    ...tokenSummary(r),
    user: {
      id: String(r.user_id),
      name: String(r.user_name),
      email: String(r.user_email),
      role: isRole(r.user_role) ? r.user_role : null,
    },
  }));
}

/**
 * Revokes any member's token on a tenant for someone who manages members (auth/members.ts rules:
 * an admin may not act on an owner, so not on an owner's token either; their own is always
 * theirs to revoke). Another tenant's token, or one already revoked, is not found. Returns the
 * token as it was, for the security log.
 */
export async function revokeWorkspaceToken(
  deps: CredentialWriteDeps,
  tenantId: string,
  actor: { userId: string; role: Role | null },
  tokenId: string,
): Promise<WorkspaceTokenSummary> {
  if (!actor.role || !can(actor.role, "members:manage")) throw new ForbiddenError();
  const [token] = await workspaceTokens(deps.control, tenantId, tokenId);
  if (!token) throw new NotFoundError("No such token.");
  if (token.user.id !== actor.userId && !mayManageMember(actor.role, token.user.role ?? "viewer")) {
    throw new ForbiddenError("Only an owner can revoke an owner's token.");
  }
  const rs = await deps.control.execute({
    sql: `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ?
          AND revoked_at IS NULL`,
    args: [new Date().toISOString(), tokenId, tenantId],
  });
  if (rs.rowsAffected === 0) throw new NotFoundError("No such token.");
  // As for the member's own revocation: this process at once, other machines through Redis.
  deps.authCache.clear();
  return token;
}
