/**
 * @module storage/encrypted
 * Encrypts every stored file with its tenant's file key (AES-256-GCM, a key derived from the
 * tenant's data key: crypto/tenant_keys.ts) around any `FileStorage`, local folder or S3 bucket
 * alike. A stored file is `PMEF`, a format byte, the data-key version (4 bytes), a 12-byte IV and
 * the ciphertext with its tag; the header and the storage key are authenticated too, so an altered
 * file, or one moved under another key or tenant, is refused.
 *
 * A file without the header is refused too (`FileNotEncryptedError`): stripping the header must not
 * turn a stored file into "plain bytes" that are served. The one exception is a workspace that may
 * still hold files stored before encryption at rest (`allowsPlainFiles`: control migration 0018
 * lists the workspaces that existed before it; new ones never are): its headerless files are
 * returned as they are. New workspaces are never listed; `deno task files:seal`
 * (storage/seal_plain_files.ts) encrypts a listed workspace's plain files and ends its listing.
 */
import { aesKey } from "../crypto/keys.ts";
import { fileKeyOf, type TenantKey } from "../crypto/tenant_keys.ts";
import type { FileStorage } from "./file_storage.ts";

/** Where the file keys come from (crypto/tenant_keys.ts's `TenantKeys`). */
export interface FileKeySource {
  current(tenantId: string): Promise<TenantKey>;
  version(tenantId: string, version: number): Promise<Uint8Array>;
  /** Whether the tenant may still hold files stored before encryption (read as they are). */
  allowsPlainFiles(tenantId: string): Promise<boolean>;
}

/** A stored file that fails authentication: altered, truncated, or not this key's file. */
export class FileTamperedError extends Error {
  constructor(key: string) {
    super(`The stored file ${key} fails its integrity check: it was altered or is not this file.`);
    this.name = "FileTamperedError";
  }
}

/**
 * A stored file without the encryption header in a workspace whose files are all encrypted: its
 * header was stripped, or it was replaced. Refused like an altered file.
 */
export class FileNotEncryptedError extends FileTamperedError {
  constructor(key: string) {
    super(key);
    this.message = `The stored file ${key} is not encrypted, but every file of this workspace ` +
      "is: it was altered or replaced, so it is not served. Restore it from a backup.";
    this.name = "FileNotEncryptedError";
  }
}

const MAGIC = [0x50, 0x4d, 0x45, 0x46]; // "PMEF"
const FORMAT = 1;
const HEADER = 4 + 1 + 4;
const IV = 12;
const enc = new TextEncoder();

/** Whether bytes carry the encrypted-file header. */
export function isEncryptedFile(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER + IV + 16 && MAGIC.every((b, i) => bytes[i] === b) &&
    bytes[4] === FORMAT;
}

export class EncryptedStorage implements FileStorage {
  #keys = new Map<string, Promise<CryptoKey>>();

  constructor(readonly inner: FileStorage, readonly source: FileKeySource) {}

  get kind(): "local" | "s3" {
    return this.inner.kind;
  }

  async put(key: string, bytes: Uint8Array, _contentType: string): Promise<void> {
    const tenantId = tenantOf(key);
    const { version, key: dataKey } = await this.source.current(tenantId);
    const header = new Uint8Array(HEADER);
    header.set(MAGIC);
    header[4] = FORMAT;
    new DataView(header.buffer).setUint32(5, version);
    const iv = crypto.getRandomValues(new Uint8Array(IV));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: aad(header, key) as BufferSource },
        await this.#cryptoKey(tenantId, version, dataKey),
        bytes as BufferSource,
      ),
    );
    const out = new Uint8Array(HEADER + IV + sealed.length);
    out.set(header);
    out.set(iv, HEADER);
    out.set(sealed, HEADER + IV);
    // The bucket sees only ciphertext: the content type stays generic too.
    await this.inner.put(key, out, "application/octet-stream");
  }

  async get(key: string): Promise<Uint8Array> {
    const stored = await this.inner.get(key);
    const tenantId = tenantOf(key);
    if (!isEncryptedFile(stored)) {
      if (await this.source.allowsPlainFiles(tenantId)) return stored;
      throw new FileNotEncryptedError(key);
    }
    const header = stored.subarray(0, HEADER);
    const version = new DataView(stored.buffer, stored.byteOffset).getUint32(5);
    const cryptoKey = await this.#cryptoKey(tenantId, version);
    try {
      return new Uint8Array(
        await crypto.subtle.decrypt(
          {
            name: "AES-GCM",
            iv: stored.slice(HEADER, HEADER + IV) as BufferSource,
            additionalData: aad(header, key) as BufferSource,
          },
          cryptoKey,
          stored.slice(HEADER + IV) as BufferSource,
        ),
      );
    } catch {
      throw new FileTamperedError(key);
    }
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  #cryptoKey(tenantId: string, version: number, known?: Uint8Array): Promise<CryptoKey> {
    const id = `${tenantId}/${version}`;
    let key = this.#keys.get(id);
    if (!key) {
      key = (async () =>
        aesKey(await fileKeyOf(known ?? await this.source.version(tenantId, version))))();
      key.catch(() =>
        this.#keys.delete(id)
      );
      this.#keys.set(id, key);
    }
    return key;
  }
}

function tenantOf(key: string): string {
  const tenantId = key.split("/")[0];
  if (!tenantId) throw new Error(`Bad storage key ${JSON.stringify(key)}.`);
  return tenantId;
}

function aad(header: Uint8Array, key: string): Uint8Array {
  const name = enc.encode(key);
  const out = new Uint8Array(header.length + name.length);
  out.set(header);
  out.set(name, header.length);
  return out;
}
