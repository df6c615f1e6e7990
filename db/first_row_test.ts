import assert from "node:assert/strict";
import { join } from "node:path";
import { openDatabase } from "./client.ts";
import { firstRow } from "./first_row.ts";

async function withDatabase(
  run: (db: Awaited<ReturnType<typeof openDatabase>>, path: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "pm-first-row-" });
  const path = join(dir, "t.db");
  const db = await openDatabase({
    url: `file:${path}`,
    encryptionKey: "first-row-test-key-0123456789abcd",
  });
  try {
    await db.execute(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, cents INTEGER, note TEXT)",
    );
    await db.execute(
      "INSERT INTO t VALUES (1, 'Ribeye', 1299, NULL), (2, 'Brisket', 899, 'x'), (3, 'Chuck', 0, '')",
    );
    await run(db, path);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("firstRow() answers what execute() answers as its first row, values and column names alike", async () => {
  await withDatabase(async (db) => {
    for (
      const stmt of [
        { sql: "SELECT * FROM t WHERE id = ?", args: [1] },
        { sql: "SELECT * FROM t ORDER BY id DESC", args: [] },
        { sql: "SELECT name, cents * 2 AS double, note FROM t WHERE id = ?", args: [3] },
        { sql: "SELECT COUNT(*) AS n, SUM(cents) AS total FROM t", args: [] },
      ]
    ) {
      const expected = (await db.execute(stmt)).rows[0]!;
      const got = await firstRow(db, stmt);
      assert.deepEqual({ ...got }, { ...expected }, stmt.sql);
      assert.deepEqual(Object.keys(got!), Object.keys(expected), stmt.sql);
    }
    assert.equal(
      await firstRow(db, { sql: "SELECT * FROM t WHERE id = ?", args: [99] }),
      undefined,
    );
  });
});

Deno.test("firstRow() inside a write transaction reads the transaction's own rows", async () => {
  await withDatabase(async (db) => {
    const tx = await db.transaction("write");
    try {
      await tx.execute("INSERT INTO t VALUES (4, 'Flank', 1099, NULL)");
      assert.equal(
        (await firstRow(tx, { sql: "SELECT name FROM t WHERE id = ?", args: [4] }))?.name,
        "Flank",
      );
      await tx.rollback();
    } finally {
      tx.close();
    }
    assert.equal(
      await firstRow(db, { sql: "SELECT name FROM t WHERE id = ?", args: [4] }),
      undefined,
    );
  });
});

Deno.test("firstRow() runs a write with RETURNING to its end, every row of it", async () => {
  await withDatabase(async (db) => {
    const row = await firstRow(db, {
      sql: "INSERT INTO t (name, cents) SELECT name || ' copy', cents FROM t RETURNING id",
      args: [],
    });
    assert.ok(row, "the first returned row");
    assert.equal(
      Number((await db.execute("SELECT COUNT(*) AS n FROM t")).rows[0]!.n),
      6,
      "all three inserted",
    );
  });
});

Deno.test("firstRow() reads the new columns of a kept statement after another connection alters the table", async () => {
  await withDatabase(async (db, path) => {
    const stmt = { sql: "SELECT * FROM t WHERE id = ?", args: [2] };
    assert.equal(Object.keys((await firstRow(db, stmt))!).length, 4);
    const other = await openDatabase({
      url: `file:${path}`,
      encryptionKey: "first-row-test-key-0123456789abcd",
    });
    try {
      await other.execute("ALTER TABLE t ADD COLUMN grade TEXT DEFAULT 'choice'");
    } finally {
      other.close();
    }
    assert.equal((await firstRow(db, stmt))?.grade, "choice");
  });
});

Deno.test("firstRow() on an executor without it answers through execute()", async () => {
  const asked: string[] = [];
  const executor = {
    execute(stmt: { sql: string }) {
      asked.push(stmt.sql);
      return Promise.resolve({ rows: [{ n: 1 }, { n: 2 }] });
    },
  };
  // deno-lint-ignore no-explicit-any
  assert.deepEqual(await firstRow(executor as any, "SELECT n FROM x"), { n: 1 });
  assert.deepEqual(asked, ["SELECT n FROM x"]);
});
