import assert from "node:assert/strict";
import { fileUrl, openDatabase } from "./client.ts";
import {
  DatabaseKeyError,
  isEncryptedDatabase,
  isPlainDatabase,
  openEncryptedDatabase,
  reencryptDatabase,
} from "./encrypted.ts";
import { withWriteLock } from "./write_lock.ts";
import { withTempDir } from "../tests/helpers/temp_dir.ts";

const MARK = "Quokka-Brisket-7731";
const KEY = "ab".repeat(32);
const OTHER = "cd".repeat(32);

/** Every file of the database (file, WAL, index) and whether any holds `text` in clear. */
async function plaintextIn(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const bytes = await Deno.readFile(`${dir}/${e.name}`);
    if (new TextDecoder("latin1").decode(bytes).includes(text)) found.push(e.name);
  }
  return found;
}

Deno.test("an encrypted database keeps WAL mode and holds no plaintext in its file, WAL or index", () =>
  withTempDir(async (dir) => {
    const db = await openEncryptedDatabase(`${dir}/t.db`, KEY);
    await db.execute("CREATE TABLE t (x TEXT)");
    for (let i = 0; i < 20; i++) {
      await db.execute({ sql: "INSERT INTO t VALUES (?)", args: [MARK] });
    }
    assert.equal((await db.execute("PRAGMA journal_mode")).rows[0]?.journal_mode, "wal");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["t.db", "t.db-shm", "t.db-wal"], "the WAL holds the writes");
    assert.deepEqual(await plaintextIn(dir, MARK), []);
    assert.deepEqual(await plaintextIn(dir, "CREATE TABLE"), [], "not even the schema");
    db.close();
    assert.deepEqual(await plaintextIn(dir, MARK), []);
    assert.ok(await isEncryptedDatabase(`${dir}/t.db`));
  }));

Deno.test("a wrong or missing key fails to open the database with a clear error", () =>
  withTempDir(async (dir) => {
    const db = await openEncryptedDatabase(`${dir}/t.db`, KEY);
    await db.execute("CREATE TABLE t (x TEXT)");
    db.close();
    await assert.rejects(
      () => openEncryptedDatabase(`${dir}/t.db`, OTHER),
      (err: unknown) =>
        err instanceof DatabaseKeyError && /does not open with the key given/.test(err.message),
    );
    await assert.rejects(() => openDatabase({ url: fileUrl(`${dir}/t.db`) }), /SQLITE_NOTADB/);
    const again = await openEncryptedDatabase(`${dir}/t.db`, KEY);
    assert.equal((await again.execute("SELECT count(*) AS n FROM t")).rows[0]?.n, 0);
    again.close();
  }));

Deno.test("a plain database from before encryption is encrypted on open with every row kept", () =>
  withTempDir(async (dir) => {
    const plain = await openDatabase({ url: fileUrl(`${dir}/old.db`) });
    await plain.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)");
    for (let i = 0; i < 500; i++) {
      await plain.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [`${MARK} ${i}`] });
    }
    plain.close();
    assert.ok(await isPlainDatabase(`${dir}/old.db`));
    const told: string[] = [];
    const db = await openEncryptedDatabase(`${dir}/old.db`, KEY, (p) => told.push(p));
    assert.deepEqual(told, [`${dir}/old.db`]);
    const rs = await db.execute("SELECT count(*) AS n, max(x) AS last FROM t");
    assert.equal(rs.rows[0]?.n, 500);
    assert.equal(rs.rows[0]?.last, `${MARK} 99`);
    db.close();
    assert.deepEqual(await plaintextIn(dir, MARK), []);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".tmp")),
      [],
      "no copy left behind",
    );
  }));

Deno.test("reencryptDatabase() moves an open handle to a new key: data kept, old key refused", () =>
  withTempDir(async (dir) => {
    const path = `${dir}/t.db`;
    const db = await openEncryptedDatabase(path, KEY);
    await db.execute("CREATE TABLE t (x TEXT)");
    await db.execute({ sql: "INSERT INTO t VALUES (?)", args: [MARK] });
    // A write queued behind the rotation lands in the new file, through the same handle.
    const rotation = withWriteLock(db, () => reencryptDatabase(db, path, OTHER));
    const queued = db.execute({ sql: "INSERT INTO t VALUES (?)", args: ["after"] });
    await rotation;
    await queued;
    const rows = (await db.execute("SELECT x FROM t ORDER BY rowid")).rows.map((r) => r.x);
    assert.deepEqual(rows, [MARK, "after"]);
    db.close();
    await assert.rejects(() => openEncryptedDatabase(path, KEY), DatabaseKeyError);
    const fresh = await openEncryptedDatabase(path, OTHER);
    assert.deepEqual((await fresh.execute("SELECT x FROM t ORDER BY rowid")).rows.map((r) => r.x), [
      MARK,
      "after",
    ]);
    fresh.close();
    assert.deepEqual(await plaintextIn(dir, MARK), []);
  }));
