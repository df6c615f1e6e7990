/**
 * @module ops/schema_compat
 * Migrations are expand-only for one release, so a rollback runs the previous release's code on
 * the new schema (docs/operations/releases.md). The guard: at each release the schema that a
 * fresh migration produces is written to `ops/schema_snapshots/<release>.json`
 * (`deno task schema:snapshot <release>`); a test migrates fresh databases with today's
 * migrations and checks against the newest snapshot that every table and column the previous
 * code may read is still there, and that no column it does not know about must be given on insert
 * (NOT NULL without a default). A contraction (dropping what no release since reads) is done by
 * writing a new snapshot at the release that stopped using it.
 */
import { openDatabase } from "../db/client.ts";
import { migrate, type MigrationSet } from "../db/migrate.ts";

/** Per table, its columns: name, and whether an insert must give it. */
export type SchemaShape = Record<string, Record<string, { required: boolean }>>;

/** The shape of a fresh database of `set` after every migration of this code. */
export async function currentShape(set: MigrationSet): Promise<SchemaShape> {
  const db = await openDatabase({ url: ":memory:" });
  try {
    await migrate(db, set);
    const tables = await db.execute(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         AND name NOT LIKE '%_fts%' ORDER BY name`,
    );
    const shape: SchemaShape = {};
    for (const t of tables.rows) {
      const name = String(t.name);
      const cols = await db.execute(`PRAGMA table_info("${name.replaceAll('"', '""')}")`);
      shape[name] = Object.fromEntries(cols.rows.map((c) => [
        String(c.name),
        { required: Number(c.notnull) === 1 && c.dflt_value === null && Number(c.pk) === 0 },
      ]));
    }
    return shape;
  } finally {
    db.close();
  }
}

/** What in `now` would break code written for `before`; empty when compatible. */
export function incompatibilities(before: SchemaShape, now: SchemaShape): string[] {
  const problems: string[] = [];
  for (const [table, columns] of Object.entries(before)) {
    const current = now[table];
    if (!current) {
      problems.push(`table ${table} is gone`);
      continue;
    }
    for (const column of Object.keys(columns)) {
      if (!current[column]) problems.push(`column ${table}.${column} is gone`);
    }
    for (const [column, c] of Object.entries(current)) {
      if (!columns[column] && c.required) {
        problems.push(`new column ${table}.${column} is NOT NULL without a default`);
      }
    }
  }
  return problems;
}

if (import.meta.main) {
  const release = Deno.args[0];
  if (!release) {
    console.error("usage: deno task schema:snapshot <release>");
    Deno.exit(2);
  }
  const snapshot = { control: await currentShape("control"), tenant: await currentShape("tenant") };
  const path = new URL(`./schema_snapshots/${release}.json`, import.meta.url);
  await Deno.writeTextFile(path, JSON.stringify(snapshot, null, 2) + "\n");
  console.log(`wrote ${path.pathname}`);
}
