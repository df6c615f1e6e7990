/**
 * @module auth/recovery_codes
 * Ten single-use recovery codes per user, for when the authenticator app is lost. They are shown
 * once, when made, and stored only as keyed hashes (auth/secret_box.ts): with 50 random bits each,
 * a plain hash could be searched offline from a leaked database, a keyed one cannot without the
 * server's key. Making a new set throws the old set away. During a rotation of that key a code
 * hashed under the previous one still matches (they cannot be hashed again: the codes are gone).
 */
import type { Services } from "../services.ts";
import { keyedHash, keyedHashes } from "./secret_box.ts";

export const RECOVERY_CODE_COUNT = 10;
// 32 letters and digits without 0/o, 1/l/i, so a code read aloud or from paper is not misread.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** "k7d2m-q9xfa": ten characters from ALPHABET in two groups. */
function newCode(): string {
  const chars = Array.from(
    crypto.getRandomValues(new Uint8Array(10)),
    (b) => ALPHABET[b % ALPHABET.length],
  );
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

/** A typed code without spaces, dashes or capitals, as it was hashed. */
function normalize(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

/** Whether a typed value has the shape of a recovery code (before any lookup). */
export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{10}$/.test(normalize(code));
}

/** Replaces the user's recovery codes with ten new ones; returns them (shown only now). */
export async function replaceRecoveryCodes(services: Services, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const now = services.clock.now().toISOString();
  const hashes = await Promise.all(codes.map((c) => keyedHash(services.config, normalize(c))));
  await services.control.batch([
    { sql: "DELETE FROM recovery_codes WHERE user_id = ?", args: [userId] },
    ...hashes.map((hash) => ({
      sql: "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
      args: [userId, hash, now],
    })),
  ], "write");
  return codes;
}

/** Uses one recovery code; true when it was unused and is now spent. */
export async function useRecoveryCode(
  services: Services,
  userId: string,
  code: string,
): Promise<boolean> {
  if (!looksLikeRecoveryCode(code)) return false;
  const hashes = await keyedHashes(services.config, normalize(code));
  const rs = await services.control.execute({
    sql: `UPDATE recovery_codes SET used_at = ?
          WHERE user_id = ? AND code_hash IN (${hashes.map(() => "?").join(", ")})
            AND used_at IS NULL`,
    args: [services.clock.now().toISOString(), userId, ...hashes],
  });
  return rs.rowsAffected >= 1;
}

/** How many unused recovery codes the user has left. */
export async function recoveryCodesLeft(control: Services["control"], userId: string) {
  const rs = await control.execute({
    sql: "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
    args: [userId],
  });
  return Number(rs.rows[0]?.n ?? 0);
}

/** Deletes every recovery code of the user (the second factor was turned off). */
export async function deleteRecoveryCodes(control: Services["control"], userId: string) {
  await control.execute({ sql: "DELETE FROM recovery_codes WHERE user_id = ?", args: [userId] });
}
