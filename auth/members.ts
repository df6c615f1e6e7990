/**
 * @module auth/members
 * The members of a tenant and the rules for changing them: a tenant always keeps at least one
 * owner; only an owner may grant the owner role or change or remove an owner. Removing a member
 * also ends their sessions and revokes their API tokens on that tenant.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { can, type Role, ROLES } from "./roles.ts";
import { membershipRole } from "./users.ts";

export interface MemberSummary {
  user_id: string;
  name: string;
  email: string;
  role: Role;
  email_verified: boolean;
  joined_at: string;
}

export const RoleChangeSchema = z.object({
  role: z.enum(ROLES, "Choose owner, admin, broker, accounting or viewer."),
});

/** The actor changing members: their user id and role in this tenant. */
export interface Actor {
  userId: string;
  role: Role | null;
}

const LAST_OWNER = "A workspace needs at least one owner. Make someone else owner first.";

/** Every member of a tenant, by name. */
export async function listMembers(control: Client, tenantId: string): Promise<MemberSummary[]> {
  const rs = await control.execute({
    sql: `SELECT u.id, u.name, u.email, u.email_verified_at, m.role, m.created_at
          FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ? ORDER BY u.name COLLATE NOCASE, u.id`,
    args: [tenantId],
  });
  return rs.rows.map((r) => ({
    user_id: String(r.id),
    name: String(r.name),
    email: String(r.email),
    role: String(r.role) as Role,
    email_verified: r.email_verified_at !== null,
    joined_at: String(r.created_at),
  }));
}

/** Whether `actorRole` may change or remove a member who has `targetRole` (and give `newRole`). */
export function mayManageMember(actorRole: Role | null, targetRole: Role, newRole?: Role): boolean {
  if (!actorRole || !can(actorRole, "members:manage")) return false;
  return actorRole === "owner" || (targetRole !== "owner" && newRole !== "owner");
}

/** The roles `actorRole` may give a member who has `targetRole` (none: they may not change them). */
export function assignableRoles(actorRole: Role | null, targetRole: Role): Role[] {
  return ROLES.filter((role) => mayManageMember(actorRole, targetRole, role));
}

/** Checks the owner rules for acting on `targetRole`; returns nothing or throws. */
function assertMayManage(actor: Actor, targetRole: Role, newRole?: Role): void {
  if (!actor.role || !can(actor.role, "members:manage")) throw new ForbiddenError();
  if (!mayManageMember(actor.role, targetRole, newRole)) {
    throw new ForbiddenError("Only an owner can change an owner or make someone owner.");
  }
}

async function targetRoleOf(control: Client, tenantId: string, userId: string): Promise<Role> {
  const role = await membershipRole(control, tenantId, userId);
  if (!role) throw new NotFoundError("No such member in this workspace.");
  return role;
}

// Statements guarded by this condition do nothing when they would leave the tenant ownerless;
// the check runs inside the write, so two owners demoting each other at once cannot both win.
const KEEPS_AN_OWNER = `(role <> 'owner' OR
  (SELECT COUNT(*) FROM memberships WHERE tenant_id = ? AND role = 'owner') > 1)`;

/** Changes a member's role under the owner rules. */
export async function changeMemberRole(
  services: Services,
  tenantId: string,
  actor: Actor,
  userId: string,
  role: Role,
): Promise<MemberSummary> {
  const { control } = services;
  const current = await targetRoleOf(control, tenantId, userId);
  assertMayManage(actor, current, role);
  if (current !== role) {
    const rs = await control.execute({
      sql:
        `UPDATE memberships SET role = ? WHERE tenant_id = ? AND user_id = ? AND ${KEEPS_AN_OWNER}`,
      args: [role, tenantId, userId, tenantId],
    });
    if (rs.rowsAffected === 0) throw new ConflictError(LAST_OWNER);
    services.authCache.clear();
  }
  const member = (await listMembers(control, tenantId)).find((m) => m.user_id === userId);
  if (!member) throw new NotFoundError("No such member in this workspace.");
  return member;
}

/** Removes a member, ending their sessions and revoking their API tokens on this tenant. */
export async function removeMember(
  services: Services,
  tenantId: string,
  actor: Actor,
  userId: string,
): Promise<void> {
  const { control } = services;
  const current = await targetRoleOf(control, tenantId, userId);
  assertMayManage(actor, current);
  const gone = "NOT EXISTS (SELECT 1 FROM memberships WHERE tenant_id = ? AND user_id = ?)";
  const [removed] = await control.batch([
    {
      sql: `DELETE FROM memberships WHERE tenant_id = ? AND user_id = ? AND ${KEEPS_AN_OWNER}`,
      args: [tenantId, userId, tenantId],
    },
    {
      sql: `DELETE FROM sessions WHERE tenant_id = ? AND user_id = ? AND ${gone}`,
      args: [tenantId, userId, tenantId, userId],
    },
    {
      sql: `UPDATE api_tokens SET revoked_at = ? WHERE tenant_id = ? AND user_id = ?
            AND revoked_at IS NULL AND ${gone}`,
      args: [new Date().toISOString(), tenantId, userId, tenantId, userId],
    },
  ], "write");
  if (!removed || removed.rowsAffected === 0) throw new ConflictError(LAST_OWNER);
  services.authCache.clear();
}
