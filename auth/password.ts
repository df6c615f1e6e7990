/**
 * @module auth/password
 * Password hashing with scrypt (memory-hard, in node:crypto, so no native add-on is needed) and the
 * password rules of signup and reset. Hashes are self-describing: `scrypt$N$r$p$salt$hash`, so the
 * cost can be raised later and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { COMMON_PASSWORDS } from "./common_passwords.ts";

const KEY_LENGTH = 32;
const R = 8;
const P = 1;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, {
      N: n,
      r,
      p,
      maxmem: 256 * n * r + 1024 * 1024,
    }, (err, key) => err ? reject(err) : resolve(key));
  });
}

/** Hashes a password with scrypt at cost `n` (a power of two; 32768 by default). */
export async function hashPassword(password: string, n = 32768): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, n, R, P);
  return ["scrypt", n, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algo, n, r, p, salt, hash] = stored.split("$");
  if (algo !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(
    password,
    Buffer.from(salt, "base64"),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A fixed hash to verify against when the account does not exist, at the cost `n` real accounts
 * are hashed with (`PASSWORD_SCRYPT_N`): a cheaper one made an unknown e-mail answer in half the
 * time, which told an attacker which addresses have accounts.
 */
export function dummyHash(n: number): string {
  return ["scrypt", n, R, P, "A".repeat(22) + "==", "A".repeat(43) + "="].join("$");
}

/**
 * The hash a sign-in checks a password against: the account's own when it has one, else the dummy
 * of cost `n`. An unknown address, and an account that has no password (single sign-on made it
 * with `sso$`, which verifies nothing at once), then take as long as a wrong password of anyone.
 */
export function hashToCheck(stored: string | undefined, n: number): string {
  return stored?.startsWith("scrypt$") ? stored : dummyHash(n);
}

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** Returns why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) {
    return "This password is too common. Choose one that is harder to guess.";
  }
  const local = email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) {
    return "Do not use your e-mail address in your password.";
  }
  return null;
}
