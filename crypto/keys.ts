/**
 * @module crypto/keys
 * The master key and what it protects. Data keys (the control database's root key, each tenant's
 * database and file key) are random, and stored only wrapped: AES-256-GCM under the master key,
 * bound to what they are for (the GCM additional data), tagged with the master key's id (a
 * fingerprint, never the key). The master key comes from a `KeyProvider`:
 *
 * - `EnvKeyProvider`: `ENCRYPTION_MASTER_KEY` (base64 of 32 bytes), plus
 *   `ENCRYPTION_MASTER_KEY_NEXT` while the master key is being rotated (new wraps use the next
 *   key; both unwrap). Outside production, with no key set, one is generated once into
 *   `DATA_DIR/master.key` (mode 0600) and the log says so; production refuses to start without one.
 * - A KMS-style provider (AWS KMS, GCP KMS, Vault transit) implements the same three members with
 *   the service's Encrypt/Decrypt calls, so the master key never enters this process.
 *
 * `deriveKey()` gives a purpose-specific key from a root key (HKDF-SHA-256). Other features (e.g.
 * protecting TOTP secrets) take theirs from `KeyRing.deriveKey(purpose)` (crypto/keyring.ts),
 * whose root survives a master-key rotation (it is re-wrapped, not replaced).
 */
import { join } from "node:path";
import type { Config } from "../config.ts";

/** Length in bytes of every key here (AES-256). */
export const KEY_BYTES = 32;

export interface KeyProvider {
  /** Id of the master key new wraps use: a fingerprint, safe to store and log. */
  readonly currentKeyId: string;
  /** Ids of every master key this provider can unwrap with. */
  readonly keyIds: readonly string[];
  /** Encrypts `dataKey` under the current master key, bound to `context`. */
  wrap(dataKey: Uint8Array, context: string): Promise<string>;
  /** Decrypts a wrapped key made for `context`; throws `KeyUnavailableError` if it cannot. */
  unwrap(wrapped: string, context: string): Promise<Uint8Array>;
}

/** A wrapped key whose master key is not configured, or that was altered or moved. */
export class KeyUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyUnavailableError";
  }
}

const enc = new TextEncoder();

/** Base64 (standard alphabet) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Bytes of a base64 text (standard or url alphabet). */
export function fromBase64(text: string): Uint8Array {
  const bin = atob(text.trim().replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A fresh random key. */
export function randomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

/** The public id of a master key: the first 8 bytes of its SHA-256, in hex. */
export async function keyIdOf(key: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", key as BufferSource));
  return toHex(digest.slice(0, 8));
}

/** Derives a key for one purpose from a root key (HKDF-SHA-256); same inputs, same key. */
export async function deriveKey(root: Uint8Array, purpose: string): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey("raw", root as BufferSource, "HKDF", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode(purpose) },
    base,
    KEY_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** Imports raw bytes as an AES-GCM key. */
export function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
}

/** Master keys held in this process's memory (from the environment or DATA_DIR/master.key). */
export class EnvKeyProvider implements KeyProvider {
  readonly keyIds: readonly string[];
  private constructor(readonly currentKeyId: string, readonly keys: Map<string, CryptoKey>) {
    this.keyIds = [...keys.keys()];
  }

  /** `current` wraps; `current` and `others` unwrap. */
  static async create(current: Uint8Array, others: Uint8Array[] = []): Promise<EnvKeyProvider> {
    const keys = new Map<string, CryptoKey>();
    for (const raw of [current, ...others]) {
      if (raw.length !== KEY_BYTES) throw new Error(`A master key must be ${KEY_BYTES} bytes.`);
      keys.set(await keyIdOf(raw), await aesKey(raw));
    }
    return new EnvKeyProvider(await keyIdOf(current), keys);
  }

  async wrap(dataKey: Uint8Array, context: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: enc.encode(context) },
      this.keys.get(this.currentKeyId)!,
      dataKey as BufferSource,
    );
    const body = new Uint8Array(12 + sealed.byteLength);
    body.set(iv);
    body.set(new Uint8Array(sealed), 12);
    return `v1:${this.currentKeyId}:${toBase64(body)}`;
  }

  async unwrap(wrapped: string, context: string): Promise<Uint8Array> {
    const id = wrappedKeyId(wrapped);
    const key = this.keys.get(id);
    if (!key) {
      throw new KeyUnavailableError(
        `The key for ${context} is wrapped by master key ${id}, which is not configured ` +
          `(configured: ${this.keyIds.join(", ")}). Set ENCRYPTION_MASTER_KEY (or ` +
          `ENCRYPTION_MASTER_KEY_NEXT during a rotation) to that key.`,
      );
    }
    const body = fromBase64(wrapped.split(":")[2] ?? "");
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: body.slice(0, 12), additionalData: enc.encode(context) },
        key,
        body.slice(12),
      );
      return new Uint8Array(plain);
    } catch {
      throw new KeyUnavailableError(
        `The wrapped key for ${context} does not decrypt: it was altered or belongs elsewhere.`,
      );
    }
  }
}

/** The master key id a wrapped key was made with. */
export function wrappedKeyId(wrapped: string): string {
  const [version, id] = wrapped.split(":");
  if (version !== "v1" || !id) throw new KeyUnavailableError("Not a wrapped key.");
  return id;
}

function parseMasterKey(name: string, text: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = fromBase64(text);
  } catch {
    raw = new Uint8Array(0);
  }
  if (raw.length !== KEY_BYTES) {
    throw new Error(
      `${name} must be the base64 of ${KEY_BYTES} random bytes (openssl rand -base64 32).`,
    );
  }
  return raw;
}

/** Where a development installation keeps the master key it generated for itself. */
export function generatedMasterKeyPath(dataDir: string): string {
  return join(dataDir, "master.key");
}

type KeySettings = Pick<
  Config,
  "DATA_DIR" | "APP_ENV" | "ENCRYPTION_MASTER_KEY" | "ENCRYPTION_MASTER_KEY_NEXT"
>;

/**
 * The configured master keys: from the environment; or, outside production with none set, from
 * `DATA_DIR/master.key`, generated on first use (`onGenerated` tells the log).
 */
export async function loadKeyProvider(
  config: KeySettings,
  onGenerated: (path: string) => void = () => {},
): Promise<EnvKeyProvider> {
  let master: Uint8Array;
  if (config.ENCRYPTION_MASTER_KEY) {
    master = parseMasterKey("ENCRYPTION_MASTER_KEY", config.ENCRYPTION_MASTER_KEY);
  } else if (config.APP_ENV === "production") {
    throw new Error(
      "ENCRYPTION_MASTER_KEY is required with APP_ENV=production: it protects every database " +
        "and file key. Generate one with `openssl rand -base64 32`, keep a copy outside the " +
        "server, and set it as a secret (fly secrets set ENCRYPTION_MASTER_KEY=...).",
    );
  } else {
    master = await generatedMasterKey(config.DATA_DIR, onGenerated);
  }
  if (!config.ENCRYPTION_MASTER_KEY_NEXT) return await EnvKeyProvider.create(master);
  const next = parseMasterKey("ENCRYPTION_MASTER_KEY_NEXT", config.ENCRYPTION_MASTER_KEY_NEXT);
  return await EnvKeyProvider.create(next, [master]);
}

async function generatedMasterKey(
  dataDir: string,
  onGenerated: (path: string) => void,
): Promise<Uint8Array> {
  const path = generatedMasterKeyPath(dataDir);
  try {
    return parseMasterKey(path, await Deno.readTextFile(path));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const key = randomKey();
  try {
    await Deno.writeTextFile(path, toBase64(key) + "\n", { createNew: true, mode: 0o600 });
  } catch (err) {
    // Another process of this installation generated it first: use theirs.
    if (err instanceof Deno.errors.AlreadyExists) {
      return parseMasterKey(path, await Deno.readTextFile(path));
    }
    throw err;
  }
  onGenerated(path);
  return key;
}
