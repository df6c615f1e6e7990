/**
 * @module storage/seal_plain_files
 * `deno task files:seal <tenant-slug> | --all`: encrypts the files a workspace stored before
 * encryption at rest, then ends its allowance to hold plain files (control migration 0018), so
 * from then on a file of it without the encryption header is refused (storage/encrypted.ts).
 *
 * It needs the storage's list of the workspace's files: the local folder (`DATA_DIR/files/<id>/`)
 * has one; an S3 bucket is not listed by storage/s3.ts, so there the workspace keeps its allowance
 * and the command says so. Safe while the app runs: a file is rewritten through the same storage
 * (temporary name, then rename) and read back before the allowance ends.
 */
import { join, relative, sep } from "node:path";
import { EncryptedStorage, isEncryptedFile } from "./encrypted.ts";
import type { FileStorage } from "./file_storage.ts";
import { LocalStorage } from "./local.ts";

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
  if (!(storage instanceof EncryptedStorage) || !(storage.inner instanceof LocalStorage)) {
    return { sealed: 0, encrypted: 0, ended: false };
  }
  const inner = storage.inner;
  const report: SealReport = { sealed: 0, encrypted: 0, ended: false };
  for (const key of await localKeys(inner.root, tenantId)) {
    const bytes = await inner.get(key);
    if (isEncryptedFile(bytes)) {
      report.encrypted++;
      continue;
    }
    await storage.put(key, bytes, "application/octet-stream");
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

/** Every storage key under the tenant's folder (temporary files of a write in progress skipped). */
async function localKeys(root: string, tenantId: string): Promise<string[]> {
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
  return keys.sort();
}
