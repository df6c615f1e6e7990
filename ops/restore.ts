/**
 * @module ops/restore
 * Brings databases back from the backups of ops/backups.ts into a data folder (`deno task
 * restore`, ops/restore_cli.ts): one tenant's database, or the control database and every tenant
 * database (`all`), as they were at the newest backup at or before a given instant.
 *
 * The app must be stopped: the restore takes the data folder's exclusive lock
 * (db/data_dir_lock.ts) and refuses while any web or worker process holds it, because a file
 * swapped under an open connection would leave that process writing to the old one. A database
 * on Turso is live elsewhere and is never replaced from here: Turso's point-in-time restore
 * applies (docs/operations/runbook.md). The target folder may be fresh: the master key
 * (ENCRYPTION_MASTER_KEY, or the folder's master.key) is then the one thing needed, the root key
 * comes from the copy saved beside the backups.
 *
 * Each copy is checked (SHA-256, then SQLite's quick_check under its own key) and re-encrypted
 * into place under the key the target installation holds for it now: the control key from the
 * root key, a tenant's newest data key from the (restored) control database.
 */
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import { type Client, fileUrl, openDatabase } from "../db/client.ts";
import { vacuumInto } from "../db/encrypted.ts";
import { holdRestoreLock } from "../db/data_dir_lock.ts";
import { controlDatabasePath, KeyRing, openControlWith, rootKeyPath } from "../crypto/keyring.ts";
import { generatedMasterKeyPath, loadKeyProvider, wrappedKeyId } from "../crypto/keys.ts";
import { databaseKeyOf, tenantKeyContext, TenantKeys } from "../crypto/tenant_keys.ts";
import type { FileStorage } from "../storage/file_storage.ts";
import { controlOnTurso } from "../tenants/control_database.ts";
import {
  type BackupEntry,
  CONTROL,
  copyKeyOf,
  getCopy,
  openDataKeys,
  readCatalog,
  readRootKeyCopy,
} from "./backup_catalog.ts";
import { pathExists, removeIfPresent } from "../db/files.ts";

export interface RestoreOptions {
  /** The target installation's settings: DATA_DIR, the master key, Turso. */
  config: Config;
  /** Where the backups are (the configured storage, or a folder given with --from). */
  from: FileStorage;
  /** The newest backup at or before this instant; the newest of all when absent. */
  at?: Date;
  say?: (message: string) => void;
}

export interface RestoredDatabase {
  db: string;
  slug?: string;
  backup: BackupEntry;
}

export interface RestoreReport {
  restored: RestoredDatabase[];
  /** Tenants of the restored control database that had no backup to restore (slugs). */
  missing: string[];
}

/** Restores the control database, then every local tenant database it lists. */
export async function restoreAll(options: RestoreOptions): Promise<RestoreReport> {
  const { config, from } = options;
  if (controlOnTurso(config)) {
    throw new Error(
      "The control database is on Turso (TURSO_ORG is set): use Turso's point-in-time restore " +
        "(docs/operations/runbook.md); this command restores local databases only.",
    );
  }
  const lock = await holdRestoreLock(config.DATA_DIR);
  try {
    const keys = await targetKeys(config, from);
    const controlEntry = pick(await readCatalog(from, CONTROL), options.at);
    if (!controlEntry) throw new Error(`No control database backup${atText(options.at)}.`);
    await restoreCopy(
      from,
      keys,
      controlEntry,
      controlDatabasePath(config.DATA_DIR),
      await keys.controlDatabaseKey(),
    );
    const restored: RestoredDatabase[] = [{ db: CONTROL, backup: controlEntry }];
    const missing: string[] = [];
    const control = await openControlWith(keys, config.DATA_DIR);
    try {
      await rewrapDataKeys(control, keys, controlEntry);
      const tenantKeys = new TenantKeys(control, keys.provider, () => new Date());
      const rs = await control.execute("SELECT id, slug, db_url FROM tenants ORDER BY id");
      for (const row of rs.rows) {
        const id = String(row.id);
        const slug = String(row.slug);
        if (row.db_url !== null) {
          options.say?.(`${slug}: on Turso, left to its point-in-time restore.`);
          continue;
        }
        const entries = await readCatalog(from, id);
        // A tenant backed up in the same run as the control database, a moment after it.
        const entry = pick(entries, options.at) ??
          entries.find((e) => e.run === controlEntry.run);
        if (!entry) {
          missing.push(slug);
          continue;
        }
        const key = await databaseKeyOf(await tenantKeys.current(id));
        await restoreCopy(from, keys, entry, tenantDatabasePath(config.DATA_DIR, id), key);
        restored.push({ db: id, slug, backup: entry });
        options.say?.(`${slug}: restored the backup of ${entry.takenAt}.`);
      }
    } finally {
      control.close();
    }
    return { restored, missing };
  } finally {
    lock.close();
  }
}

/** Restores one tenant's database into an installation whose control database lists it. */
export async function restoreTenant(
  options: RestoreOptions,
  slug: string,
): Promise<RestoredDatabase> {
  const { config, from } = options;
  const lock = await holdRestoreLock(config.DATA_DIR);
  try {
    const keys = await targetKeys(config, from);
    const control = await existingControl(config, keys);
    try {
      const tenant = await tenantBySlug(control, slug);
      if (tenant.dbUrl !== null) {
        throw new Error(
          `${slug} lives on Turso (${tenant.dbUrl}): use Turso's point-in-time restore and ` +
            "re-attach the restored database (docs/operations/runbook.md).",
        );
      }
      const entry = pick(await readCatalog(from, tenant.id), options.at);
      if (!entry) throw new Error(`No backup of ${slug}${atText(options.at)}.`);
      const tenantKeys = new TenantKeys(control, keys.provider, () => new Date());
      const key = await databaseKeyOf(await tenantKeys.current(tenant.id));
      await restoreCopy(from, keys, entry, tenantDatabasePath(config.DATA_DIR, tenant.id), key);
      return { db: tenant.id, slug, backup: entry };
    } finally {
      control.close();
    }
  } finally {
    lock.close();
  }
}

/** The backups of the control database, or of one tenant (by slug, from the control database). */
export async function listBackups(
  options: Pick<RestoreOptions, "config" | "from">,
  slug?: string,
): Promise<BackupEntry[]> {
  if (!slug) return await readCatalog(options.from, CONTROL);
  const keys = await targetKeys(options.config, options.from);
  const control = await existingControl(options.config, keys);
  try {
    return await readCatalog(options.from, (await tenantBySlug(control, slug)).id);
  } finally {
    control.close();
  }
}

/** The newest entry taken at or before `at` (entries are oldest first). */
export function pick(entries: BackupEntry[], at?: Date): BackupEntry | undefined {
  const limit = at?.toISOString();
  return entries.filter((e) => !limit || e.takenAt <= limit).at(-1);
}

/** A tenant's database file in a data folder (tenants/database_provider.ts keeps them there). */
export function tenantDatabasePath(dataDir: string, tenantId: string): string {
  if (!/^[0-9a-z]{26}$/.test(tenantId)) throw new Error(`Bad tenant id: ${tenantId}`);
  return join(dataDir, "tenants", `${tenantId}.db`);
}

const atText = (at?: Date) => at ? ` at or before ${at.toISOString()}` : "";

/**
 * The target's key ring. Never generates a master key (that would be another installation's);
 * a fresh folder gets the root key saved beside the backups.
 */
async function targetKeys(config: Config, from: FileStorage): Promise<KeyRing> {
  if (
    !config.ENCRYPTION_MASTER_KEY && !(await pathExists(generatedMasterKeyPath(config.DATA_DIR)))
  ) {
    throw new Error(
      `Set ENCRYPTION_MASTER_KEY to the installation's master key (or copy its master.key into ` +
        `${config.DATA_DIR}): backups cannot be read without it.`,
    );
  }
  const provider = await loadKeyProvider(config);
  const rootPath = rootKeyPath(config.DATA_DIR);
  if (!(await pathExists(rootPath))) {
    const copy = await readRootKeyCopy(from);
    if (!copy) throw new Error(`${rootPath} is missing and no copy is saved beside the backups.`);
    await Deno.mkdir(config.DATA_DIR, { recursive: true });
    await Deno.writeTextFile(rootPath, copy + "\n", { createNew: true, mode: 0o600 });
  }
  return await KeyRing.open(provider, config.DATA_DIR);
}

async function existingControl(config: Config, keys: KeyRing): Promise<Client> {
  if (controlOnTurso(config)) {
    throw new Error("The control database is on Turso: tenant databases there are on Turso too.");
  }
  if (!(await pathExists(controlDatabasePath(config.DATA_DIR)))) {
    throw new Error(
      `${config.DATA_DIR} has no control database: restore everything with --all first.`,
    );
  }
  return await openControlWith(keys, config.DATA_DIR);
}

async function tenantBySlug(control: Client, slug: string) {
  const rs = await control.execute({
    sql: "SELECT id, db_url FROM tenants WHERE slug = ?",
    args: [slug],
  });
  const row = rs.rows[0];
  if (!row) {
    throw new Error(
      `No workspace ${slug} in this control database (purged, or never there). To see an ` +
        "older state of the installation, restore --all --at <instant> into a fresh DATA_DIR.",
    );
  }
  return { id: String(row.id), dbUrl: row.db_url === null ? null : String(row.db_url) };
}

/**
 * Wraps the restored control database's tenant data keys that no configured master key opens
 * (a master-key rotation since the backup) under the current one, from the keys the backup
 * carries: the old master key is not needed.
 */
async function rewrapDataKeys(control: Client, keys: KeyRing, entry: BackupEntry): Promise<void> {
  const known = new Set(keys.provider.keyIds);
  const rows = await control.execute("SELECT tenant_id, version, master_key_id FROM tenant_keys");
  const stranded = new Set(
    rows.rows.filter((r) => !known.has(String(r.master_key_id)))
      .map((r) => `${r.tenant_id} ${r.version}`),
  );
  if (stranded.size === 0) return;
  for (const k of await openDataKeys(keys, entry)) {
    if (!stranded.has(`${k.tenantId} ${k.version}`)) continue;
    const wrapped = await keys.provider.wrap(k.key, tenantKeyContext(k.tenantId, k.version));
    await control.execute({
      sql: "UPDATE tenant_keys SET wrapped_key = ?, master_key_id = ? " +
        "WHERE tenant_id = ? AND version = ?",
      args: [wrapped, wrappedKeyId(wrapped), k.tenantId, k.version],
    });
  }
}

/** Checks one copy and swaps it into `target` re-encrypted under `targetKey`. */
async function restoreCopy(
  from: FileStorage,
  keys: KeyRing,
  entry: BackupEntry,
  target: string,
  targetKey: string,
): Promise<void> {
  const bytes = await getCopy(from, entry);
  await Deno.mkdir(dirname(target), { recursive: true });
  const suffix = crypto.randomUUID();
  const copyPath = `${target}.${suffix}.restore`;
  const tmp = `${target}.${suffix}.tmp`;
  await Deno.writeFile(copyPath, bytes, { mode: 0o600 });
  try {
    const copy = await openDatabase({
      url: fileUrl(copyPath),
      encryptionKey: await copyKeyOf(keys, entry),
    });
    try {
      const check = await copy.execute("PRAGMA quick_check");
      if (String(check.rows[0]?.[0]) !== "ok") {
        throw new Error(`Backup ${entry.db}/${entry.id} fails SQLite's quick_check.`);
      }
      await copy.execute(vacuumInto(tmp, targetKey));
    } finally {
      copy.close();
    }
    for (const side of ["-wal", "-shm", "-journal"]) await removeIfPresent(target + side);
    await Deno.rename(tmp, target);
  } finally {
    for (const path of [copyPath, `${copyPath}-wal`, `${copyPath}-shm`, tmp]) {
      await removeIfPresent(path);
    }
  }
}
