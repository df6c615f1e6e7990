/**
 * @module db/_checkpoint_worker
 * The thread of db/checkpointer.ts: runs `PRAGMA wal_checkpoint(PASSIVE)` on the database it is
 * sent, on a connection of its own, and answers with SQLite's counts, once its log holds
 * `minFrames` frames not yet copied into the file. Those counts are read first from the log's
 * shared-memory index (the `-shm` file: mxFrame at byte 16, nBackfill at byte 96, native byte
 * order), which costs a file read and no connection. Connections are kept a
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

/** Frames in the log and frames already copied into the database file, or null without a log. */
function logFrames(path: string): { log: number; copied: number } | null {
  let head: Uint8Array;
  try {
    head = Deno.readFileSync(`${path}-shm`).subarray(0, 136);
  } catch {
    return null;
  }
  if (head.length < 100) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return { log: view.getUint32(16, little), copied: view.getUint32(96, little) };
}

self.onmessage = (
  e: MessageEvent<{ id: number; path: string; key?: string; minFrames: number }>,
) => {
  const { id, path, key, minFrames } = e.data;
  const startedAt = performance.now();
  try {
    const frames = logFrames(path);
    if (frames === null || frames.log - frames.copied < minFrames) {
      self.postMessage({
        id,
        path,
        busy: false,
        skipped: true,
        logFrames: frames?.log ?? 0,
        checkpointedFrames: frames?.copied ?? 0,
        ms: performance.now() - startedAt,
      });
      return;
    }
    const row = connection(path, key).prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true)
      .all([])[0] as number[];
    self.postMessage({
      id,
      path,
      busy: row[0] !== 0,
      skipped: false,
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
      skipped: false,
      logFrames: 0,
      checkpointedFrames: 0,
      ms: performance.now() - startedAt,
      error: String(err),
    });
  }
};
