/**
 * @module auth/roles
 * Roles and what each may do. Routes ask `can(role, permission)` (through `requirePermission`)
 * instead of comparing role names, so the matrix lives here alone and the role test covers it.
 */

export const ROLES = ["owner", "admin", "broker", "accounting", "viewer"] as const;
export type Role = typeof ROLES[number];

export const PERMISSIONS = [
  "records:read", // see every business record and report
  "records:write", // create and change parties, orders and loads
  "money:write", // invoices, bills, payments, claims
  "members:manage", // invite, change roles, remove members
  "settings:manage", // company settings, option lists, domains
  "billing:manage", // plans and payment
  "tokens:own", // create personal API tokens
  "security:policy", // require a second factor of every member (owners only)
  "workspace:data", // export, restore and delete the whole workspace (owners only)
] as const;
export type Permission = typeof PERMISSIONS[number];

const MATRIX: Record<Role, readonly Permission[]> = {
  owner: PERMISSIONS,
  admin: [
    "records:read",
    "records:write",
    "money:write",
    "members:manage",
    "settings:manage",
    "tokens:own",
  ],
  broker: ["records:read", "records:write", "tokens:own"],
  accounting: ["records:read", "money:write", "tokens:own"],
  viewer: ["records:read"],
};

/** True when `role` grants `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

/** Narrows an unknown string to a Role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Roles an inviter may hand out: never owner, and an admin cannot create another owner. */
export const INVITABLE_ROLES = ["admin", "broker", "accounting", "viewer"] as const;

/** The roles that grant `permission`, in ROLES order: for messages that say who may do a thing. */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((role) => can(role, permission));
}
