import assert from "node:assert/strict";
import { type Client, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { newId } from "../db/ids.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { type LiveEvent, OVERLAP_MS, SeenKeys } from "./changes_since.ts";
import { type CommitCursor, committedChanges, startCursor } from "./committed_changes.ts";

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const HOUR_AGO = ago(3_600_000);

async function tenantDb(dir: string, name = "t.db"): Promise<Client> {
  const db = await openDatabase({ url: `file:${dir}/${name}` });
  await migrate(db, "tenant");
  return db;
}

function audit(db: Client, entityId: string, at = new Date().toISOString(), rowid?: number) {
  return db.execute({
    sql: `INSERT INTO audit_log (${rowid === undefined ? "" : "rowid, "}id, at, user_id, action,
            entity, entity_id, changes)
          VALUES (${rowid === undefined ? "" : "?, "}?, ?, NULL, 'update', 'loads', ?, '{}')`,
    args: rowid === undefined ? [newId(), at, entityId] : [rowid, newId(), at, entityId],
  });
}

/** Rebuilds audit_log in one transaction as a restore does: dropped, made again, rows put back. */
async function rebuildAuditLog(
  db: Client,
  rows: Array<{ rowid: number; id: string; at: string; entityId: string }>,
) {
  const create = String(
    (await db.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log'")).rows[0]!.sql,
  );
  await inWriteTransaction(db, async (tx) => {
    await tx.execute("DROP TABLE audit_log");
    await tx.execute(create);
    for (const r of rows) {
      await tx.execute({
        sql: `INSERT INTO audit_log (rowid, id, at, user_id, action, entity, entity_id, changes)
              VALUES (?, ?, ?, NULL, 'update', 'loads', ?, '{}')`,
        args: [r.rowid, r.id, r.at, r.entityId],
      });
    }
  });
}

/** Reads as the live hub does after a commit and keeps the cursor. */
function reader(start = startCursor(ago(1000))) {
  let cursor: CommitCursor = start;
  const seen = new SeenKeys();
  return {
    get cursor() {
      return cursor;
    },
    async read(db: Client): Promise<string[]> {
      const r = await committedChanges(db, cursor, seen);
      cursor = r.cursor;
      return r.events.map((e: LiveEvent) => `${e.kind}:${e.id}`);
    },
  };
}

Deno.test("committedChanges() reads a handle's first commit within the overlap, then only each new row once", async () => {
  const dir = await Deno.makeTempDir();
  const db = await tenantDb(dir);
  try {
    await audit(db, "old", HOUR_AGO);
    await audit(db, "recent");
    const r = reader();
    assert.deepEqual(await r.read(db), ["record:recent"], "the old row is not news");
    assert.deepEqual(await r.read(db), [], "nothing new, nothing again");
    await audit(db, "a");
    await audit(db, "b");
    await db.execute({
      sql: `INSERT INTO activity (id, entity, entity_id, kind, user_id, at)
            VALUES (?, 'loads', 'c', 'note', NULL, ?)`,
      args: [newId(), new Date().toISOString()],
    });
    assert.deepEqual(await r.read(db), ["record:a", "record:b", "activity:c"]);
    assert.deepEqual(await r.read(db), []);
    const old = OVERLAP_MS + 60_000;
    await audit(db, "stamped-late", ago(old)); // committed now with an old time: still new
    assert.deepEqual(await r.read(db), ["record:stamped-late"]);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("committedChanges() after a restore rebuilt audit_log on the same handle tells no restored row, then each new one", async () => {
  const dir = await Deno.makeTempDir();
  const db = await tenantDb(dir);
  try {
    const r = reader();
    for (const id of ["a", "b", "c", "d"]) await audit(db, id);
    assert.deepEqual(await r.read(db), ["record:a", "record:b", "record:c", "record:d"]);
    // The archive's rows keep their rowids: some below the cursor, one far above it.
    await rebuildAuditLog(db, [
      { rowid: 1, id: newId(), at: HOUR_AGO, entityId: "archived-1" },
      { rowid: 2, id: newId(), at: HOUR_AGO, entityId: "archived-2" },
      { rowid: 10_000, id: newId(), at: HOUR_AGO, entityId: "archived-3" },
    ]);
    assert.deepEqual(await r.read(db), [], "nothing of the archive is news");
    await audit(db, "after-restore");
    assert.deepEqual(await r.read(db), ["record:after-restore"]);
    assert.deepEqual(await r.read(db), []);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("committedChanges() after a restore into an empty audit_log tells no restored row", async () => {
  const dir = await Deno.makeTempDir();
  const db = await tenantDb(dir);
  try {
    const r = reader();
    assert.deepEqual(await r.read(db), [], "an empty workspace");
    await rebuildAuditLog(
      db,
      [1, 2, 3].map((n) => ({ rowid: n, id: newId(), at: HOUR_AGO, entityId: `archived-${n}` })),
    );
    assert.deepEqual(await r.read(db), []);
    await audit(db, "after-restore");
    assert.deepEqual(await r.read(db), ["record:after-restore"]);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("committedChanges() follows its last row when rowids were renumbered (as VACUUM may), telling nothing twice", async () => {
  const dir = await Deno.makeTempDir();
  const db = await tenantDb(dir);
  try {
    const r = reader();
    for (const [n, id] of [[10, "a"], [20, "b"], [30, "c"]] as const) {
      await audit(db, id, undefined, n);
    }
    assert.deepEqual(await r.read(db), ["record:a", "record:b", "record:c"]);
    const rows = (await db.execute("SELECT id, at, entity_id FROM audit_log ORDER BY rowid")).rows;
    await rebuildAuditLog(
      db,
      rows.map((row, i) => ({
        rowid: i + 1,
        id: String(row.id),
        at: String(row.at),
        entityId: String(row.entity_id),
      })),
    );
    assert.deepEqual(await r.read(db), [], "the same rows under other rowids are not news");
    await audit(db, "d");
    assert.deepEqual(await r.read(db), ["record:d"]);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("committedChanges() on a new handle: of the same file it carries on; of a replaced file it tells nothing old", async () => {
  const dir = await Deno.makeTempDir();
  const first = await tenantDb(dir);
  const other = await tenantDb(dir, "other.db");
  try {
    const r = reader();
    await audit(first, "a");
    assert.deepEqual(await r.read(first), ["record:a"]);
    await audit(first, "b");
    first.close(); // b committed, not yet read: the pool closed the handle
    const again = await openDatabase({ url: `file:${dir}/t.db` });
    try {
      await audit(again, "c");
      assert.deepEqual(await r.read(again), ["record:b", "record:c"], "the same file: exactly");
    } finally {
      again.close();
    }
    // The workspace's file replaced by another (restored from a copy): other rows, old times.
    for (const id of ["x", "y", "z", "w", "v"]) await audit(other, id, HOUR_AGO);
    assert.deepEqual(await r.read(other), [], "nothing of the replacing file is news");
    await audit(other, "d");
    assert.deepEqual(await r.read(other), ["record:d"]);
  } finally {
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("committedChanges() tells each status of a document once, in time with the records", async () => {
  const dir = await Deno.makeTempDir();
  const db = await tenantDb(dir);
  try {
    const r = reader();
    const now = ago(5); // before the record change below
    await db.execute({
      sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key, status,
              created_at, updated_at) VALUES ('doc-1', 'bol.pdf', 'application/pdf', 1, 'x', 'k',
              'queued', ?, ?)`,
      args: [now, now],
    });
    await audit(db, "load-1");
    assert.deepEqual(await r.read(db), ["document:doc-1", "record:load-1"]);
    assert.deepEqual(await r.read(db), [], "a re-read within the overlap tells nothing again");
    await db.execute({
      sql: "UPDATE documents SET status = 'review', updated_at = ? WHERE id = 'doc-1'",
      args: [new Date(Date.now() + 1).toISOString()],
    });
    assert.deepEqual(await r.read(db), ["document:doc-1"], "its new status");
    assert.deepEqual(await r.read(db), []);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
