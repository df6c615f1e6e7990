import assert from "node:assert/strict";
import { openDatabase } from "./client.ts";
import { inWriteTransaction } from "./transaction.ts";

async function withDatabase(work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/c.db` });
  try {
    await work(db);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("overlapping statements share the one configured connection (synchronous=NORMAL on all)", async () => {
  await withDatabase(async (db) => {
    const seen = await Promise.all(
      Array.from({ length: 6 }, () => db.execute("PRAGMA synchronous")),
    );
    // 1 is NORMAL; a second connection opened by the client's own pool would report FULL (2).
    assert.deepEqual(seen.map((r) => Number(r.rows[0]!.synchronous)), [1, 1, 1, 1, 1, 1]);
  });
});

Deno.test("a read transaction keeps a snapshot while the client goes on reading and writing", async () => {
  await withDatabase(async (db) => {
    await db.execute("CREATE TABLE t (n INTEGER)");
    await db.execute("INSERT INTO t VALUES (1)");
    const snapshot = await db.transaction("read");
    try {
      assert.equal(Number((await snapshot.execute("SELECT count(*) AS c FROM t")).rows[0]!.c), 1);
      await inWriteTransaction(db, (tx) => tx.execute("INSERT INTO t VALUES (2)"));
      assert.equal(Number((await db.execute("SELECT count(*) AS c FROM t")).rows[0]!.c), 2);
      assert.equal(Number((await snapshot.execute("SELECT count(*) AS c FROM t")).rows[0]!.c), 1);
    } finally {
      snapshot.close();
    }
  });
});
