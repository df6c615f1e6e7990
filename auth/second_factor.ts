/**
 * @module auth/second_factor
 * The second step of signing in, and what counts as a second factor.
 *
 * A correct password of a user with a second factor creates a *pending sign-in*, not a session:
 * a random token (kept by the browser in a short-lived cookie, or handed to an API client as a
 * `challenge`) whose SHA-256 is stored with the user, the host and an attempt count. It lives five
 * minutes and allows five wrong codes; a per-account throttle of its own (independent of the
 * client's address, since the attacker already has the password) slows guessing across pending
 * sign-ins. Completing it once, with a TOTP or a recovery code (or, for auth/ modules that verify
 * a passkey, `consumePendingSignIn`), gives the user id a session may then be started for.
 *
 * A workspace may require a second factor of its members (`tenants.require_second_factor`);
 * `secondFactorStatus` tells the auth middleware whether a member must enrol first.
 */
import type { Client } from "../db/client.ts";
import { randomToken, sha256Hex } from "../db/ids.ts";
import { AppError, ForbiddenError, InvalidError, RateLimitedError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import type { CredentialWriteDeps } from "./principal_cache.ts";
import { looksLikeRecoveryCode, useRecoveryCode } from "./recovery_codes.ts";
import { delayAfter } from "./throttle.ts";
import { acceptTotpCode, hasTotp } from "./totp.ts";

export const PENDING_SIGN_IN_TTL_MS = 5 * 60_000;
export const PENDING_SIGN_IN_MAX_ATTEMPTS = 5;
const FREE_FAILURES_PER_ACCOUNT = 5;

/** Whether the user has a second factor (today an authenticator app; passkeys join here). */
export function hasSecondFactor(control: Client, userId: string): Promise<boolean> {
  return hasTotp(control, userId);
}

/**
 * Whether the user has a second factor and whether the workspace (if any) requires one. A session
 * begun with a passkey or single sign-on satisfies the policy by itself (auth/middleware.ts).
 */
export async function secondFactorStatus(
  control: Client,
  userId: string,
  tenantId: string | null,
): Promise<{ enrolled: boolean; required: boolean }> {
  const [enrolled, required] = await Promise.all([
    hasSecondFactor(control, userId),
    tenantId ? secondFactorRequired(control, tenantId) : Promise.resolve(false),
  ]);
  return { enrolled, required };
}

/** Whether a workspace requires a second factor of every member. */
export async function secondFactorRequired(control: Client, tenantId: string): Promise<boolean> {
  const rs = await control.execute({
    sql: "SELECT require_second_factor FROM tenants WHERE id = ?",
    args: [tenantId],
  });
  return Number(rs.rows[0]?.require_second_factor ?? 0) === 1;
}

/** Sets a workspace's policy (owners only; the route checks the role). */
export async function setSecondFactorRequired(
  deps: CredentialWriteDeps,
  tenantId: string,
  required: boolean,
): Promise<void> {
  await deps.control.execute({
    sql: "UPDATE tenants SET require_second_factor = ?, updated_at = ? WHERE id = ?",
    args: [required ? 1 : 0, new Date().toISOString(), tenantId],
  });
  deps.authCache.clear();
}

/** How many members of a workspace have neither an authenticator app nor a passkey for it. */
export async function membersWithoutSecondFactor(control: Client, tenantId: string) {
  const rs = await control.execute({
    sql: `SELECT COUNT(*) AS n FROM memberships m
          WHERE m.tenant_id = ? AND NOT EXISTS (
            SELECT 1 FROM user_totp t WHERE t.user_id = m.user_id AND t.confirmed_at IS NOT NULL)
          AND NOT EXISTS (
            SELECT 1 FROM passkeys p WHERE p.user_id = m.user_id AND p.tenant_id = m.tenant_id)`,
    args: [tenantId],
  });
  return Number(rs.rows[0]?.n ?? 0);
}

/**
 * Per-account failures of second-factor codes, across pending sign-ins and addresses, kept in the
 * sign-in throttle's failure log: this process's memory, or Redis shared by every machine.
 */
async function checkCodeThrottle(services: Services, userId: string, now: number) {
  const list = await services.loginThrottle.failures.recent(`second_factor:${userId}`, "", now);
  const last = list.at(-1);
  if (last === undefined) return;
  const wait = last + delayAfter(list.length, FREE_FAILURES_PER_ACCOUNT) - now;
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new RateLimitedError(
      seconds,
      `Too many wrong codes for this account. Try again in ${seconds} seconds.`,
    );
  }
}

export type SecondFactorMethod = "totp" | "recovery_code";

const WRONG_CODE = "That code is not right. Type the code your app shows now, or a recovery code.";

/**
 * Checks a code of the user's second factor: six digits are a TOTP, a ten-character code a
 * recovery code (then spent). Throttled per account; throws InvalidError (422) when wrong.
 */
export async function verifySecondFactor(
  services: Services,
  userId: string,
  code: string,
): Promise<SecondFactorMethod> {
  const now = services.clock.now().getTime();
  await checkCodeThrottle(services, userId, now);
  const trimmed = code.trim();
  let method: SecondFactorMethod | null = null;
  if (/^\d{3}\s?\d{3}$/.test(trimmed)) {
    if (await acceptTotpCode(services, userId, trimmed)) method = "totp";
  } else if (looksLikeRecoveryCode(trimmed) && await useRecoveryCode(services, userId, trimmed)) {
    method = "recovery_code";
  }
  if (!method) {
    await services.loginThrottle.failures.add(`second_factor:${userId}`, "", now);
    throw new InvalidError(WRONG_CODE, { code: [WRONG_CODE] }, 422);
  }
  await services.loginThrottle.failures.clear(`second_factor:${userId}`);
  return method;
}

export interface PendingSignIn {
  userId: string;
  tenantId: string | null;
  attempts: number;
  expiresAt: string;
}

/** Starts a pending sign-in after a correct password; returns its secret token. */
export async function createPendingSignIn(
  services: Services,
  userId: string,
  tenantId: string | null,
): Promise<{ token: string; expiresAt: string }> {
  const token = randomToken(32);
  const now = services.clock.now();
  const expiresAt = new Date(now.getTime() + PENDING_SIGN_IN_TTL_MS).toISOString();
  await services.control.batch([
    // Finished and expired ones of this user are of no further use.
    {
      sql: `DELETE FROM pending_sign_ins WHERE user_id = ?
            AND (completed_at IS NOT NULL OR expires_at <= ?)`,
      args: [userId, now.toISOString()],
    },
    {
      sql: `INSERT INTO pending_sign_ins (id_hash, user_id, tenant_id, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?)`,
      args: [await sha256Hex(token), userId, tenantId, now.toISOString(), expiresAt],
    },
  ], "write");
  return { token, expiresAt };
}

/** A live, unfinished pending sign-in for this host, or null. */
export async function findPendingSignIn(
  services: Services,
  token: string,
  tenantId: string | null,
): Promise<PendingSignIn | null> {
  if (token.length < 20 || token.length > 100) return null;
  const rs = await services.control.execute({
    sql: `SELECT user_id, tenant_id, attempts, expires_at FROM pending_sign_ins
          WHERE id_hash = ? AND completed_at IS NULL AND expires_at > ? AND attempts < ?`,
    args: [
      await sha256Hex(token),
      services.clock.now().toISOString(),
      PENDING_SIGN_IN_MAX_ATTEMPTS,
    ],
  });
  const row = rs.rows[0];
  if (!row) return null;
  const rowTenant = row.tenant_id === null ? null : String(row.tenant_id);
  if (rowTenant !== tenantId) return null;
  return {
    userId: String(row.user_id),
    tenantId: rowTenant,
    attempts: Number(row.attempts),
    expiresAt: String(row.expires_at),
  };
}

const EXPIRED = "This sign-in has expired or had too many wrong codes. Sign in again.";

/**
 * Marks a pending sign-in completed, once; returns its user id. For a caller that has verified
 * a factor itself (a passkey); `completePendingSignIn` is the one for codes.
 */
export async function consumePendingSignIn(
  services: Services,
  token: string,
  tenantId: string | null,
): Promise<string> {
  const pending = await findPendingSignIn(services, token, tenantId);
  const rs = pending
    ? await services.control.execute({
      sql: `UPDATE pending_sign_ins SET completed_at = ?
            WHERE id_hash = ? AND completed_at IS NULL RETURNING user_id`,
      args: [services.clock.now().toISOString(), await sha256Hex(token)],
    })
    : null;
  const userId = rs?.rows[0]?.user_id;
  if (!userId) throw new InvalidError(EXPIRED, { code: [EXPIRED] }, 401);
  return String(userId);
}

/** Completes a pending sign-in with a TOTP or recovery code; throws when wrong or dead. */
export async function completePendingSignIn(
  services: Services,
  token: string,
  tenantId: string | null,
  code: string,
): Promise<{ userId: string; method: SecondFactorMethod }> {
  const pending = await findPendingSignIn(services, token, tenantId);
  if (!pending) throw new InvalidError(EXPIRED, { code: [EXPIRED] }, 401);
  try {
    const method = await verifySecondFactor(services, pending.userId, code);
    return { userId: await consumePendingSignIn(services, token, tenantId), method };
  } catch (err) {
    if (err instanceof InvalidError && err.status === 422) {
      await services.control.execute({
        sql: "UPDATE pending_sign_ins SET attempts = attempts + 1 WHERE id_hash = ?",
        args: [await sha256Hex(token)],
      });
    }
    throw err;
  }
}

/**
 * The second step of a token request made with e-mail and password (scripts send `code` with
 * them): a user with a second factor must give a code, and a member of a workspace that requires
 * one must enrol first. Throws when refused; returns how the code was given, if one was needed.
 */
export async function secondStepForToken(
  services: Services,
  userId: string,
  tenantId: string,
  code: string | undefined,
): Promise<SecondFactorMethod | null> {
  const status = await secondFactorStatus(services.control, userId, tenantId);
  if (status.enrolled) {
    if (!code) {
      throw new AppError(
        "unauthorized",
        401,
        "This account has a second factor: send the code from its authenticator app (or a " +
          "recovery code) as `code` with the e-mail and password.",
        { reason: "second_factor_required" },
      );
    }
    return await verifySecondFactor(services, userId, code);
  }
  if (status.required) {
    throw new ForbiddenError(
      "This workspace requires a second factor. Set up an authenticator app in Settings → " +
        "Profile first.",
      { reason: "second_factor_enrollment_required" },
    );
  }
  return null;
}
