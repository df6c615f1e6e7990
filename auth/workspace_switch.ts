/**
 * @module auth/workspace_switch
 * The workspace switcher: a person who belongs to several companies moves from one workspace's
 * host to another's without signing in again. Session cookies are host-only and never shared
 * across tenant hosts, so the move is a one-time, one-minute handoff link (auth/handoff.ts, purpose
 * `switch`) made on the current host and consumed on the target's, which checks again that the
 * person is a member and applies its own single sign-on and second-factor policy.
 *
 * Only memberships of the signed-in account count (one account per e-mail address), and only
 * once that address is confirmed: an unconfirmed address proves nothing about who holds it.
 *
 * A session signed in through a workspace's single sign-on proves only what that workspace's
 * identity provider says, which counts in that workspace alone: it makes no switch link. The
 * switcher sends it to the other workspace's sign-in page instead, where the account's own
 * password and second factor (or that workspace's own single sign-on) are asked for. And a switch
 * asks for the account's own second factor whenever it has one, whatever the target's policy.
 */
import type { Client } from "../db/client.ts";
import { ForbiddenError } from "../domain/errors.ts";
import { createHandoff } from "./handoff.ts";
import { findSession } from "./sessions.ts";

/** Another workspace of the signed-in person, as the user menu lists it. */
export interface OtherWorkspace {
  tenantId: string;
  name: string;
}

/** The active workspaces other than `currentTenantId` that the user belongs to, by name. */
export async function otherWorkspaces(
  control: Client,
  userId: string,
  currentTenantId: string,
): Promise<OtherWorkspace[]> {
  const rs = await control.execute({
    sql: `SELECT t.id, t.name FROM memberships m
          JOIN tenants t ON t.id = m.tenant_id
          JOIN users u ON u.id = m.user_id
          WHERE m.user_id = ? AND t.id <> ? AND t.status = 'active'
            AND u.email_verified_at IS NOT NULL
          ORDER BY t.name COLLATE NOCASE LIMIT 50`,
    args: [userId, currentTenantId],
  });
  return rs.rows.map((r) => ({ tenantId: String(r.id), name: String(r.name) }));
}

/**
 * Makes the switch handoff to `targetTenantId` for a member signed in on `fromTenantId`; refuses
 * a workspace the user does not belong to (or may not switch to) without saying whether it exists.
 * The link opens only in the browser holding `browser` (its handoff nonce, auth/handoff.ts).
 */
export async function startWorkspaceSwitch(
  control: Client,
  userId: string,
  fromTenantId: string,
  targetTenantId: string,
  browser: string,
): Promise<{ token: string; slug: string }> {
  const slug = await switchTarget(control, userId, fromTenantId, targetTenantId);
  const token = await createHandoff(control, userId, targetTenantId, "switch", browser);
  return { token, slug };
}

/**
 * The slug of `targetTenantId` when the user may switch there from `fromTenantId` (no link is
 * made); refuses like `startWorkspaceSwitch`.
 */
export async function switchTarget(
  control: Client,
  userId: string,
  fromTenantId: string,
  targetTenantId: string,
): Promise<string> {
  const allowed = await otherWorkspaces(control, userId, fromTenantId);
  if (!allowed.some((w) => w.tenantId === targetTenantId)) {
    throw new ForbiddenError("You are not a member of that workspace.");
  }
  const rs = await control.execute({
    sql: "SELECT slug FROM tenants WHERE id = ?",
    args: [targetTenantId],
  });
  return String(rs.rows[0]?.slug);
}

/**
 * True when the request's session may hand its account to another workspace: a live session of
 * this host that was not signed in through a workspace's single sign-on (such a session may not
 * enter any other workspace without the account's own sign-in there). Reads the session row, not
 * a cached principal, so the answer is the session's own; no session answers false.
 */
export async function sessionMayLeave(
  control: Client,
  sessionToken: string | undefined,
  tenantId: string | null,
): Promise<boolean> {
  if (!sessionToken) return false;
  const session = await findSession(control, sessionToken, tenantId);
  return session !== null && session.signInMethod !== "sso";
}
