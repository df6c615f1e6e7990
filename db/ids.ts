/**
 * @module db/ids
 * Sortable string ids (ULID: 48-bit time + 80 random bits, Crockford base32, lower case) so that
 * ids in URLs never reveal counts and still sort by creation time.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Returns a new lower-case ULID. */
export function newId(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let rand = "";
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i]! % 32];
  return time + rand;
}

/** True for strings shaped like ids this module makes (guards route params before a query). */
export function isId(value: string): boolean {
  return /^[0-9a-hjkmnp-tv-z]{26}$/.test(value);
}

/** A random URL-safe secret of `bytes` bytes (session ids, API tokens, invitation links). */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

/** SHA-256 as hex: what the control database stores instead of a secret; also fingerprints bodies. */
export function sha256Hex(value: string | Uint8Array): Promise<string> {
  // node:crypto hashes synchronously: on the per-request auth path this is ~10x cheaper than
  // crypto.subtle's promise round trip.
  return Promise.resolve(createHash("sha256").update(value).digest("hex"));
}
