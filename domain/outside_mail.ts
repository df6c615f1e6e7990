/**
 * @module domain/outside_mail
 * Mail to people outside the workspace goes out on a member's say-so: an invoice, a rate
 * confirmation, a statement or reminder, a dispute's outcome (domain/flows/mailing.ts,
 * portal/disputes.ts), and a business alert rule that mails an address no member has
 * (ops/business_alerts_rules.ts). So it needs that member's own e-mail address confirmed, like
 * an invitation (auth/invitations.ts): a sign-up with a throwaway address sends nothing to
 * outsiders. API tokens act for their user, so the same rule holds for them. The address is read
 * from the control database at the moment of sending, never from a cached session.
 */
import type { Executor } from "../db/transaction.ts";
import { ForbiddenError } from "./errors.ts";

/** The `details.reason` of the refusal, the same as an unconfirmed inviter's. */
export const UNCONFIRMED_REASON = "email_unconfirmed";

/** The 403 an unconfirmed member gets for mail to outsiders (nothing is sent or changed). */
export function unconfirmedSender(): ForbiddenError {
  return new ForbiddenError(
    "Confirm your e-mail address before sending mail outside the workspace: open the link we " +
      "sent you when you signed up, or send a new one from your profile (Settings → Profile).",
    { reason: UNCONFIRMED_REASON },
  );
}

/** Whether an error is the refusal above (pages show its message on their form). */
export function isUnconfirmedSender(err: unknown): err is ForbiddenError {
  return err instanceof ForbiddenError &&
    (err.details as { reason?: unknown } | undefined)?.reason === UNCONFIRMED_REASON;
}

/** Whether a user's own address is confirmed now (no user, or an unknown one: not confirmed). */
export async function addressConfirmed(control: Executor, userId: string | null): Promise<boolean> {
  if (!userId) return false;
  const rs = await control.execute({
    sql: "SELECT email_verified_at FROM users WHERE id = ?",
    args: [userId],
  });
  const at = rs.rows[0]?.email_verified_at;
  return at !== null && at !== undefined;
}

/** Refuses (403 `email_unconfirmed`) a user whose own address is not confirmed. */
export async function requireConfirmedSender(
  control: Executor,
  userId: string | null,
): Promise<void> {
  if (!(await addressConfirmed(control, userId))) throw unconfirmedSender();
}
