/**
 * @module storage/seal_plain_files
 * `deno task files:seal <tenant-slug> | --all`: encrypts the files a workspace stored before
 * encryption at rest, then ends its allowance to hold plain files (control migration 0018), so
 * from then on a file of it without the encryption header is refused (storage/encrypted.ts).
 *
 * It lists the workspace's files where they are: the local folder (`DATA_DIR/files/<id>/`), or the
 * S3 bucket's keys under `<id>/` (ListObjectsV2, a page at a time, storage/s3.ts). Each plain file
 * is rewritten in place through the same storage (local: temporary name, then rename; S3: one
 * PUT, which replaces an object whole), then read back raw to check it now starts with the
 * encryption header and decrypts to the same bytes. Resumable: a file already encrypted is
 * skipped, so a run stopped half way (a crash, a failed PUT) is simply run again; the allowance
 * ends only after every file of the workspace was found encrypted. Safe while the app runs.
 */
import { join, relative, sep } from "node:path";
import { EncryptedStorage, isEncryptedFile } from "./encrypted.ts";
import type { FileStorage } from "./file_storage.ts";
import { LocalStorage } from "./local.ts";
import { S3Storage } from "./s3.ts";

/** What sealing one workspace did. */
export interface SealReport {
  /** Plain files now stored encrypted. */
  sealed: number;
  /** Files that were encrypted already. */
  encrypted: number;
  /** Whether the allowance ended (false: the storage cannot be listed). */
  ended: boolean;
}

/** Where the allowance lives (crypto/tenant_keys.ts's TenantKeys). */
export interface AllowanceStore {
  endPlainFileAllowance(tenantId: string): Promise<boolean>;
}

/** Encrypts the workspace's plain files, then ends its allowance (see the module header). */
export async function sealPlainFiles(
  storage: FileStorage,
  allowances: AllowanceStore,
  tenantId: string,
): Promise<SealReport> {
  const keys = storage instanceof EncryptedStorage ? keysOf(storage.inner, tenantId) : null;
  if (!(storage instanceof EncryptedStorage) || !keys) {
    return { sealed: 0, encrypted: 0, ended: false };
  }
  const inner = storage.inner;
  const report: SealReport = { sealed: 0, encrypted: 0, ended: false };
  for await (const key of keys) {
    const bytes = await inner.get(key);
    if (isEncryptedFile(bytes)) {
      report.encrypted++;
      continue;
    }
    await storage.put(key, bytes, "application/octet-stream");
    if (!isEncryptedFile(await inner.get(key))) {
      throw new Error(`${key} was stored but does not read back encrypted; the allowance stays.`);
    }
    const back = await storage.get(key);
    if (back.length !== bytes.length || !back.every((b, i) => b === bytes[i])) {
      throw new Error(`${key} did not read back as it was; the allowance stays.`);
    }
    report.sealed++;
  }
  await allowances.endPlainFileAllowance(tenantId);
  report.ended = true;
  return report;
}

/** The tenant's storage keys, from a storage that can list them; null when it cannot. */
function keysOf(inner: FileStorage, tenantId: string): AsyncIterable<string> | null {
  if (inner instanceof LocalStorage) return localKeys(inner.root, tenantId);
  if (inner instanceof S3Storage) return inner.list(`${tenantId}/`);
  return null;
}

/** Every storage key under the tenant's folder (temporary files of a write in progress skipped). */
async function* localKeys(root: string, tenantId: string): AsyncGenerator<string> {
  const keys: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && !entry.name.endsWith(".tmp")) {
        keys.push(relative(root, path).split(sep).join("/"));
      }
    }
  };
  await walk(join(root, tenantId));
  yield* keys.sort();
}
