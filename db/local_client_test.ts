import assert from "node:assert/strict";
import { createClient, LibsqlBatchError, LibsqlError } from "@libsql/client";
import Database from "libsql";
import { createLocalClient, DEFAULT_STATEMENT_CACHE_SIZE, localPathOf } from "./local_client.ts";

async function tempDb() {
  const dir = await Deno.makeTempDir({ prefix: "pm-local-client-" });
  return { path: `${dir}/t.db`, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

Deno.test("localPathOf() opens plain file URLs only; the rest stay on @libsql/client", () => {
  assert.equal(localPathOf("file:/data/t.db"), "/data/t.db");
  assert.equal(localPathOf("file:rel/t.db"), "rel/t.db");
  assert.equal(localPathOf("file:/data/t.db?mode=ro"), null);
  assert.equal(localPathOf("file::memory:"), null);
  assert.equal(localPathOf("file://host/t.db"), null);
  assert.equal(localPathOf("libsql://db.turso.io"), null);
});

Deno.test("results match @libsql/client's: values, rows by name and position, JSON, errors", async () => {
  const db = await tempDb();
  const ours = createLocalClient({ path: db.path });
  const theirs = createClient({ url: `file:${db.path}`, concurrency: 1 });
  try {
    await ours.executeMultiple(
      "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL, b BLOB, s TEXT);" +
        "CREATE TABLE u (id TEXT PRIMARY KEY, t_id TEXT REFERENCES t(id), n INTEGER);",
    );
    await ours.execute({
      sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
      args: ["a", 1, 1.5, new Uint8Array([1, 2, 3]).buffer, null],
    });
    await ours.execute({
      sql: "INSERT INTO t VALUES (:id, :n, :x, NULL, $s)",
      args: { ":id": "b", n: true, x: 2, $s: "two" },
    });
    await ours.execute("INSERT INTO u VALUES ('u1', 'a', 7)");
    const queries = [
      { sql: "SELECT * FROM t ORDER BY id", args: [] },
      { sql: "SELECT t.id, u.id, u.n AS n FROM t JOIN u ON u.t_id = t.id", args: [] },
      { sql: "SELECT count(*), 1 AS \"0\", 'l' AS length FROM t", args: [] },
      { sql: "SELECT id FROM t WHERE n = ?", args: [1] },
      { sql: "UPDATE t SET n = n + 1 WHERE id = ?", args: ["b"] },
      { sql: "INSERT INTO t (id) VALUES ('c') RETURNING id, n", args: [] },
    ];
    for (const q of queries.slice(0, 4)) {
      const [a, b] = [await ours.execute(q), await theirs.execute(q)];
      assert.deepEqual(a.toJSON(), b.toJSON(), q.sql);
      assert.deepEqual(a.columnTypes, b.columnTypes, q.sql);
      for (let i = 0; i < a.rows.length; i++) {
        const [ra, rb] = [a.rows[i]!, b.rows[i]!];
        assert.deepEqual(Object.keys(ra), Object.keys(rb), q.sql);
        assert.deepEqual({ ...ra }, { ...rb }, q.sql);
        assert.equal(JSON.stringify(ra), JSON.stringify(rb), q.sql);
        assert.equal(ra.length, rb.length, q.sql);
        for (let j = 0; j < rb.length; j++) assert.deepEqual(ra[j], rb[j], `${q.sql} [${j}]`);
      }
    }
    const blob = (await ours.execute("SELECT b FROM t WHERE id = 'a'")).rows[0]!.b;
    assert.ok(blob instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(blob)], [1, 2, 3]);

    const update = await ours.execute(queries[4]!);
    assert.equal(update.rowsAffected, 1);
    const returning = await ours.execute(queries[5]!);
    assert.deepEqual(returning.rows.map((r) => [r.id, r.n]), [["c", null]]);

    const [ourErr, theirErr] = await Promise.all([
      ours.execute("INSERT INTO t (id) VALUES ('a')").catch((e) => e),
      theirs.execute("INSERT INTO t (id) VALUES ('a')").catch((e) => e),
    ]);
    assert.ok(ourErr instanceof LibsqlError);
    assert.equal(ourErr.message, theirErr.message);
    assert.equal(ourErr.code, "SQLITE_CONSTRAINT");
    assert.equal(ourErr.extendedCode, theirErr.extendedCode);
    assert.match(ourErr.message, /UNIQUE constraint failed: t\.id/);

    await ours.execute({ sql: "INSERT INTO t (id, n) VALUES (?, ?)", args: ["big", 2n ** 60n] });
    await assert.rejects(ours.execute("SELECT n FROM t WHERE id = 'big'"), RangeError);
    await assert.rejects(ours.execute({ sql: "SELECT ?", args: [undefined as never] }), TypeError);
  } finally {
    ours.close();
    theirs.close();
    await db.cleanup();
  }
});

Deno.test("a connection keeps a tenant's hot set of statements prepared (~70 on the mixed load)", async () => {
  assert.ok(DEFAULT_STATEMENT_CACHE_SIZE >= 72);
  const db = await tempDb();
  const client = createLocalClient({ path: db.path });
  const native = (Database as unknown as { prototype: { prepare(sql: string): unknown } })
    .prototype;
  const prepare = native.prepare;
  const prepared: string[] = [];
  native.prepare = function (this: unknown, sql: string) {
    prepared.push(sql);
    return prepare.call(this, sql);
  };
  try {
    await client.execute("CREATE TABLE t (n INTEGER)");
    const statements = Array.from(
      { length: DEFAULT_STATEMENT_CACHE_SIZE },
      (_, i) => `SELECT n + ${i} AS m FROM t`,
    );
    for (const sql of statements) await client.execute(sql);
    prepared.length = 0;
    for (const sql of statements) await client.execute(sql); // all kept: none prepared again
    assert.deepEqual(prepared, []);
    await client.execute("SELECT 'one more' FROM t"); // the least recently used goes
    await client.execute(statements[0]!);
    await client.execute(statements[2]!); // still kept
    assert.deepEqual(prepared, ["SELECT 'one more' FROM t", statements[0]!]);
  } finally {
    native.prepare = prepare;
    client.close();
    await db.cleanup();
  }
});

Deno.test("rows of the same column list share one prototype across connections (one per process, not per tenant)", async () => {
  const [a, b] = [await tempDb(), await tempDb()];
  const clients = [createLocalClient({ path: a.path }), createLocalClient({ path: b.path })];
  try {
    const rows = [];
    for (const client of clients) {
      await client.execute("CREATE TABLE t (id TEXT, n INTEGER)");
      await client.execute("INSERT INTO t VALUES ('x', 1)");
      rows.push((await client.execute("SELECT id, n FROM t")).rows[0]!);
    }
    const [first, second] = rows;
    assert.equal(Object.getPrototypeOf(first), Object.getPrototypeOf(second));
    assert.deepEqual([first!.id, first![1], first!.length], ["x", 1, 2]);
    const other = (await clients[0]!.execute("SELECT n, id FROM t")).rows[0]!;
    assert.notEqual(Object.getPrototypeOf(other), Object.getPrototypeOf(first));
    assert.deepEqual([other[0], other[1], Object.keys(other)], [1, "x", ["n", "id"]]);
  } finally {
    for (const client of clients) client.close();
    await a.cleanup();
    await b.cleanup();
  }
});

Deno.test("a kept statement runs again after it failed, with new arguments", async () => {
  const db = await tempDb();
  const client = createLocalClient({ path: db.path });
  try {
    await client.execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER CHECK (n < 10))");
    const insert = "INSERT INTO t VALUES (?, ?)";
    await client.execute({ sql: insert, args: ["a", 1] });
    await assert.rejects(client.execute({ sql: insert, args: ["a", 2] }), /UNIQUE/);
    await assert.rejects(client.execute({ sql: insert, args: ["b", 11] }), /CHECK/);
    await client.execute({ sql: insert, args: ["b", 2] });
    const select = "SELECT id FROM t WHERE n >= ? ORDER BY id";
    assert.deepEqual((await client.execute({ sql: select, args: [1] })).rows.map((r) => r.id), [
      "a",
      "b",
    ]);
    assert.deepEqual((await client.execute({ sql: select, args: [2] })).rows.map((r) => r.id), [
      "b",
    ]);
  } finally {
    client.close();
    await db.cleanup();
  }
});

Deno.test("a kept SELECT * sees columns added on this connection and on another", async () => {
  const db = await tempDb();
  const client = createLocalClient({ path: db.path });
  const other = createLocalClient({ path: db.path });
  try {
    await client.execute("CREATE TABLE t (id TEXT)");
    await client.execute("INSERT INTO t VALUES ('a')");
    assert.deepEqual(Object.keys((await client.execute("SELECT * FROM t")).rows[0]!), ["id"]);
    await client.execute("ALTER TABLE t ADD COLUMN n INTEGER DEFAULT 3");
    assert.deepEqual({ ...(await client.execute("SELECT * FROM t")).rows[0]! }, { id: "a", n: 3 });
    await other.execute("ALTER TABLE t ADD COLUMN s TEXT DEFAULT 'x'");
    const row = (await client.execute("SELECT * FROM t")).rows[0]!;
    assert.deepEqual({ ...row }, { id: "a", n: 3, s: "x" });
    assert.equal(row[2], "x");
  } finally {
    client.close();
    other.close();
    await db.cleanup();
  }
});

Deno.test("an open transaction holds the connection: statements and other transactions wait", async () => {
  const db = await tempDb();
  const client = createLocalClient({ path: db.path });
  try {
    await client.execute("CREATE TABLE t (n INTEGER)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t VALUES (1)");
    const order: string[] = [];
    const read = client.execute("SELECT count(*) AS c FROM t").then((r) => {
      order.push(`read ${r.rows[0]!.c}`);
    });
    const second = client.transaction("write").then(async (tx2) => {
      order.push("second began");
      await tx2.execute("INSERT INTO t VALUES (2)");
      await tx2.commit();
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(order.length, 0, "nothing ran while the first transaction was open");
    order.push("first commits");
    await tx.commit();
    await Promise.all([read, second]);
    assert.deepEqual(order, ["first commits", "read 1", "second began"]);
    assert.equal((await client.execute("SELECT count(*) AS c FROM t")).rows[0]!.c, 2);
    assert.equal(tx.closed, true);
    await assert.rejects(tx.execute("SELECT 1"), /TRANSACTION_CLOSED/);
  } finally {
    client.close();
    await db.cleanup();
  }
});

Deno.test("a batch is all or nothing and names the statement that failed", async () => {
  const db = await tempDb();
  const client = createLocalClient({ path: db.path });
  try {
    await client.execute("CREATE TABLE t (id TEXT PRIMARY KEY)");
    const err = await client.batch([
      "INSERT INTO t VALUES ('a')",
      ["INSERT INTO t VALUES (?)", ["b"]],
      "INSERT INTO t VALUES ('a')",
    ], "write").catch((e) => e);
    assert.ok(err instanceof LibsqlBatchError);
    assert.equal(err.statementIndex, 2);
    assert.equal(err.code, "SQLITE_CONSTRAINT");
    assert.equal((await client.execute("SELECT count(*) AS c FROM t")).rows[0]!.c, 0);
    // A transaction begun by a plain statement is not left open for the next caller.
    await client.execute("BEGIN");
    await client.execute("INSERT INTO t VALUES ('z')");
    assert.equal((await client.execute("SELECT count(*) AS c FROM t")).rows[0]!.c, 1);
  } finally {
    client.close();
    await db.cleanup();
  }
});

Deno.test("a closed client refuses statements, and waiting ones, with CLIENT_CLOSED", async () => {
  const db = await tempDb();
  const client = createLocalClient({ path: db.path });
  const tx = await client.transaction("write");
  const waiting = client.execute("SELECT 1").catch((e) => e);
  client.close();
  const err = await waiting;
  assert.ok(err instanceof LibsqlError);
  assert.equal(err.code, "CLIENT_CLOSED");
  assert.equal(tx.closed, true);
  await assert.rejects(client.execute("SELECT 1"), /CLIENT_CLOSED/);
  await db.cleanup();
});

Deno.test("a wrong key or a file that is not a database fails with SQLITE_NOTADB on first read", async () => {
  const db = await tempDb();
  const sealed = createLocalClient({ path: db.path, encryptionKey: "k".repeat(32) });
  await sealed.execute("CREATE TABLE t (n INTEGER)");
  sealed.close();
  const read = "SELECT count(*) FROM sqlite_master";
  const wrongKey = createLocalClient({ path: db.path, encryptionKey: "w".repeat(32) });
  await assert.rejects(wrongKey.execute(read), (e: LibsqlError) => e.code === "SQLITE_NOTADB");
  wrongKey.close();
  await Deno.writeTextFile(`${db.path}.txt`, "not a database at all, just some text ".repeat(200));
  const text = createLocalClient({ path: `${db.path}.txt` });
  await assert.rejects(text.execute(read), (e: LibsqlError) => e.code === "SQLITE_NOTADB");
  text.close();
  const rightKey = createLocalClient({ path: db.path, encryptionKey: "k".repeat(32) });
  assert.equal((await rightKey.execute(read)).rows[0]![0], 1);
  rightKey.close();
  await db.cleanup();
});

Deno.test("the same statement on two databases shares one set of column names and types", async () => {
  const [a, b] = [await tempDb(), await tempDb()];
  const first = createLocalClient({ path: a.path });
  const second = createLocalClient({ path: b.path });
  try {
    const schema = "CREATE TABLE loads (id TEXT PRIMARY KEY, weight REAL, cases INTEGER)";
    await first.execute(schema);
    await second.execute(schema);
    await first.execute("INSERT INTO loads VALUES ('a', 1.5, 2)");
    await second.execute("INSERT INTO loads VALUES ('b', 3.5, 4)");
    const sql = "SELECT id, weight, cases FROM loads";
    const [one, other] = [await first.execute(sql), await second.execute(sql)];
    assert.deepEqual(one.columns, ["id", "weight", "cases"]);
    assert.deepEqual(one.columnTypes, ["TEXT", "REAL", "INTEGER"]);
    // One copy for the process, however many tenants' connections keep the statement.
    assert.equal(other.columns, one.columns);
    assert.equal(other.columnTypes, one.columnTypes);
    assert.deepEqual({ ...other.rows[0] }, { id: "b", weight: 3.5, cases: 4 });
    // A different declared type is a different shape, with its own types.
    await second.execute("CREATE TABLE loads2 (id TEXT, weight TEXT, cases INTEGER)");
    const typed = await second.execute("SELECT id, weight, cases FROM loads2");
    assert.deepEqual(typed.columnTypes, ["TEXT", "TEXT", "INTEGER"]);
    assert.deepEqual(one.columnTypes, ["TEXT", "REAL", "INTEGER"]);
  } finally {
    first.close();
    second.close();
    await a.cleanup();
    await b.cleanup();
  }
});
