import assert from "node:assert/strict";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { startHranaServer } from "./hrana_server.ts";

async function withServer(
  run: (server: ReturnType<typeof startHranaServer>, client: Client, dir: string) => Promise<void>,
  options: { idleStreamMs?: number } = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "pm-hrana-" });
  const server = startHranaServer({ path: join(dir, "db.sqlite"), authToken: "t0ken", ...options });
  const client = createClient({ url: server.url, authToken: "t0ken" });
  try {
    await run(server, client, dir);
  } finally {
    client.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("hrana stand-in executes statements with typed values through @libsql/client", async () => {
  await withServer(async (_server, client) => {
    await client.execute(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, price REAL, data BLOB)",
    );
    const inserted = await client.execute({
      sql: "INSERT INTO t (name, price, data) VALUES (?, ?, ?) RETURNING id",
      args: ["brisket", 12.5, new Uint8Array([0, 1, 255])],
    });
    assert.equal(inserted.rowsAffected, 1);
    assert.equal(inserted.rows[0]?.id, 1);
    assert.equal(inserted.lastInsertRowid, 1n);
    await client.execute({ sql: "INSERT INTO t (name) VALUES (:name)", args: { name: "ribeye" } });
    const rs = await client.execute("SELECT id, name, price, data FROM t ORDER BY id");
    assert.deepEqual(rs.columns, ["id", "name", "price", "data"]);
    assert.deepEqual(rs.columnTypes, ["INTEGER", "TEXT", "REAL", "BLOB"]);
    assert.equal(rs.rows[0]?.price, 12.5);
    assert.deepEqual([...new Uint8Array(rs.rows[0]?.data as ArrayBuffer)], [0, 1, 255]);
    assert.equal(rs.rows[1]?.name, "ribeye");
    assert.equal(rs.rows[1]?.price, null);
    assert.equal((await client.execute("UPDATE t SET price = 1")).rowsAffected, 2);
    await assert.rejects(
      client.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: ["brisket"] }),
      (err: Error & { code?: string }) =>
        err.code === "SQLITE_CONSTRAINT" && /UNIQUE constraint failed: t\.name/.test(err.message),
    );
  });
});

Deno.test("hrana stand-in refuses a request without the bearer token", async () => {
  await withServer(async (server) => {
    const stranger = createClient({ url: server.url, authToken: "wrong" });
    try {
      await assert.rejects(stranger.execute("SELECT 1"), /401/);
      assert.equal(server.stats.unauthorized, 1);
      assert.equal(server.stats.statements, 0, "nothing ran");
    } finally {
      stranger.close();
    }
  });
});

Deno.test("hrana stand-in rolls back a whole batch when one step fails", async () => {
  await withServer(async (_server, client) => {
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    await client.execute("INSERT INTO t (name) VALUES ('kept')");
    await assert.rejects(
      client.batch([
        { sql: "INSERT INTO t (name) VALUES (?)", args: ["first"] },
        { sql: "INSERT INTO t (name) VALUES (?)", args: ["kept"] },
        { sql: "INSERT INTO t (name) VALUES (?)", args: ["third"] },
      ], "write"),
      /UNIQUE constraint failed/,
    );
    const rs = await client.execute("SELECT name FROM t ORDER BY id");
    assert.deepEqual(rs.rows.map((r) => r.name), ["kept"], "no step of the failed batch remains");
    const ok = await client.batch([
      "INSERT INTO t (name) VALUES ('a')",
      "INSERT INTO t (name) VALUES ('b')",
    ], "write");
    assert.equal(ok.length, 2);
    assert.equal(Number((await client.execute("SELECT COUNT(*) AS n FROM t")).rows[0]?.n), 3);
  });
});

Deno.test("hrana stand-in keeps an interactive transaction on its own connection until commit", async () => {
  await withServer(async (server, client) => {
    await client.execute("CREATE TABLE t (n INTEGER)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t VALUES (1)");
    await tx.executeMultiple("INSERT INTO t VALUES (2); INSERT INTO t VALUES (3);");
    const inside = await tx.execute("SELECT COUNT(*) AS n FROM t");
    assert.equal(Number(inside.rows[0]?.n), 3, "the transaction sees its own writes");
    const outside = await client.execute("SELECT COUNT(*) AS n FROM t");
    assert.equal(Number(outside.rows[0]?.n), 0, "another stream does not see uncommitted rows");
    await tx.commit();
    const after = await client.execute("SELECT COUNT(*) AS n FROM t");
    assert.equal(Number(after.rows[0]?.n), 3);

    const undone = await client.transaction("write");
    await undone.execute("INSERT INTO t VALUES (4)");
    await undone.rollback();
    assert.equal(Number((await client.execute("SELECT COUNT(*) AS n FROM t")).rows[0]?.n), 3);
    assert.equal(server.openStreams(), 0, "every stream was closed");
  });
});

Deno.test("hrana stand-in serializes two concurrent write transactions without losing either", async () => {
  await withServer(async (_server, client) => {
    await client.execute("CREATE TABLE counter (n INTEGER NOT NULL)");
    await client.execute("INSERT INTO counter VALUES (0)");
    const other = createClient({ url: _server.url, authToken: "t0ken" });
    try {
      // Read-modify-write in two streams at once: the second BEGIN IMMEDIATE waits for the first.
      const bump = async (c: Client) => {
        for (let i = 0; i < 10; i++) {
          const tx = await c.transaction("write");
          const n = Number((await tx.execute("SELECT n FROM counter")).rows[0]?.n);
          await new Promise((r) => setTimeout(r, 1));
          await tx.execute({ sql: "UPDATE counter SET n = ?", args: [n + 1] });
          await tx.commit();
        }
      };
      await Promise.all([bump(client), bump(other)]);
      const rs = await client.execute("SELECT n FROM counter");
      assert.equal(Number(rs.rows[0]?.n), 20, "no increment was lost");
    } finally {
      other.close();
    }
  });
});

Deno.test("hrana stand-in rolls back the transaction of a stream left idle", async () => {
  await withServer(async (server, client) => {
    await client.execute("CREATE TABLE t (n INTEGER)");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO t VALUES (1)");
    // The client vanishes (a killed machine): its stream holds the write lock until it expires.
    await new Promise((r) => setTimeout(r, 80));
    await client.execute("INSERT INTO t VALUES (2)");
    const rs = await client.execute("SELECT n FROM t");
    assert.deepEqual(rs.rows.map((r) => Number(r.n)), [2], "the abandoned row was rolled back");
    await assert.rejects(tx.commit(), /baton|expired|400/);
    assert.equal(server.openStreams(), 0);
  }, { idleStreamMs: 50 });
});
