/**
 * @module ops/backups
 * Scheduled online backups in local mode (database files on this machine): the control database
 * and every tenant database are copied while the app serves, to the file storage, and kept
 * `BACKUP_RETENTION_DAYS`. With Turso, Turso's point-in-time restore applies instead
 * (docs/operations/runbook.md) and this chore copies nothing.
 *
 * A copy is `VACUUM INTO` on a read connection of its own, on a thread of its own
 * (ops/_backup_copier.ts: on the app's thread a 10 MB database stopped every request for 260 ms
 * here): one read transaction, a consistent snapshot, written encrypted under a random key of its
 * own (ops/backup_catalog.ts keeps that key wrapped by the root key, so neither a tenant-key nor a
 * master-key rotation strands a backup). No write lock is taken and the pool is not touched: in
 * WAL mode writers go on beside the reader.
 *
 * The chore wakes every few minutes and runs when the newest control backup is older than
 * `BACKUP_INTERVAL_HOURS` (so a restart does not postpone backups by a whole interval); 0 turns
 * backups off.
 */
import { join } from "node:path";
import { controlDatabasePath, rootKeyPath } from "../crypto/keyring.ts";
import { databaseKeyOf } from "../crypto/tenant_keys.ts";
import { LocalDatabaseProvider } from "../tenants/database_provider.ts";
import type { FileStorage } from "../storage/file_storage.ts";
import { LocalStorage } from "../storage/local.ts";
import type { Services } from "../services.ts";
import { controlOnTurso } from "../tenants/control_database.ts";
import {
  type BackupEntry,
  backupStorage,
  CONTROL,
  type DataKey,
  deleteCopy,
  newBackupId,
  newCopyKey,
  putCopy,
  readCatalog,
  readRootKeyCopy,
  saveRootKeyCopy,
  sealDataKeys,
  sha256Hex,
  writeCatalog,
} from "./backup_catalog.ts";

type BackupServices = Pick<
  Services,
  | "config"
  | "storage"
  | "clock"
  | "control"
  | "keys"
  | "tenantKeys"
  | "registry"
  | "provider"
  | "log"
>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How often the chore looks whether a run is due. */
export const BACKUP_CHECK_EVERY_MS = 10 * 60_000;

/** Whether this installation keeps its own backups (local database files, interval above 0). */
export function backupsEnabled(services: Pick<BackupServices, "config" | "provider">): boolean {
  return services.config.BACKUP_INTERVAL_HOURS > 0 && services.provider.kind === "local" &&
    !controlOnTurso(services.config);
}

/** The periodic chore: a run when the last one is older than the interval. */
export async function runBackupChore(services: BackupServices): Promise<BackupEntry[]> {
  if (!backupsEnabled(services)) return [];
  const storage = backupStorage(services.storage);
  // After a master-key rotation the copy of control.key beside the backups is refreshed at once,
  // not at the next run, so the old master key is not needed to restore into a fresh folder.
  const wrappedRoot = (await Deno.readTextFile(rootKeyPath(services.config.DATA_DIR))).trim();
  if ((await readRootKeyCopy(storage)) !== wrappedRoot) await saveRootKeyCopy(storage, wrappedRoot);
  const last = (await readCatalog(storage, CONTROL)).at(-1);
  const due = !last || services.clock.now().getTime() - Date.parse(last.takenAt) >=
      services.config.BACKUP_INTERVAL_HOURS * HOUR_MS;
  return due ? await runBackups(services) : [];
}

/** Backs up the control database, then every tenant database; prunes what retention lets go. */
export async function runBackups(services: BackupServices): Promise<BackupEntry[]> {
  const storage = backupStorage(services.storage);
  const run = newBackupId(services.clock.now());
  const tmpDir = join(services.config.DATA_DIR, ".backup-tmp");
  await Deno.mkdir(tmpDir, { recursive: true });
  const taken: BackupEntry[] = [];
  const copier = new Copier();
  try {
    await saveRootKeyCopy(storage, await Deno.readTextFile(rootKeyPath(services.config.DATA_DIR)));
    const control = {
      path: controlDatabasePath(services.config.DATA_DIR),
      keys: [await services.keys.controlDatabaseKey()],
    };
    taken.push(
      await backUp(
        services,
        storage,
        copier,
        tmpDir,
        run,
        CONTROL,
        control,
        undefined,
        () => allDataKeys(services),
      ),
    );
    const provider = services.provider;
    for (const tenant of await services.registry.allTenants()) {
      // On Turso: its point-in-time restore covers it.
      if (tenant.dbUrl !== null || !(provider instanceof LocalDatabaseProvider)) continue;
      try {
        // Opening a missing file would create an empty one: a tenant without a file has nothing.
        if (!(await Deno.stat(provider.pathOf(tenant.id)).then(() => true, () => false))) continue;
        const source = {
          path: provider.pathOf(tenant.id),
          keys: [
            ...await Promise.all(
              (await services.tenantKeys.all(tenant.id)).map((k) => databaseKeyOf(k)),
            ),
            null, // a file from before encryption at rest
          ],
        };
        taken.push(
          await backUp(services, storage, copier, tmpDir, run, tenant.id, source, tenant.slug),
        );
      } catch (err) {
        services.log.error("tenant backup failed", { tenant: tenant.slug, error: String(err) });
      }
    }
  } finally {
    copier.close();
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
  }
  const dbs = [...new Set([CONTROL, ...taken.map((t) => t.db)])];
  for (const db of dbs) await pruneBackups(services, storage, db);
  services.log.info("backups taken", { run, databases: taken.length });
  return taken;
}

interface CopySource {
  path: string;
  /** The database's keys to try, newest first; null for a plain file. */
  keys: Array<string | null>;
}

/** The copier thread (ops/_backup_copier.ts), one copy at a time. */
class Copier {
  #worker = new Worker(new URL("./_backup_copier.ts", import.meta.url), { type: "module" });

  copy(source: CopySource, target: string, targetKey: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#worker.onmessage = (event: MessageEvent<{ ok?: true; error?: string }>) =>
        event.data.ok ? resolve() : reject(new Error(event.data.error));
      this.#worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
      this.#worker.postMessage({ ...source, target, targetKey });
    });
  }

  close(): void {
    this.#worker.terminate();
  }
}

async function backUp(
  services: BackupServices,
  storage: FileStorage,
  copier: Copier,
  tmpDir: string,
  run: string,
  db: string,
  source: CopySource,
  slug?: string,
  /** Read after the copy, so they include every key its rows name. */
  dataKeys?: () => Promise<DataKey[]>,
): Promise<BackupEntry> {
  const at = services.clock.now();
  const id = newBackupId(at);
  const { key, wrapped } = await newCopyKey(services.keys, db, id);
  const tmp = join(tmpDir, `${db}-${id}.db`);
  let bytes: Uint8Array;
  try {
    await copier.copy(source, tmp, key);
    bytes = await Deno.readFile(tmp);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  const entry: BackupEntry = {
    id,
    db,
    ...(slug ? { slug } : {}),
    takenAt: at.toISOString(),
    run,
    bytes: bytes.length,
    sha256: await sha256Hex(bytes),
    wrappedKey: wrapped,
    ...(dataKeys ? { dataKeys: await sealDataKeys(services.keys, id, await dataKeys()) } : {}),
  };
  await putCopy(storage, entry, bytes);
  await writeCatalog(storage, db, [...await readCatalog(storage, db), entry]);
  return entry;
}

/** Every tenant data key, unwrapped: what a control backup carries (see BackupEntry.dataKeys). */
async function allDataKeys(services: BackupServices): Promise<DataKey[]> {
  const rs = await services.control.execute("SELECT DISTINCT tenant_id FROM tenant_keys");
  const out: DataKey[] = [];
  for (const row of rs.rows) {
    const tenantId = String(row.tenant_id);
    for (const k of await services.tenantKeys.all(tenantId)) out.push({ tenantId, ...k });
  }
  return out;
}

/**
 * Deletes the backups of `db` older than `BACKUP_RETENTION_DAYS`, always keeping the newest one
 * (a database that stopped changing still has a backup).
 */
export async function pruneBackups(
  services: Pick<BackupServices, "config" | "clock">,
  storage: FileStorage,
  db: string,
): Promise<number> {
  const entries = await readCatalog(storage, db);
  const cutoff = services.clock.now().getTime() - services.config.BACKUP_RETENTION_DAYS * DAY_MS;
  const newest = entries.at(-1);
  const expired = entries.filter((e) => e !== newest && Date.parse(e.takenAt) < cutoff);
  if (expired.length === 0) return 0;
  await writeCatalog(storage, db, entries.filter((e) => !expired.includes(e)));
  for (const e of expired) await deleteCopy(storage, e);
  return expired.length;
}

/** Deletes every backup of one tenant (the purge of a deleted workspace, data_rights/purge.ts). */
export async function deleteTenantBackups(files: FileStorage, tenantId: string): Promise<void> {
  const storage = backupStorage(files);
  const entries = await readCatalog(storage, tenantId);
  for (const e of entries) await deleteCopy(storage, e);
  await writeCatalog(storage, tenantId, []);
  if (storage instanceof LocalStorage) {
    // The tenant's backup folder of the local storage, now empty.
    await Deno.remove(join(storage.root, "backups", tenantId)).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}
