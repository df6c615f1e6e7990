/**
 * @module db/_checkpoint_worker
 * The thread of db/checkpointer.ts: runs `PRAGMA wal_checkpoint(PASSIVE)` on the database it is
 * sent, on a connection of its own, and answers with SQLite's counts. Connections are kept a
 * little (a burst of checkpoints of one database opens it once) and closed when idle, so a
 * database deleted or re-keyed meanwhile is not held open. A file that does not exist is not
 * created.
 */
import Database from "libsql";

interface NativeDatabase {
  prepare(sql: string): { raw(on: boolean): { all(args: unknown[]): unknown[][] } };
  close(): void;
}
type NativeDatabaseClass = new (path: string, options: Record<string, unknown>) => NativeDatabase;

const KEEP_MS = 5000;
const KEEP_AT_MOST = 16;
const open = new Map<string, { db: NativeDatabase; usedAt: number }>();

function connection(path: string, key: string | undefined): NativeDatabase {
  const id = `${path}\0${key ?? ""}`;
  const kept = open.get(id);
  if (kept) {
    open.delete(id);
    open.set(id, kept);
    kept.usedAt = performance.now();
    return kept.db;
  }
  Deno.statSync(path); // throws NotFound: never create a database here
  const db = new (Database as unknown as NativeDatabaseClass)(path, {
    encryptionKey: key,
    timeout: 0,
  });
  open.set(id, { db, usedAt: performance.now() });
  if (open.size > KEEP_AT_MOST) closeOne(open.keys().next().value!);
  return db;
}

function closeOne(id: string): void {
  const kept = open.get(id);
  open.delete(id);
  try {
    kept?.db.close();
  } catch { /* nothing to do while closing */ }
}

setInterval(() => {
  const now = performance.now();
  for (const [id, kept] of open) if (now - kept.usedAt > KEEP_MS) closeOne(id);
}, KEEP_MS);

self.onmessage = (e: MessageEvent<{ id: number; path: string; key?: string }>) => {
  const { id, path, key } = e.data;
  const startedAt = performance.now();
  try {
    const row = connection(path, key).prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true)
      .all([])[0] as number[];
    self.postMessage({
      id,
      path,
      busy: row[0] !== 0,
      logFrames: row[1],
      checkpointedFrames: row[2],
      ms: performance.now() - startedAt,
    });
  } catch (err) {
    closeOne(`${path}\0${key ?? ""}`);
    self.postMessage({
      id,
      path,
      busy: false,
      logFrames: 0,
      checkpointedFrames: 0,
      ms: performance.now() - startedAt,
      error: String(err),
    });
  }
};
