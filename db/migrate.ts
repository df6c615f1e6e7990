/**
 * @module db/migrate
 * Numbered SQL migrations (`0001_name.sql`) for the control database and for tenant databases.
 * Each database records the versions it has in `_migrations`; each migration runs in its own write
 * transaction together with its record, so an interrupted run resumes where it stopped.
 */
import type { Client } from "./client.ts";
import { withWriteLock } from "./write_lock.ts";

export type MigrationSet = "control" | "tenant";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const cache = new Map<MigrationSet, Promise<Migration[]>>();

/** Loads (once per process) the migrations of a set, sorted by version. */
export function loadMigrations(set: MigrationSet): Promise<Migration[]> {
  let found = cache.get(set);
  if (!found) {
    found = readMigrations(new URL(`./migrations/${set}/`, import.meta.url));
    cache.set(set, found);
  }
  return found;
}

async function readMigrations(dir: URL): Promise<Migration[]> {
  const list: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    list.push({
      version: Number(match[1]),
      name: match[2]!,
      sql: await Deno.readTextFile(new URL(entry.name, dir)),
    });
  }
  list.sort((a, b) => a.version - b.version);
  // Numbers may leave gaps (teams reserve ranges), but never repeat.
  list.forEach((m, i) => {
    if (i > 0 && list[i - 1]!.version === m.version) {
      throw new Error(`Two migrations share the number ${m.version}`);
    }
  });
  return list;
}

/** The highest migration version applied to a database (0 for a new one). */
export async function schemaVersion(db: Client): Promise<number> {
  await db.execute(
    "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const rs = await db.execute("SELECT COALESCE(MAX(version), 0) AS v FROM _migrations");
  return Number(rs.rows[0]?.v ?? 0);
}

/** Applies every pending migration of `set`; returns how many ran. Safe to call concurrently. */
export async function migrate(db: Client, set: MigrationSet): Promise<number> {
  const migrations = await loadMigrations(set);
  const current = await schemaVersion(db);
  // The fast path also compares the count: a migration numbered below the newest one can land
  // after it (work merged out of order), and a database at the newest version must still get it.
  const count = Number(
    (await db.execute("SELECT COUNT(*) AS n FROM _migrations")).rows[0]?.n ?? 0,
  );
  if (current >= (migrations.at(-1)?.version ?? 0) && count >= migrations.length) return 0;
  const done = new Set(
    (await db.execute("SELECT version FROM _migrations")).rows.map((r) => Number(r.version)),
  );
  let applied = 0;
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    if (await withWriteLock(db, () => applyOne(db, set, m))) applied++;
  }
  return applied;
}

/** Applies one migration in its own write transaction unless another process already did. */
async function applyOne(db: Client, set: MigrationSet, m: Migration): Promise<boolean> {
  const tx = await db.transaction("write");
  try {
    // Re-check inside the write lock: another process may have applied it meanwhile.
    const already = await tx.execute({
      sql: "SELECT 1 FROM _migrations WHERE version = ?",
      args: [m.version],
    });
    if (already.rows.length === 0) {
      await tx.executeMultiple(m.sql);
      await tx.execute({
        sql: "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)",
        args: [m.version, m.name, new Date().toISOString()],
      });
    }
    await tx.commit();
    return already.rows.length === 0;
  } catch (err) {
    await tx.rollback().catch(() => {});
    throw new Error(`Migration ${set}/${m.version}_${m.name} failed: ${(err as Error).message}`);
  } finally {
    tx.close();
  }
}

/** The newest version of a set: what a fully migrated database reports. */
export async function latestVersion(set: MigrationSet): Promise<number> {
  return (await loadMigrations(set)).at(-1)?.version ?? 0;
}
