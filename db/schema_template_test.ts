import assert from "node:assert/strict";
import { join } from "node:path";
import { type Client, fileUrl, openDatabase } from "./client.ts";
import { DatabaseKeyError, isEncryptedDatabase, openEncryptedDatabase } from "./encrypted.ts";
import { migrate } from "./migrate.ts";
import { migrationsDigest, SchemaTemplate } from "./schema_template.ts";
import { withTempDir } from "../tests/helpers/temp_dir.ts";

const KEY = "ab".repeat(32);

/** The schema and every row of every table, `_migrations.applied_at` left out. */
async function contents(db: Client): Promise<unknown> {
  const schema = await db.execute(
    "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
  );
  const tables: Record<string, unknown[]> = {};
  for (const row of schema.rows) {
    if (row.type !== "table") continue;
    const name = String(row.name);
    const rs = await db.execute(`SELECT * FROM "${name}" ORDER BY rowid`).catch(() =>
      // A virtual table (FTS5) without a rowid order; its shadow tables are compared instead.
      db.execute(`SELECT * FROM "${name}"`)
    );
    tables[name] = rs.rows.map((r) => {
      const copy = { ...r } as Record<string, unknown>;
      if (name === "_migrations") delete copy.applied_at;
      return copy;
    });
  }
  return { schema: schema.rows.map((r) => ({ ...r })), tables };
}

async function files(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("a database copied from the template holds what migrating an empty one gives, encrypted under its key", () =>
  withTempDir(async (dir) => {
    const migrated = await openDatabase({ url: fileUrl(join(dir, "migrated.db")) });
    await migrate(migrated, "tenant");
    const template = new SchemaTemplate(join(dir, "templates"), "tenant");
    const target = join(dir, "copy.db");
    await template.copyTo(target, { key: KEY, appliedAt: "2031-05-06T07:08:09.000Z" });

    assert.ok(await isEncryptedDatabase(target), "the copy is encrypted");
    await assert.rejects(openEncryptedDatabase(target, "cd".repeat(32)), DatabaseKeyError);
    const copy = await openEncryptedDatabase(target, KEY);
    try {
      assert.deepEqual(await contents(copy), await contents(migrated));
      assert.equal((await copy.execute("PRAGMA journal_mode")).rows[0]?.journal_mode, "wal");
      const applied = await copy.execute("SELECT DISTINCT applied_at FROM _migrations");
      assert.deepEqual(applied.rows.map((r) => r.applied_at), ["2031-05-06T07:08:09.000Z"]);
      assert.equal(await migrate(copy, "tenant"), 0, "nothing is left to migrate");
      // It is a working database: a write and a read back.
      await copy.execute({
        sql: "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 'now')",
        args: [],
      });
      assert.equal(
        (await copy.execute("SELECT value FROM settings WHERE key = 'k'")).rows[0]?.value,
        "v",
      );
    } finally {
      copy.close();
      migrated.close();
    }
    // No temporary file is left beside it, and one template in its folder.
    assert.deepEqual((await files(dir)).filter((n) => n.includes(".tmp")), []);
    assert.deepEqual(await files(join(dir, "templates")), [
      `tenant-${await migrationsDigest("tenant")}.db`,
    ]);
  }));

Deno.test("a copy without a key is a plain database in WAL mode", () =>
  withTempDir(async (dir) => {
    const template = new SchemaTemplate(join(dir, "templates"), "tenant");
    const target = join(dir, "plain.db");
    await template.copyTo(target, { appliedAt: "2031-01-01T00:00:00.000Z" });
    assert.equal(await isEncryptedDatabase(target), false);
    const db = await openDatabase({ url: fileUrl(target) });
    try {
      assert.equal((await db.execute("PRAGMA journal_mode")).rows[0]?.journal_mode, "wal");
      assert.equal(await migrate(db, "tenant"), 0);
    } finally {
      db.close();
    }
  }));

Deno.test("the template never replaces a database that is already there", () =>
  withTempDir(async (dir) => {
    const template = new SchemaTemplate(join(dir, "templates"), "tenant");
    const target = join(dir, "taken.db");
    await Deno.writeTextFile(target, "a tenant's data");
    await assert.rejects(
      template.copyTo(target, { key: KEY, appliedAt: "2031-01-01T00:00:00.000Z" }),
      Deno.errors.AlreadyExists,
    );
    assert.equal(await Deno.readTextFile(target), "a tenant's data");
    assert.deepEqual(await files(dir), ["taken.db", "templates"], "no temporary file is left");
  }));

Deno.test("a template of other migrations is replaced, and one removed under a running process is built again", () =>
  withTempDir(async (dir) => {
    const folder = join(dir, "templates");
    await Deno.mkdir(folder);
    await Deno.writeTextFile(join(folder, "tenant-0123456789abcdef.db"), "an older build's");
    const template = new SchemaTemplate(folder, "tenant");
    const path = await template.path();
    assert.deepEqual(await files(folder), [`tenant-${await migrationsDigest("tenant")}.db`]);

    await Deno.remove(path); // another build's process cleaned the folder
    await template.copyTo(join(dir, "after.db"), { appliedAt: "2031-01-01T00:00:00.000Z" });
    const db = await openDatabase({ url: fileUrl(join(dir, "after.db")) });
    try {
      assert.equal(await migrate(db, "tenant"), 0);
    } finally {
      db.close();
    }
  }));

Deno.test("two processes' worth of templates for the same migrations share one file", () =>
  withTempDir(async (dir) => {
    const folder = join(dir, "templates");
    const [a, b] = await Promise.all([
      new SchemaTemplate(folder, "tenant").path(),
      new SchemaTemplate(folder, "tenant").path(),
    ]);
    assert.equal(a, b);
    assert.deepEqual(await files(folder), [`tenant-${await migrationsDigest("tenant")}.db`]);
  }));
