/**
 * @module auth/secret_box
 * Keeps second-factor secrets out of reach of someone who has only the database. TOTP secrets are
 * sealed with AES-256-GCM and recovery codes are stored as HMAC-SHA-256, both under keys derived
 * (HKDF) from one server secret: `SECOND_FACTOR_KEY` from the environment (a Fly secret in
 * production). Without it, a random key is created once in `DATA_DIR/secrets/` so development
 * works with no setting; that key sits beside the database, so production must set the variable
 * (docs/operations/security.md).
 *
 * Rotation: the old value goes to `SECOND_FACTOR_KEY_PREVIOUS`, a new one to `SECOND_FACTOR_KEY`.
 * New seals and hashes use the new key; a secret sealed under the old one still opens
 * (`openSecretForUse` says so, and auth/totp.ts seals it again under the new key at once), and a
 * recovery code hashed under the old one still matches (`keyedHashes` gives both hashes).
 * `deno task second-factor:rekey` (auth/second_factor_rekey.ts) seals every secret again at once;
 * recovery codes cannot be (only their hashes are stored), so they keep working under the
 * previous key until used or replaced.
 */
import { join } from "node:path";
import type { Config } from "../config.ts";

interface KeyPair {
  seal: CryptoKey;
  mac: CryptoKey;
}

interface Keys extends KeyPair {
  /** The keys of SECOND_FACTOR_KEY_PREVIOUS, during a rotation. */
  previous: KeyPair | null;
}

/** The settings the secret box reads. */
export type SecretBoxConfig = Pick<
  Config,
  "SECOND_FACTOR_KEY" | "SECOND_FACTOR_KEY_PREVIOUS" | "DATA_DIR"
>;

const derived = new WeakMap<object, Promise<Keys>>();
const encoder = new TextEncoder();

async function serverSecret(config: SecretBoxConfig) {
  if (config.SECOND_FACTOR_KEY) return encoder.encode(config.SECOND_FACTOR_KEY);
  const dir = join(config.DATA_DIR, "secrets");
  const file = join(dir, "second_factor.key");
  try {
    return encoder.encode((await Deno.readTextFile(file)).trim());
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const fresh = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  try {
    await Deno.writeTextFile(file, fresh, { createNew: true, mode: 0o600 });
  } catch (err) {
    // Another request created it first: use that one.
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    return encoder.encode((await Deno.readTextFile(file)).trim());
  }
  return encoder.encode(fresh);
}

async function deriveKeys(config: SecretBoxConfig): Promise<Keys> {
  const previous = config.SECOND_FACTOR_KEY_PREVIOUS &&
      config.SECOND_FACTOR_KEY_PREVIOUS !== config.SECOND_FACTOR_KEY
    ? await deriveKeyPair(encoder.encode(config.SECOND_FACTOR_KEY_PREVIOUS))
    : null;
  return { ...await deriveKeyPair(await serverSecret(config)), previous };
}

async function deriveKeyPair(secret: Uint8Array): Promise<KeyPair> {
  const base = await crypto.subtle.importKey("raw", secret as BufferSource, "HKDF", false, [
    "deriveKey",
  ]);
  const params = (info: string) => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: encoder.encode("projectmeats-second-factor"),
    info: encoder.encode(info),
  });
  const seal = await crypto.subtle.deriveKey(
    params("totp-secret"),
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
  const mac = await crypto.subtle.deriveKey(
    params("recovery-code"),
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
  return { seal, mac };
}

function keysFor(config: SecretBoxConfig): Promise<Keys> {
  let keys = derived.get(config);
  if (!keys) derived.set(config, keys = deriveKeys(config));
  return keys;
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** Seals a short secret (AES-GCM, random nonce); `context` (the user id) is bound to it. */
export async function sealSecret(
  config: SecretBoxConfig,
  plain: string,
  context: string,
): Promise<string> {
  const { seal } = await keysFor(config);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    seal,
    encoder.encode(plain),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** Opens a sealed secret; throws when the key or the context differ (a row copied elsewhere). */
export async function openSecret(
  config: SecretBoxConfig,
  sealed: string,
  context: string,
): Promise<string> {
  return (await openSecretForUse(config, sealed, context)).plain;
}

/**
 * Opens a sealed secret under the current key or, during a rotation, the previous one; then
 * `resealed` is the secret sealed under the current key, for the caller to store in its place.
 */
export async function openSecretForUse(
  config: SecretBoxConfig,
  sealed: string,
  context: string,
): Promise<{ plain: string; resealed: string | null }> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) throw new Error("Not a sealed secret");
  const keys = await keysFor(config);
  const open = async (seal: CryptoKey) =>
    new TextDecoder().decode(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(context) },
        seal,
        fromBase64(data),
      ),
    );
  try {
    return { plain: await open(keys.seal), resealed: null };
  } catch (err) {
    if (!keys.previous) throw err;
  }
  const plain = await open(keys.previous.seal);
  return { plain, resealed: await sealSecret(config, plain, context) };
}

/** A keyed hash (HMAC-SHA-256, hex) for values that are checked but never read back. */
export async function keyedHash(
  config: SecretBoxConfig,
  value: string,
): Promise<string> {
  return await hmacHex((await keysFor(config)).mac, value);
}

/** The value's keyed hash under the current key, then (during a rotation) the previous one. */
export async function keyedHashes(config: SecretBoxConfig, value: string): Promise<string[]> {
  const keys = await keysFor(config);
  const macs = keys.previous ? [keys.mac, keys.previous.mac] : [keys.mac];
  return await Promise.all(macs.map((mac) => hmacHex(mac, value)));
}

async function hmacHex(mac: CryptoKey, value: string): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", mac, encoder.encode(value)));
  return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
}
