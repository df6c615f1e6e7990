/**
 * @module auth/email_tokens
 * One-time links sent by e-mail, and the two flows they serve: confirming an e-mail address
 * (24 hours) and resetting a password (1 hour). Only a token's SHA-256 is stored; using one is a
 * single UPDATE ... RETURNING, so two clicks on the same link cannot both succeed.
 */
import { ipGroup } from "../http/ip_group.ts";
import type { Client } from "../db/client.ts";
import { randomToken, sha256Hex } from "../db/ids.ts";
import { ConflictError, InvalidError, NotFoundError, RateLimitedError } from "../domain/errors.ts";
import { sendMail } from "../mail/outbox.ts";
import { resetPasswordMail, verifyEmailMail } from "../mail/templates.ts";
import { memberLanguage } from "../mail/language.ts";
import type { Services } from "../services.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./password.ts";
import { deleteUserSessions } from "./sessions.ts";
import { findUserByEmail, findUserById, membershipRole, setPasswordHash } from "./users.ts";

export type EmailTokenPurpose = "verify" | "reset" | "unlock";

const TTL_MS: Record<EmailTokenPurpose, number> = {
  verify: 24 * 3600_000,
  reset: 3600_000,
  unlock: 3600_000, // auth/unlock.ts
};

/** How often reset and verification mail may be asked for (limits in `Services.emailLimiters`). */
async function throttle(
  services: Services,
  kind: "email" | "ip" | "user",
  key: string,
): Promise<void> {
  const wait = await services.emailLimiters[kind].hit(key);
  if (wait > 0) {
    throw new RateLimitedError(
      wait,
      "Too many e-mails were asked for. Wait a while and try again.",
    );
  }
}

/**
 * Creates a one-time token for a user and purpose; returns the secret for the link. A new reset
 * link revokes the user's older ones in the same batch: only the newest mailed link works, so a
 * link left in an old mail (or a forwarded one) is dead once the owner asks again.
 */
export async function createEmailToken(
  control: Client,
  userId: string,
  purpose: EmailTokenPurpose,
): Promise<string> {
  const token = randomToken(32);
  const now = Date.now();
  const insert = {
    sql: `INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at)
          VALUES (?, ?, ?, ?, ?)`,
    args: [
      await sha256Hex(token),
      userId,
      purpose,
      new Date(now).toISOString(),
      new Date(now + TTL_MS[purpose]).toISOString(),
    ],
  };
  if (purpose !== "reset") {
    await control.execute(insert);
    return token;
  }
  await control.batch([
    {
      sql: `UPDATE email_tokens SET used_at = ?
            WHERE user_id = ? AND purpose = 'reset' AND used_at IS NULL`,
      args: [new Date(now).toISOString(), userId],
    },
    insert,
  ], "write");
  return token;
}

/** The user a live token belongs to, without using it (a form checks before it is shown). */
export async function peekEmailToken(
  control: Client,
  token: string,
  purpose: EmailTokenPurpose,
): Promise<string | null> {
  if (token.length < 20 || token.length > 100) return null;
  const rs = await control.execute({
    sql: `SELECT user_id FROM email_tokens
          WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
    args: [await sha256Hex(token), purpose, new Date().toISOString()],
  });
  const userId = rs.rows[0]?.user_id;
  return userId ? String(userId) : null;
}

/** Uses a token once; returns its user id, or null when unknown, expired, used or mistyped. */
export async function consumeEmailToken(
  control: Client,
  token: string,
  purpose: EmailTokenPurpose,
): Promise<string | null> {
  if (token.length < 20 || token.length > 100) return null;
  const now = new Date().toISOString();
  const rs = await control.execute({
    sql: `UPDATE email_tokens SET used_at = ?
          WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
          RETURNING user_id`,
    args: [now, await sha256Hex(token), purpose, now],
  });
  const userId = rs.rows[0]?.user_id;
  return userId ? String(userId) : null;
}

/**
 * Sends a link that confirms the user's e-mail address, to `<origin>/auth/verify`. `tenantId` is
 * the workspace whose host the link points at (null on the bare domain), kept with the mail.
 */
export async function sendVerificationEmail(
  services: Services,
  user: { id: string; email: string; name: string },
  origin: string,
  tenantId: string | null = null,
): Promise<void> {
  const token = await createEmailToken(services.control, user.id, "verify");
  const link = `${origin}/auth/verify?token=${encodeURIComponent(token)}`;
  await sendMail(services, {
    to: user.email,
    tenantId,
    ...verifyEmailMail({
      name: user.name,
      link,
      language: await memberLanguage(services, user.id, { tenantId }),
    }),
  });
}

/** Sends a new confirmation link to a signed-in user whose address is not confirmed yet. */
export async function resendVerificationEmail(
  services: Services,
  userId: string,
  origin: string,
  tenantId: string | null = null,
): Promise<void> {
  const user = await findUserById(services.control, userId);
  if (!user) throw new NotFoundError("No such user.");
  if (user.emailVerifiedAt) throw new ConflictError("Your e-mail address is already confirmed.");
  await throttle(services, "user", user.id);
  await sendVerificationEmail(services, user, origin, tenantId);
}

/** Confirms the e-mail address a verification link was sent to; throws on a dead link. */
export async function verifyEmail(services: Services, token: string): Promise<{ userId: string }> {
  const userId = await consumeEmailToken(services.control, token, "verify");
  if (!userId) {
    throw new InvalidError(
      "This confirmation link has expired or was already used. Sign in and ask for a new one.",
    );
  }
  await services.control.execute({
    sql: `UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ?
          WHERE id = ?`,
    args: [new Date().toISOString(), new Date().toISOString(), userId],
  });
  services.authCache.clear();
  return { userId };
}

/** Where a reset link may point: the asking workspace's host, and the bare domain's. */
export interface ResetOrigins {
  /** The public origin of the workspace asked through (mail/links.ts `requestOrigin`). */
  workspace: string;
  /** The bare domain's public origin (mail/links.ts `appOrigin`). */
  app: string;
}

/**
 * Mails a reset link when the account exists; silent otherwise. The link points where the account
 * can use it: the workspace asked through when the account is a member there (its sign-in page
 * follows), else the bare domain (sign-in, then the list of the account's workspaces). The mail
 * belongs to that workspace only when the account is its member: asking on one workspace's host
 * for a stranger's address files nothing under that workspace.
 */
export async function requestPasswordReset(
  services: Services,
  email: string,
  origins: ResetOrigins,
  ip = "unknown",
  tenantId: string | null = null,
): Promise<void> {
  const normalized = email.trim().toLowerCase();
  // Both limits apply whether or not the account exists, so the answer reveals nothing.
  await throttle(services, "ip", ipGroup(ip));
  await throttle(services, "email", normalized);
  const user = await findUserByEmail(services.control, normalized);
  if (!user) return;
  const member = tenantId !== null &&
    (await membershipRole(services.control, tenantId, user.id)) !== null;
  const mailTenant = member ? tenantId : null;
  const token = await createEmailToken(services.control, user.id, "reset");
  const origin = member ? origins.workspace : origins.app;
  const link = `${origin}/reset-password?token=${encodeURIComponent(token)}`;
  await sendMail(services, {
    to: user.email,
    tenantId: mailTenant,
    ...resetPasswordMail({
      name: user.name,
      link,
      language: await memberLanguage(services, user.id, { tenantId: mailTenant }),
    }),
  });
}

/** Sets a new password from a reset link, then ends every session of the user. */
export async function resetPassword(
  services: Services,
  token: string,
  password: string,
): Promise<{ userId: string }> {
  const { control, config } = services;
  const dead = "This reset link has expired or was already used. Ask for a new one.";
  // Check the password before using the link, so a refused password leaves the link usable.
  const pending = await peekEmailToken(control, token, "reset");
  const user = pending ? await findUserById(control, pending) : null;
  if (!user) throw new InvalidError(dead, { token: [dead] });
  const problem = passwordProblem(password, user.email);
  if (problem) throw new InvalidError(problem, { password: [problem] }, 422);
  const hash = await hashPassword(password, config.PASSWORD_SCRYPT_N);
  const userId = await consumeEmailToken(control, token, "reset");
  if (userId !== user.id) throw new InvalidError(dead, { token: [dead] });
  await setPasswordHash(control, user.id, hash);
  // Every other outstanding reset link dies with the old password.
  await control.execute({
    sql:
      "UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = 'reset' AND used_at IS NULL",
    args: [new Date().toISOString(), user.id],
  });
  await deleteUserSessions(services, user.id);
  // Whoever was slowed on this account (the owner's own typos included) may sign in at once.
  await services.loginThrottle.lift(user.email);
  services.authCache.clear();
  return { userId: user.id };
}

/** Changes a signed-in user's password; other sessions end, the current one (if given) stays. */
export async function changePassword(
  services: Services,
  userId: string,
  currentPassword: string,
  newPassword: string,
  keepSessionToken?: string,
): Promise<void> {
  const { control, config } = services;
  const user = await findUserById(control, userId);
  if (!user) throw new NotFoundError("No such user.");
  // A stolen session must not become a way to guess the password: same throttle as sign-in.
  await services.loginThrottle.check(user.email, `user:${user.id}`);
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    await services.loginThrottle.fail(user.email, `user:${user.id}`);
    const wrong = "Your current password is not right.";
    throw new InvalidError(wrong, { current_password: [wrong] }, 422);
  }
  await services.loginThrottle.succeed(user.email, `user:${user.id}`);
  const problem = passwordProblem(newPassword, user.email);
  if (problem) throw new InvalidError(problem, { new_password: [problem] }, 422);
  await setPasswordHash(
    control,
    user.id,
    await hashPassword(newPassword, config.PASSWORD_SCRYPT_N),
  );
  await deleteUserSessions(services, user.id, keepSessionToken);
}
