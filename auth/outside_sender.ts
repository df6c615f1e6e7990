/**
 * @module auth/outside_sender
 * Mail that a saved setting sends to addresses outside the workspace (a business alert rule's
 * e-mail, a record rule's `notify`) goes out on the word of the member who saved it, for as long
 * as that word still counts: they are still a member who may manage settings, with a confirmed
 * address of their own (a sign-up with a throwaway address, or a member since demoted, sends
 * nothing to outsiders). Mail sent by a member's own action is checked at that moment instead
 * (domain/outside_mail.ts).
 */
import type { Executor } from "../db/transaction.ts";
import { can, isRole } from "./roles.ts";

/** Why the member's word no longer counts, or null while it does. */
export type SenderLapse = "not_a_member" | "unconfirmed" | "may_not_manage_settings";

/** Whether `userId`'s saved word still sends mail to outsiders from `tenantId` (null: it does). */
export async function outsideSenderLapse(
  control: Executor,
  tenantId: string,
  userId: string | null,
): Promise<SenderLapse | null> {
  if (!userId) return "not_a_member";
  const rs = await control.execute({
    sql: `SELECT m.role, u.email_verified_at FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ? AND m.user_id = ?`,
    args: [tenantId, userId],
  });
  const row = rs.rows[0];
  if (!row) return "not_a_member";
  if (row.email_verified_at === null || row.email_verified_at === undefined) return "unconfirmed";
  if (!isRole(row.role) || !can(row.role, "settings:manage")) return "may_not_manage_settings";
  return null;
}
