/**
 * @module auth/totp
 * Time-based one-time passwords (RFC 6238, through `otpauth`) as a second factor: 6 digits, 30
 * seconds, SHA-1, which every authenticator app understands. Enrolment stores a sealed secret
 * (auth/secret_box.ts) that counts only once the user has typed a first correct code. A code is
 * accepted within one step of drift either way, and once: the accepted step is remembered and
 * any code of that step or an earlier one is refused, so a code seen over a shoulder or in a
 * proxy log cannot be replayed. Times come from `services.clock`. A secret still sealed under
 * SECOND_FACTOR_KEY_PREVIOUS (a key rotation) is sealed again under the current key when read.
 */
import { Secret, TOTP } from "otpauth";
import type { Services } from "../services.ts";
import { ConflictError, InvalidError } from "../domain/errors.ts";
import { openSecretForUse, sealSecret } from "./secret_box.ts";

const PERIOD_SECONDS = 30;
const ISSUER = "ProjectMeats";

export interface TotpEnrolment {
  /** The secret in base32, for typing into an app. */
  secret: string;
  /** The otpauth:// link (what a QR code carries). */
  uri: string;
}

function totpFor(secret: string, email: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label: email,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/**
 * Opens the user's stored secret; one sealed under the previous key (a rotation) is stored again
 * under the current key. Returns the secret and the sealed value the row holds now.
 */
async function openStored(
  services: Services,
  userId: string,
  sealed: string,
): Promise<{ secret: string; sealed: string }> {
  const { plain, resealed } = await openSecretForUse(services.config, sealed, userId);
  if (!resealed) return { secret: plain, sealed };
  const rs = await services.control.execute({
    sql: "UPDATE user_totp SET secret_sealed = ? WHERE user_id = ? AND secret_sealed = ?",
    args: [resealed, userId, sealed],
  });
  if (rs.rowsAffected === 1) return { secret: plain, sealed: resealed };
  // Another request sealed it again first: use what the row holds now.
  const now = await services.control.execute({
    sql: "SELECT secret_sealed FROM user_totp WHERE user_id = ?",
    args: [userId],
  });
  return { secret: plain, sealed: String(now.rows[0]?.secret_sealed ?? sealed) };
}

/** Whether the user has a confirmed authenticator app. */
export async function hasTotp(control: Services["control"], userId: string): Promise<boolean> {
  const rs = await control.execute({
    sql: "SELECT 1 FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL",
    args: [userId],
  });
  return rs.rows.length > 0;
}

/** Starts (or restarts) enrolment with a new secret; refused while an app is confirmed. */
export async function startTotpEnrolment(
  services: Services,
  user: { id: string; email: string },
): Promise<TotpEnrolment> {
  const secret = new Secret({ size: 20 }).base32;
  const rs = await services.control.execute({
    sql: `INSERT INTO user_totp (user_id, secret_sealed, created_at) VALUES (?, ?, ?)
          ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,
            created_at = excluded.created_at, last_step = NULL
          WHERE user_totp.confirmed_at IS NULL`,
    args: [
      user.id,
      await sealSecret(services.config, secret, user.id),
      services.clock.now().toISOString(),
    ],
  });
  if (rs.rowsAffected === 0) {
    throw new ConflictError("An authenticator app is already set up. Turn it off first.");
  }
  return { secret, uri: totpFor(secret, user.email).toString() };
}

/** The enrolment waiting for its first code, to show again after a mistyped one; or null. */
export async function pendingTotpEnrolment(
  services: Services,
  user: { id: string; email: string },
): Promise<TotpEnrolment | null> {
  const rs = await services.control.execute({
    sql: "SELECT secret_sealed FROM user_totp WHERE user_id = ? AND confirmed_at IS NULL",
    args: [user.id],
  });
  const sealed = rs.rows[0]?.secret_sealed;
  if (typeof sealed !== "string") return null;
  const { secret } = await openStored(services, user.id, sealed);
  return { secret, uri: totpFor(secret, user.email).toString() };
}

/**
 * Checks a code against the user's secret (confirmed, or pending when `pending` is set) and
 * records its step; true only for a fresh code. The UPDATE's condition makes replay impossible
 * even for two requests racing with the same code.
 */
export async function acceptTotpCode(
  services: Services,
  userId: string,
  code: string,
  pending = false,
): Promise<boolean> {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return false;
  const rs = await services.control.execute({
    sql: `SELECT secret_sealed FROM user_totp WHERE user_id = ? AND confirmed_at IS ${
      pending ? "" : "NOT "
    }NULL`,
    args: [userId],
  });
  const stored = rs.rows[0]?.secret_sealed;
  if (typeof stored !== "string") return false;
  const { secret, sealed } = await openStored(services, userId, stored);
  const timestamp = services.clock.now().getTime();
  const delta = totpFor(secret, "").validate({ token, timestamp, window: 1 });
  if (delta === null) return false;
  const step = Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
  const used = await services.control.execute({
    sql: `UPDATE user_totp SET last_step = ? WHERE user_id = ? AND secret_sealed = ?
            AND (last_step IS NULL OR last_step < ?)`,
    args: [step, userId, sealed, step],
  });
  return used.rowsAffected === 1;
}

/** Confirms enrolment with a first correct code; throws on a wrong one. */
export async function confirmTotpEnrolment(
  services: Services,
  userId: string,
  code: string,
): Promise<void> {
  if (!(await acceptTotpCode(services, userId, code, true))) {
    const wrong = "That code is not right. Check the app's clock and type the code it shows now.";
    throw new InvalidError(wrong, { code: [wrong] }, 422);
  }
  await services.control.execute({
    sql: "UPDATE user_totp SET confirmed_at = ? WHERE user_id = ? AND confirmed_at IS NULL",
    args: [services.clock.now().toISOString(), userId],
  });
}

/** Removes the user's authenticator app (confirmed or pending). */
export async function removeTotp(control: Services["control"], userId: string): Promise<boolean> {
  const rs = await control.execute({
    sql: "DELETE FROM user_totp WHERE user_id = ?",
    args: [userId],
  });
  return rs.rowsAffected > 0;
}
