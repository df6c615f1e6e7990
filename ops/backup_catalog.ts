/**
 * @module ops/backup_catalog
 * Where backups are kept and what restoring each needs. In the file storage (storage/: a local
 * folder or the S3 bucket), next to nothing else:
 *
 * - `backups/<db>/<id>`: one database copy (`<db>` is `control` or a tenant id), encrypted by
 *   libSQL under a key of its own, random per backup;
 * - `backups/<db>/catalog`: JSON, every backup of that database with its time, size, SHA-256 and
 *   its key wrapped (AES-256-GCM, bound to the database and backup id) by a key derived from the
 *   installation's root key (crypto/keyring.ts). The root key never changes: a master-key rotation
 *   re-wraps it, so a backup stays restorable after the master key and the tenant's data keys
 *   (tenants/key_rotation.ts) have been rotated, and after the data key it was taken under is gone.
 *   A control backup also carries every tenant data key, sealed the same way, because its
 *   `tenant_keys` rows are wrapped by the master key of the day (ops/restore.ts re-wraps them);
 * - `backups/control/rootkey`: a copy of `DATA_DIR/control.key` (the root key wrapped by the
 *   master key), refreshed by every chore check, so a fresh data folder can be restored with the
 *   master key alone.
 *
 * The storage has no listing, so the catalog is the index; one process writes it (local mode
 * means one machine, and the chore runs on its first worker only).
 */
import { aesKey, fromBase64, randomKey, toBase64, toHex } from "../crypto/keys.ts";
import type { KeyRing } from "../crypto/keyring.ts";
import { EncryptedStorage } from "../storage/encrypted.ts";
import { FileMissingError, type FileStorage } from "../storage/file_storage.ts";

/** The control database's name among backups; tenant databases go by their tenant id. */
export const CONTROL = "control";

/** One backup of one database. */
export interface BackupEntry {
  id: string;
  /** `control` or the tenant id. */
  db: string;
  /** The tenant's slug when taken (for `--list`), absent for the control database. */
  slug?: string;
  /** ISO instant the copy was taken (services.clock). */
  takenAt: string;
  /** The run it belongs to: the control backup and the tenant backups taken together. */
  run: string;
  bytes: number;
  sha256: string;
  /** The copy's libSQL key, wrapped under the root key's backup key. */
  wrappedKey: string;
  /**
   * Control database only: every tenant data key, sealed under the root key's backup key, so a
   * restore re-wraps them under the master key it has (a master-key rotation since the backup).
   */
  dataKeys?: string;
}

/** One tenant data key, as a control backup carries it. */
export interface DataKey {
  tenantId: string;
  version: number;
  key: Uint8Array;
}

const enc = new TextEncoder();
const keyName = (db: string, id: string) => `backups/${db}/${id}`;
const catalogName = (db: string) => `backups/${db}/catalog`;
const ROOT_COPY = `backups/${CONTROL}/rootkey`;

/** The storage backups go to: the configured one, without the per-tenant file encryption. */
export function backupStorage(storage: FileStorage): FileStorage {
  return storage instanceof EncryptedStorage ? storage.inner : storage;
}

/** Every backup of one database, oldest first (empty when it has none). */
export async function readCatalog(storage: FileStorage, db: string): Promise<BackupEntry[]> {
  try {
    const entries = JSON.parse(new TextDecoder().decode(await storage.get(catalogName(db))));
    return (entries as BackupEntry[]).sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  } catch (err) {
    if (err instanceof FileMissingError) return [];
    throw err;
  }
}

/** Replaces one database's catalog (removes it when `entries` is empty). */
export async function writeCatalog(
  storage: FileStorage,
  db: string,
  entries: BackupEntry[],
): Promise<void> {
  if (entries.length === 0) return await storage.delete(catalogName(db));
  await storage.put(catalogName(db), enc.encode(JSON.stringify(entries)), "application/json");
}

/** Stores one copy's bytes. */
export async function putCopy(storage: FileStorage, entry: BackupEntry, bytes: Uint8Array) {
  await storage.put(keyName(entry.db, entry.id), bytes, "application/octet-stream");
}

/** The bytes of one copy, checked against the SHA-256 the catalog recorded. */
export async function getCopy(storage: FileStorage, entry: BackupEntry): Promise<Uint8Array> {
  const bytes = await storage.get(keyName(entry.db, entry.id));
  if ((await sha256Hex(bytes)) !== entry.sha256) {
    throw new Error(`Backup ${entry.db}/${entry.id} fails its checksum: it was altered or cut.`);
  }
  return bytes;
}

/** Deletes one copy. */
export async function deleteCopy(storage: FileStorage, entry: BackupEntry): Promise<void> {
  await storage.delete(keyName(entry.db, entry.id));
}

/** Saves the wrapped root key beside the backups (see the module header). */
export async function saveRootKeyCopy(storage: FileStorage, wrappedRoot: string): Promise<void> {
  await storage.put(ROOT_COPY, enc.encode(wrappedRoot.trim() + "\n"), "text/plain");
}

/** The wrapped root key saved beside the backups, or null. */
export async function readRootKeyCopy(storage: FileStorage): Promise<string | null> {
  try {
    return new TextDecoder().decode(await storage.get(ROOT_COPY)).trim();
  } catch (err) {
    if (err instanceof FileMissingError) return null;
    throw err;
  }
}

/** A new backup id: sortable by time, unique within the second. */
export function newBackupId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, "").toLowerCase();
  return `${stamp}${toHex(crypto.getRandomValues(new Uint8Array(3)))}`;
}

async function seal(keys: KeyRing, context: string, plain: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: enc.encode(context) },
    await aesKey(await keys.deriveKey("backups")),
    plain as BufferSource,
  );
  const body = new Uint8Array(12 + sealed.byteLength);
  body.set(iv);
  body.set(new Uint8Array(sealed), 12);
  return toBase64(body);
}

async function unseal(keys: KeyRing, context: string, sealed: string): Promise<Uint8Array> {
  const body = fromBase64(sealed);
  return new Uint8Array(
    await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: body.subarray(0, 12) as BufferSource,
        additionalData: enc.encode(context),
      },
      await aesKey(await keys.deriveKey("backups")),
      body.subarray(12) as BufferSource,
    ),
  );
}

/** Seals the tenant data keys a control backup carries. */
export async function sealDataKeys(keys: KeyRing, id: string, list: DataKey[]): Promise<string> {
  const json = JSON.stringify(list.map((k) => [k.tenantId, k.version, toBase64(k.key)]));
  return await seal(keys, `backup data keys ${id}`, enc.encode(json));
}

/** The tenant data keys a control backup carries. */
export async function openDataKeys(keys: KeyRing, entry: BackupEntry): Promise<DataKey[]> {
  if (!entry.dataKeys) return [];
  const plain = await unseal(keys, `backup data keys ${entry.id}`, entry.dataKeys);
  const rows = JSON.parse(new TextDecoder().decode(plain)) as Array<[string, number, string]>;
  return rows.map(([tenantId, version, key]) => ({ tenantId, version, key: fromBase64(key) }));
}

/** A fresh libSQL key for one copy, and that key wrapped for its catalog entry. */
export async function newCopyKey(
  keys: KeyRing,
  db: string,
  id: string,
): Promise<{ key: string; wrapped: string }> {
  const key = toHex(randomKey());
  return { key, wrapped: await seal(keys, `backup ${db} ${id}`, enc.encode(key)) };
}

/** The libSQL key of one copy; throws when this installation's root key did not wrap it. */
export async function copyKeyOf(keys: KeyRing, entry: BackupEntry): Promise<string> {
  try {
    return new TextDecoder().decode(
      await unseal(keys, `backup ${entry.db} ${entry.id}`, entry.wrappedKey),
    );
  } catch (err) {
    throw new Error(
      `Backup ${entry.db}/${entry.id} was not made by this installation's root key ` +
        "(DATA_DIR/control.key): restore into a data folder holding the original control.key, " +
        "or into a fresh one (the copy saved beside the backups is used).",
      { cause: err },
    );
  }
}

/** Lowercase hex SHA-256 of bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource)));
}
