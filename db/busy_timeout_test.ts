import assert from "node:assert/strict";
import { type Client, fileUrl, openDatabase } from "./client.ts";
import { createLocalClient } from "./local_client.ts";

/** Another process that holds a write transaction on `path` for `ms`, then commits. */
function holdWriteLock(path: string, ms: number) {
  const script = `
    import { createClient } from "@libsql/client";
    const db = createClient({ url: ${JSON.stringify(fileUrl(path))} });
    const tx = await db.transaction("write");
    await tx.execute("INSERT INTO t VALUES (1)");
    console.log("locked");
    await new Promise((r) => setTimeout(r, ${ms}));
    await tx.commit();
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  return {
    async locked() {
      let seen = "";
      while (!seen.includes("locked")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("the lock holder exited early");
        seen += value;
      }
    },
    async done() {
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      return await child.status;
    },
  };
}

/** A database with table `t`, opened as the app opens one, and its path for another process. */
async function withSharedDatabase(test: (db: Client, path: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/shared.db`;
  const db = await openDatabase({ url: fileUrl(path) });
  try {
    await db.execute("CREATE TABLE t (x INTEGER)");
    await test(db, path);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The values of `t`, in order. */
async function values(db: Client): Promise<unknown[]> {
  return (await db.execute("SELECT x FROM t ORDER BY x")).rows.map((r) => r.x);
}

Deno.test("a write waits for another process's write transaction instead of failing with SQLITE_BUSY", async () => {
  await withSharedDatabase(async (db, path) => {
    const holder = holdWriteLock(path, 400);
    await holder.locked();
    await db.execute("INSERT INTO t VALUES (2)"); // waits for the other process's commit
    assert.equal((await holder.done()).code, 0);
    assert.deepEqual(await values(db), [1, 2]);
  });
});

/**
 * Runs `work` with a 10 ms timer beside it and asserts the timer kept firing: SQLite's own busy
 * handler sleeps the thread, so no timer would fire until a waiting statement was done.
 */
async function assertThreadServesWhile(what: string, work: () => Promise<void>): Promise<void> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const waitedMs = performance.now() - started;
  assert.ok(waitedMs > 100, `${what} waited ${waitedMs} ms`);
  assert.ok(ticks >= waitedMs / 10 / 4, `${ticks} ticks in ${waitedMs.toFixed(0)} ms`);
}

Deno.test("while a write waits for another process's lock, the thread goes on serving others", async () => {
  await withSharedDatabase(async (db, path) => {
    const holder = holdWriteLock(path, 500);
    await holder.locked();
    await assertThreadServesWhile("the write", async () => {
      await db.execute("INSERT INTO t VALUES (2)"); // waits for the other process's commit
    });
    assert.equal((await holder.done()).code, 0);
    assert.deepEqual(await values(db), [1, 2]);
  });
});

Deno.test("a write transaction's BEGIN waits for another process's lock on a timer too", async () => {
  await withSharedDatabase(async (db, path) => {
    const holder = holdWriteLock(path, 400);
    await holder.locked();
    await assertThreadServesWhile("the transaction's BEGIN", async () => {
      const tx = await db.transaction("write"); // BEGIN IMMEDIATE: refused until the commit
      await tx.execute("INSERT INTO t VALUES (3)");
      await tx.commit();
    });
    assert.equal((await holder.done()).code, 0);
    assert.deepEqual(await values(db), [1, 3]);
  });
});

Deno.test("a write still fails with SQLITE_BUSY once another process holds the lock past the timeout", async () => {
  await withSharedDatabase(async (db, path) => {
    const impatient = createLocalClient({ path, timeout: 150 });
    try {
      const holder = holdWriteLock(path, 800);
      await holder.locked();
      await assert.rejects(
        impatient.execute("INSERT INTO t VALUES (2)"),
        (err: Error & { code?: string }) => err.code === "SQLITE_BUSY",
      );
      assert.equal((await holder.done()).code, 0);
    } finally {
      impatient.close();
    }
    assert.deepEqual(await values(db), [1]); // the refused write changed nothing
  });
});
