/**
 * Write transactions on one database take turns within the process: a second writer waits for
 * the first instead of meeting SQLite's lock (which, with a synchronous local client, would stall
 * the whole process for the busy timeout and then fail with SQLITE_BUSY).
 */
import assert from "node:assert/strict";
import { type Client, openDatabase } from "./client.ts";
import { inWriteTransaction, onWriteCommit } from "./transaction.ts";
import { holdsWriteLock, NestedWriteTransactionError } from "./write_lock.ts";

async function withDatabase(test: (db: Client) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  try {
    await db.execute("CREATE TABLE events (n INTEGER, step TEXT)");
    await test(db);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Lets timers and I/O run, as a request's real awaits do in the middle of a transaction. */
const yieldToEventLoop = () => new Promise((r) => setTimeout(r, 5));

async function steps(db: Client): Promise<string[]> {
  const rs = await db.execute("SELECT n, step FROM events ORDER BY rowid");
  return rs.rows.map((r) => `${r.n}:${r.step}`);
}

Deno.test("two write transactions that await between statements both commit, one after the other", async () => {
  await withDatabase(async (db) => {
    const write = (n: number) =>
      inWriteTransaction(db, async (tx) => {
        await tx.execute({ sql: "INSERT INTO events VALUES (?, 'first')", args: [n] });
        await yieldToEventLoop();
        await tx.execute({ sql: "INSERT INTO events VALUES (?, 'second')", args: [n] });
        return n;
      });
    const results = await Promise.allSettled([write(1), write(2), write(3)]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled"]);
    assert.deepEqual(await steps(db), [
      "1:first",
      "1:second",
      "2:first",
      "2:second",
      "3:first",
      "3:second",
    ]);
  });
});

Deno.test("a statement from another flow waits for the open write transaction instead of failing", async () => {
  await withDatabase(async (db) => {
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const transaction = inWriteTransaction(db, async (tx) => {
      await tx.execute("INSERT INTO events VALUES (1, 'in transaction')");
      inside();
      await yieldToEventLoop();
      await tx.execute("INSERT INTO events VALUES (1, 'still in transaction')");
    });
    await opened;
    const plain = db.execute("INSERT INTO events VALUES (2, 'plain')");
    const batch = db.batch(["INSERT INTO events VALUES (3, 'batch')"], "write");
    await Promise.all([transaction, plain, batch]);
    assert.deepEqual(await steps(db), [
      "1:in transaction",
      "1:still in transaction",
      "2:plain",
      "3:batch",
    ]);
  });
});

Deno.test("a read on the client inside the transaction's own flow runs at once", async () => {
  await withDatabase(async (db) => {
    await db.execute("INSERT INTO events VALUES (0, 'before')");
    const seen = await inWriteTransaction(db, async (tx) => {
      await tx.execute("INSERT INTO events VALUES (1, 'uncommitted')");
      // The client reads through its own connection: the committed state, and no deadlock.
      return (await db.execute("SELECT count(*) AS c FROM events")).rows[0]!.c;
    });
    assert.equal(Number(seen), 1);
    assert.equal((await steps(db)).length, 2);
  });
});

Deno.test("asking for a second write transaction on the same database inside one is refused", async () => {
  await withDatabase(async (db) => {
    await assert.rejects(
      inWriteTransaction(db, async (tx) => {
        await tx.execute("INSERT INTO events VALUES (1, 'outer')");
        await inWriteTransaction(
          db,
          (inner) => inner.execute("INSERT INTO events VALUES (2, 'x')"),
        );
      }),
      NestedWriteTransactionError,
    );
    assert.deepEqual(await steps(db), [], "the outer transaction rolled back");
    // The lock was released: the next transaction runs.
    await inWriteTransaction(db, (tx) => tx.execute("INSERT INTO events VALUES (3, 'after')"));
    assert.deepEqual(await steps(db), ["3:after"]);
  });
});

Deno.test("a transaction that fails rolls back and lets the waiting one run", async () => {
  await withDatabase(async (db) => {
    const failing = inWriteTransaction(db, async (tx) => {
      await tx.execute("INSERT INTO events VALUES (1, 'lost')");
      await yieldToEventLoop();
      throw new Error("refused by a rule");
    });
    const next = inWriteTransaction(
      db,
      (tx) => tx.execute("INSERT INTO events VALUES (2, 'kept')"),
    );
    await assert.rejects(failing, /refused by a rule/);
    await next;
    assert.deepEqual(await steps(db), ["2:kept"]);
  });
});

Deno.test("what a commit listener starts runs outside the finished transaction's write lock", async () => {
  await withDatabase(async (db) => {
    const seen: boolean[] = [];
    let followUp: Promise<void> = Promise.resolve();
    onWriteCommit((committed) => {
      if (committed !== db) return;
      seen.push(holdsWriteLock(db));
      followUp = Promise.resolve().then(() => {
        seen.push(holdsWriteLock(db));
      });
    });
    await inWriteTransaction(db, async (tx) => {
      await tx.execute("INSERT INTO events VALUES (1, 'written')");
    });
    await followUp;
    // Held, a read the listener makes would go to a second connection of its own.
    assert.deepEqual(seen, [false, false]);
  });
});
