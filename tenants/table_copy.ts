/**
 * @module tenants/table_copy
 * Copies every table of one SQLite database into another over any libSQL client, resumably: what
 * `deno task control:move-to-turso` (tenants/control_move.ts) and `deno task tenants:move-to-turso`
 * (tenants/tenant_move.ts) share. Tables come from the source's `sqlite_master`, parents before the
 * tables that reference them (foreign keys stay on).
 *
 * Resumable and never duplicating: rows go over in chunks, in rowid order (primary-key order for a
 * WITHOUT ROWID table), each chunk as one write batch of `INSERT OR IGNORE` together with the
 * progress marker (the caller's progress table) that records the last row copied, so an
 * interrupted run (a lost connection, Ctrl-C, a killed machine) continues after the last committed
 * chunk, and a chunk sent twice inserts nothing twice. Tables without a declared primary key carry
 * their rowid over, so they too are deduplicated; a table the migrations do not create is created
 * as it is in the source. A virtual table (the tenants' FTS5 `search_index`) is copied through its
 * own interface, which rebuilds its index, and its shadow tables are left to it. The caller compares
 * the counts this returns and only then marks the copy finished (`markCopyFinished`).
 */
import type { Client, InStatement } from "../db/client.ts";
import type { InValue } from "@libsql/client";
import { migrate, type MigrationSet } from "../db/migrate.ts";
import { openDatabase } from "../db/client.ts";

export interface CopyOptions {
  /** The target's table recording progress per table and, at the end, completion (`*`). */
  progressTable: string;
  /** What the target is called in errors, e.g. "The control database on Turso". */
  targetName: string;
  /** Most rows per batch (fewer when they are large: about 1 MB per request at most). */
  chunkRows?: number;
  /** Progress lines for the operator. */
  say?: (line: string) => void;
  /**
   * The migrations both sides were brought to. Rows those migrations insert themselves (the
   * operators' default alert rules) are in a new target already: they are not data of another
   * installation, and the first copy replaces them with the source's (which may have been edited).
   */
  migrations?: MigrationSet;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  /** True when an earlier, interrupted run had already copied part of it. */
  resumed: boolean;
  /** True when an earlier run was marked finished: nothing was copied, the counts were read. */
  finishedBefore: boolean;
  tables: TableCount[];
}

interface TablePlan {
  name: string;
  /** The source's CREATE TABLE, for a table the migrations do not make (created as it is). */
  sql: string;
  columns: string[];
  /** Rowid order with a cursor; WITHOUT ROWID tables go in primary-key order with an offset. */
  withoutRowid: boolean;
  primaryKey: string[];
  /** No declared primary key: the rowid is copied too, so a second insert is ignored. */
  copyRowid: boolean;
}

const MAX_CHUNK_BYTES = 1_000_000;
const ALL = "*";

/**
 * Copies every table of `source` into `target` (both already migrated), continuing an interrupted
 * copy; refuses a first copy into a target that holds rows. Returns both sides' counts.
 */
export async function copyTables(
  source: Client,
  target: Client,
  options: CopyOptions,
): Promise<CopyReport> {
  const say = options.say ?? (() => {});
  const chunkRows = options.chunkRows ?? 200;
  const progressTable = quote(options.progressTable);
  await target.execute(
    `CREATE TABLE IF NOT EXISTS ${progressTable} (table_name TEXT PRIMARY KEY,
      last_key INTEGER NOT NULL DEFAULT 0, copied INTEGER NOT NULL DEFAULT 0, finished_at TEXT)`,
  );
  const plans = await planTables(source, options.progressTable);
  const progress = await target.execute(`SELECT table_name, finished_at FROM ${progressTable}`);
  const resumed = progress.rows.length > 0;
  const finishedBefore = progress.rows.some((r) => r.table_name === ALL && r.finished_at !== null);
  if (!resumed) {
    const seeded = options.migrations ? await seededCounts(options.migrations) : new Map();
    await assertTargetEmpty(target, plans, options.targetName, seeded);
    for (const [table, n] of seeded) {
      if (n > 0 && plans.some((p) => p.name === table)) {
        await target.execute(`DELETE FROM ${quote(table)}`);
      }
    }
  }
  if (!finishedBefore) {
    for (const plan of plans) await copyTable(source, target, plan, chunkRows, progressTable, say);
  }
  const tables: TableCount[] = [];
  for (const p of plans) {
    tables.push({
      table: p.name,
      source: await count(source, p.name),
      target: await count(target, p.name),
    });
  }
  return { resumed, finishedBefore, tables };
}

/** Records that the copy into `target` is complete (after the caller compared the counts). */
export async function markCopyFinished(target: Client, progressTable: string): Promise<void> {
  await target.execute({
    sql: `INSERT INTO ${quote(progressTable)} (table_name, finished_at) VALUES (?, ?)
          ON CONFLICT (table_name) DO UPDATE SET finished_at = excluded.finished_at`,
    args: [ALL, new Date().toISOString()],
  });
}

/** Whether `target` holds a copy marked finished in `progressTable`. */
export async function isCopyFinished(target: Client, progressTable: string): Promise<boolean> {
  const table = await target.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [progressTable],
  });
  if (table.rows.length === 0) return false;
  const done = await target.execute(
    `SELECT 1 FROM ${quote(progressTable)} WHERE table_name = '*' AND finished_at IS NOT NULL`,
  );
  return done.rows.length > 0;
}

/** The row count of one table. */
export async function count(db: Client, table: string): Promise<number> {
  const rs = await db.execute(`SELECT COUNT(*) AS n FROM ${quote(table)}`);
  return Number(rs.rows[0]?.n ?? 0);
}

/** Every table of the source with its columns, referenced tables before referencing ones. */
async function planTables(db: Client, progressTable: string): Promise<TablePlan[]> {
  const rs = await db.execute(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
       AND name <> ? ORDER BY name`,
    [progressTable],
  );
  // A virtual table's shadow tables (FTS5's _data, _idx, ...) are written by the table itself.
  const shadow = new Set(
    (await db.execute("PRAGMA main.table_list")).rows
      .filter((r) => r.type === "shadow").map((r) => String(r.name)),
  );
  const plans = new Map<string, TablePlan>();
  const parents = new Map<string, Set<string>>();
  for (const row of rs.rows) {
    const name = String(row.name);
    if (shadow.has(name)) continue;
    const info = await db.execute(`PRAGMA table_xinfo(${quote(name)})`);
    // Hidden and generated columns (hidden > 0) are not inserted.
    const visible = info.rows.filter((c) => Number(c.hidden) === 0);
    const primaryKey = visible.filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => String(c.name));
    const withoutRowid = /\bWITHOUT\s+ROWID\b/i.test(String(row.sql));
    plans.set(name, {
      name,
      sql: String(row.sql),
      columns: visible.map((c) => String(c.name)),
      withoutRowid,
      primaryKey,
      copyRowid: !withoutRowid && primaryKey.length === 0,
    });
    const fks = await db.execute(`PRAGMA foreign_key_list(${quote(name)})`);
    parents.set(name, new Set(fks.rows.map((f) => String(f.table)).filter((t) => t !== name)));
  }
  // Parents first; a cycle between tables cannot be ordered with foreign keys on.
  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  while (ordered.length < plans.size) {
    const ready = [...plans.values()].filter((p) =>
      !placed.has(p.name) &&
      [...parents.get(p.name)!].every((parent) => placed.has(parent) || !plans.has(parent))
    );
    if (ready.length === 0) {
      const left = [...plans.keys()].filter((n) => !placed.has(n));
      throw new Error(`Tables reference each other in a cycle: ${left.join(", ")}.`);
    }
    for (const p of ready) (ordered.push(p), placed.add(p.name));
  }
  return ordered;
}

/** Rows per table that the migrations themselves insert, in a fresh database. */
async function seededCounts(set: MigrationSet): Promise<Map<string, number>> {
  const fresh = await openDatabase({ url: ":memory:" });
  try {
    await migrate(fresh, set);
    const rs = await fresh.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
    const out = new Map<string, number>();
    for (const r of rs.rows) {
      const name = String(r.name);
      if (name === "_migrations") continue;
      const n = await count(fresh, name);
      if (n > 0) out.set(name, n);
    }
    return out;
  } finally {
    fresh.close();
  }
}

async function assertTargetEmpty(
  target: Client,
  plans: TablePlan[],
  targetName: string,
  seeded: Map<string, number>,
): Promise<void> {
  const busy: string[] = [];
  const rs = await target.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
  const present = new Set(rs.rows.map((r) => String(r.name)));
  for (const p of plans) {
    if (p.name === "_migrations" || !present.has(p.name)) continue;
    const n = await count(target, p.name);
    // Exactly the migrations' own rows: a new database, not another installation's data.
    if (n > 0 && n !== seeded.get(p.name)) busy.push(`${p.name} (${n} rows)`);
  }
  if (busy.length > 0) {
    throw new Error(
      `${targetName} already holds data: ${busy.join(", ")}. The move copies ` +
        "into an empty one; it never merges two installations.",
    );
  }
}

async function copyTable(
  source: Client,
  target: Client,
  plan: TablePlan,
  chunkRows: number,
  progressTable: string,
  say: (line: string) => void,
): Promise<void> {
  const exists = await target.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [plan.name],
  });
  if (exists.rows.length === 0) await target.execute(plan.sql);
  await target.execute({
    sql: `INSERT OR IGNORE INTO ${progressTable} (table_name) VALUES (?)`,
    args: [plan.name],
  });
  const mark = await target.execute({
    sql: `SELECT last_key, copied, finished_at FROM ${progressTable} WHERE table_name = ?`,
    args: [plan.name],
  });
  const row = mark.rows[0]!;
  if (row.finished_at !== null) return;
  let lastKey = Number(row.last_key);
  let copied = Number(row.copied);
  const columns = [...(plan.copyRowid ? ["rowid"] : []), ...plan.columns];
  const insert = `INSERT OR IGNORE INTO ${quote(plan.name)} (${columns.map(quote).join(", ")})
    VALUES (${columns.map(() => "?").join(", ")})`;
  const select = plan.withoutRowid
    ? `SELECT ${plan.columns.map(quote).join(", ")} FROM ${quote(plan.name)}
       ORDER BY ${plan.primaryKey.map(quote).join(", ")} LIMIT ? OFFSET ?`
    : `SELECT rowid AS "__move_key", ${plan.columns.map(quote).join(", ")} FROM ${quote(plan.name)}
       WHERE rowid > ? ORDER BY rowid LIMIT ?`;
  for (;;) {
    const rs = await source.execute({
      sql: select,
      args: plan.withoutRowid ? [chunkRows, lastKey] : [lastKey, chunkRows],
    });
    if (rs.rows.length === 0) break;
    const statements: InStatement[] = [];
    let bytes = 0;
    for (const r of rs.rows) {
      const values = plan.columns.map((c) => r[c] as InValue);
      const args = plan.copyRowid ? [r.__move_key as InValue, ...values] : values;
      bytes += sizeOf(args);
      if (statements.length > 0 && bytes > MAX_CHUNK_BYTES) break;
      statements.push({ sql: insert, args });
      lastKey = plan.withoutRowid ? lastKey + 1 : Number(r.__move_key);
    }
    copied += statements.length;
    statements.push({
      sql: `UPDATE ${progressTable} SET last_key = ?, copied = ? WHERE table_name = ?`,
      args: [lastKey, copied, plan.name],
    });
    // The rows and the marker commit together: a rerun starts after the last committed chunk.
    await target.batch(statements, "write");
  }
  await target.execute({
    sql: `UPDATE ${progressTable} SET finished_at = ? WHERE table_name = ?`,
    args: [new Date().toISOString(), plan.name],
  });
  say(`${plan.name}: ${copied} rows`);
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function sizeOf(values: InValue[]): number {
  let n = 16;
  for (const v of values) {
    if (typeof v === "string") n += v.length;
    else if (v instanceof Uint8Array) n += v.byteLength * 1.4;
    else if (v instanceof ArrayBuffer) n += v.byteLength * 1.4;
    else n += 24;
  }
  return n;
}
