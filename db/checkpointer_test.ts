import assert from "node:assert/strict";
import { join } from "node:path";
import { type Client, fileUrl, openDatabase } from "./client.ts";
import {
  type CheckpointResult,
  startBackgroundCheckpoints,
  stopBackgroundCheckpoints,
  WAL_CAP_PAGES,
  WAL_KEEP_BYTES,
} from "./checkpointer.ts";

const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async function pragma(db: Client, name: string): Promise<number> {
  return Number((await db.execute(`PRAGMA ${name}`)).rows[0]![0]);
}

async function count(db: Client): Promise<{ n: number; total: number }> {
  const row = (await db.execute("SELECT COUNT(*) AS n, TOTAL(length(body)) AS total FROM t"))
    .rows[0]!;
  return { n: Number(row.n), total: Number(row.total) };
}

async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("background checkpoints move an encrypted database's log into its file after writes stop, losing nothing", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "t.db");
  const results: CheckpointResult[] = [];
  startBackgroundCheckpoints({
    idleMs: 100,
    minFrames: 100,
    onCheckpoint: (r) => results.push(r),
  });
  try {
    const db = await openDatabase({ url: fileUrl(path), encryptionKey: KEY });
    assert.deepEqual(await pragma(db, "wal_autocheckpoint"), WAL_CAP_PAGES);
    assert.deepEqual(await pragma(db, "journal_size_limit"), WAL_KEEP_BYTES);
    await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    // A few frames are left in the log: a checkpoint would only buy a sync in the next commit.
    await until(() => results.some((r) => r.path === path));
    assert.deepEqual(results.map((r) => [r.skipped, r.checkpointedFrames]), [[true, 0]]);
    for (let i = 0; i < 300; i++) {
      await db.execute({ sql: "INSERT INTO t (body) VALUES (?)", args: [`row ${i} `.repeat(100)] });
    }
    const written = await count(db);
    // The writes stopped: the log is checkpointed whole, off this thread.
    await until(() => results.some((r) => r.path === path && !r.skipped));
    const last = results.filter((r) => r.path === path).at(-1)!;
    assert.deepEqual(last.error, undefined);
    assert.deepEqual(last.skipped, false);
    assert.deepEqual(last.busy, false);
    assert.deepEqual(last.checkpointedFrames, last.logFrames);
    assert(last.logFrames > 200, `frames: ${last.logFrames}`);

    // The database file alone, without its log, holds every row.
    const copy = join(dir, "copy.db");
    await Deno.copyFile(path, copy);
    const alone = await openDatabase({ url: fileUrl(copy), encryptionKey: KEY });
    assert.deepEqual(await count(alone), written);
    alone.close();

    // And the database reopens with every row.
    db.close();
    const again = await openDatabase({ url: fileUrl(path), encryptionKey: KEY });
    assert.deepEqual(await count(again), written);
    assert.deepEqual(written.n, 300);
    again.close();
  } finally {
    await stopBackgroundCheckpoints();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with background checkpoints, a log nobody checkpoints is still capped by SQLite and trimmed", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "t.db");
  const results: CheckpointResult[] = [];
  // Never idle long enough: only SQLite's own checkpoint at the cap can run.
  startBackgroundCheckpoints({
    idleMs: 3_600_000,
    maxDelayMs: 3_600_000,
    onCheckpoint: (r) => results.push(r),
  });
  try {
    const db = await openDatabase({ url: fileUrl(path) });
    await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    const pages = WAL_CAP_PAGES + 500;
    for (let i = 0; i < pages; i += 500) {
      await db.execute({
        sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
              INSERT INTO t (body) SELECT printf('%.3000c', 'x') FROM n`,
      });
    }
    // Past the cap, SQLite checkpointed; the next write started the log over and trimmed it.
    await db.execute("INSERT INTO t (body) VALUES ('after')");
    const walBytes = (await Deno.stat(`${path}-wal`)).size;
    assert(walBytes <= WAL_KEEP_BYTES + 64 * 1024, `log of ${walBytes} bytes`);
    assert.deepEqual(results, []);
    db.close();
    const again = await openDatabase({ url: fileUrl(path) });
    assert.deepEqual((await count(again)).n, Math.ceil(pages / 500) * 500 + 1);
    again.close();
  } finally {
    await stopBackgroundCheckpoints();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without background checkpoints, databases keep SQLite's own automatic checkpoints", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const db = await openDatabase({ url: fileUrl(join(dir, "t.db")) });
    assert.deepEqual(await pragma(db, "wal_autocheckpoint"), 1000);
    assert.deepEqual(await pragma(db, "journal_size_limit"), -1);
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
