/**
 * @module auth/users
 * Users and their memberships in tenants (control database).
 */
import type { Client } from "../db/client.ts";
import { isRole, type Role } from "./roles.ts";

export interface User {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  emailVerifiedAt: string | null;
}

export interface Workspace {
  tenantId: string;
  slug: string;
  name: string;
  role: Role;
}

function toUser(row: Record<string, unknown>): User {
  return {
    id: String(row.id),
    email: String(row.email),
    name: String(row.name),
    passwordHash: String(row.password_hash),
    emailVerifiedAt: row.email_verified_at === null ? null : String(row.email_verified_at),
  };
}

const USER_COLUMNS = "id, email, name, password_hash, email_verified_at";

/** Finds a user by e-mail (case-insensitive). */
export async function findUserByEmail(control: Client, email: string): Promise<User | null> {
  const rs = await control.execute({
    sql: `SELECT ${USER_COLUMNS} FROM users WHERE email = ?`,
    args: [email.trim()],
  });
  return rs.rows[0] ? toUser(rs.rows[0]) : null;
}

/** Finds a user by id. */
export async function findUserById(control: Client, id: string): Promise<User | null> {
  const rs = await control.execute({
    sql: `SELECT ${USER_COLUMNS} FROM users WHERE id = ?`,
    args: [id],
  });
  return rs.rows[0] ? toUser(rs.rows[0]) : null;
}

/** The user's role in a tenant, or null when not a member. */
export async function membershipRole(
  control: Client,
  tenantId: string,
  userId: string,
): Promise<Role | null> {
  const rs = await control.execute({
    sql: "SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?",
    args: [tenantId, userId],
  });
  const role = rs.rows[0]?.role;
  return isRole(role) ? role : null;
}

/** Loads a user together with their role in a tenant in one query (the per-request lookup). */
export async function findMember(
  control: Client,
  tenantId: string,
  userId: string,
): Promise<{ user: User; role: Role } | null> {
  const rs = await control.execute({
    sql: `SELECT u.id, u.email, u.name, u.password_hash, u.email_verified_at, m.role
          FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ? AND m.user_id = ?`,
    args: [tenantId, userId],
  });
  const row = rs.rows[0];
  if (!row || !isRole(row.role)) return null;
  return { user: toUser(row), role: row.role };
}

/** The tenants a user belongs to, for the workspace list on the bare domain. */
export async function listWorkspaces(control: Client, userId: string): Promise<Workspace[]> {
  const rs = await control.execute({
    sql:
      `SELECT t.id, t.slug, t.name, m.role FROM memberships m JOIN tenants t ON t.id = m.tenant_id
          WHERE m.user_id = ? ORDER BY t.name`,
    args: [userId],
  });
  return rs.rows.flatMap((r) =>
    isRole(r.role)
      ? [{ tenantId: String(r.id), slug: String(r.slug), name: String(r.name), role: r.role }]
      : []
  );
}

/** Changes a user's password hash. */
export async function setPasswordHash(control: Client, userId: string, hash: string) {
  await control.execute({
    sql: "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
    args: [hash, new Date().toISOString(), userId],
  });
}
