/**
 * @module tenants/control_move
 * Copies an installation's local control database into its control database on Turso
 * (`deno task control:move-to-turso`), table by table, generically: every table of the source's
 * `sqlite_master`, parents before the tables that reference them (foreign keys stay on).
 *
 * Resumable and never duplicating: rows go over in chunks, in rowid order (primary-key order for a
 * WITHOUT ROWID table), each chunk as one write batch of `INSERT OR IGNORE` together with the
 * progress marker (`_control_move`) that records the last row copied, so an interrupted run
 * (a lost connection, Ctrl-C, a killed machine) continues after the last committed chunk, and a
 * chunk sent twice inserts nothing twice. Tables without a declared primary key carry their rowid
 * over, so they too are deduplicated; a table the migrations do not create is created as it is in
 * the source. At the end the row count of every table is compared and any
 * difference fails the command, naming the tables; only then is the move marked finished, which
 * is what lets the app open the Turso control database while a local control.db is still around
 * (tenants/control_database.ts).
 */
import type { Client, InStatement } from "../db/client.ts";
import type { InValue } from "@libsql/client";
import { migrate } from "../db/migrate.ts";
import { MOVE_PROGRESS_TABLE } from "./control_database.ts";

export interface MoveOptions {
  /** Most rows per batch (fewer when they are large: about 1 MB per request at most). */
  chunkRows?: number;
  /** Progress lines for the operator. */
  say?: (line: string) => void;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface MoveReport {
  /** True when an earlier, interrupted run had already copied part of it. */
  resumed: boolean;
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

/** Copies every table of `source` into `target` (migrated first); resumable; verifies counts. */
export async function moveControlDatabase(
  source: Client,
  target: Client,
  options: MoveOptions = {},
): Promise<MoveReport> {
  const say = options.say ?? (() => {});
  const chunkRows = options.chunkRows ?? 200;
  await migrate(source, "control");
  await migrate(target, "control");
  await target.execute(
    `CREATE TABLE IF NOT EXISTS ${MOVE_PROGRESS_TABLE} (table_name TEXT PRIMARY KEY,
      last_key INTEGER NOT NULL DEFAULT 0, copied INTEGER NOT NULL DEFAULT 0, finished_at TEXT)`,
  );
  const plans = await planTables(source);
  const progress = await target.execute(
    `SELECT table_name, finished_at FROM ${MOVE_PROGRESS_TABLE}`,
  );
  const resumed = progress.rows.length > 0;
  const finished = progress.rows.some((r) => r.table_name === ALL && r.finished_at !== null);
  if (!resumed) await assertTargetEmpty(target, plans);
  if (finished) {
    say("The move was finished before: checking the row counts again.");
  } else {
    for (const plan of plans) await copyTable(source, target, plan, chunkRows, say);
  }
  const tables = await compareCounts(source, target, plans);
  const wrong = tables.filter((t) => t.source !== t.target);
  if (wrong.length > 0) {
    throw new Error(
      "Row counts differ between the local control database and Turso: " +
        wrong.map((t) => `${t.table} (local ${t.source}, Turso ${t.target})`).join(", ") +
        ". The move is not finished; the app keeps refusing the Turso control database.",
    );
  }
  await target.execute({
    sql: `INSERT INTO ${MOVE_PROGRESS_TABLE} (table_name, finished_at) VALUES (?, ?)
          ON CONFLICT (table_name) DO UPDATE SET finished_at = excluded.finished_at`,
    args: [ALL, new Date().toISOString()],
  });
  return { resumed, tables };
}

/** Every table of the source with its columns, referenced tables before referencing ones. */
async function planTables(db: Client): Promise<TablePlan[]> {
  const rs = await db.execute(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
       AND name <> ? ORDER BY name`,
    [MOVE_PROGRESS_TABLE],
  );
  const plans = new Map<string, TablePlan>();
  const parents = new Map<string, Set<string>>();
  for (const row of rs.rows) {
    const name = String(row.name);
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

async function assertTargetEmpty(target: Client, plans: TablePlan[]): Promise<void> {
  const busy: string[] = [];
  const rs = await target.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
  const present = new Set(rs.rows.map((r) => String(r.name)));
  for (const p of plans) {
    if (p.name === "_migrations" || !present.has(p.name)) continue;
    const n = await count(target, p.name);
    if (n > 0) busy.push(`${p.name} (${n} rows)`);
  }
  if (busy.length > 0) {
    throw new Error(
      `The control database on Turso already holds data: ${busy.join(", ")}. The move copies ` +
        "into an empty one; it never merges two installations.",
    );
  }
}

async function copyTable(
  source: Client,
  target: Client,
  plan: TablePlan,
  chunkRows: number,
  say: (line: string) => void,
): Promise<void> {
  const exists = await target.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [plan.name],
  });
  if (exists.rows.length === 0) await target.execute(plan.sql);
  await target.execute({
    sql: `INSERT OR IGNORE INTO ${MOVE_PROGRESS_TABLE} (table_name) VALUES (?)`,
    args: [plan.name],
  });
  const mark = await target.execute({
    sql: `SELECT last_key, copied, finished_at FROM ${MOVE_PROGRESS_TABLE} WHERE table_name = ?`,
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
      sql: `UPDATE ${MOVE_PROGRESS_TABLE} SET last_key = ?, copied = ? WHERE table_name = ?`,
      args: [lastKey, copied, plan.name],
    });
    // The rows and the marker commit together: a rerun starts after the last committed chunk.
    await target.batch(statements, "write");
  }
  await target.execute({
    sql: `UPDATE ${MOVE_PROGRESS_TABLE} SET finished_at = ? WHERE table_name = ?`,
    args: [new Date().toISOString(), plan.name],
  });
  say(`${plan.name}: ${copied} rows`);
}

async function compareCounts(
  source: Client,
  target: Client,
  plans: TablePlan[],
): Promise<TableCount[]> {
  const out: TableCount[] = [];
  for (const p of plans) {
    out.push({
      table: p.name,
      source: await count(source, p.name),
      target: await count(target, p.name),
    });
  }
  return out;
}

async function count(db: Client, table: string): Promise<number> {
  const rs = await db.execute(`SELECT COUNT(*) AS n FROM ${quote(table)}`);
  return Number(rs.rows[0]?.n ?? 0);
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
