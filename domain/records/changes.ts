/**
 * @module domain/records/changes
 * A tenant-wide change counter, bumped in the transaction of every write to business records.
 * Caches of derived numbers (the dashboard) compare it to know they are still true: one indexed
 * read instead of recomputing aggregates over the whole business on every page view. It lives in
 * the tenant database, so it is right across processes and machines, not just this one.
 */
import { type Executor, onWriteCommit } from "../../db/transaction.ts";
import { firstRow } from "../../db/first_row.ts";

export async function markChanged(tx: Executor): Promise<void> {
  await tx.execute(
    `INSERT INTO counters (kind, next) VALUES ('_changes', 1)
     ON CONFLICT(kind) DO UPDATE SET next = next + 1`,
  );
}

/**
 * How long a read may trust the counter it last read for a database. Every query through
 * libsql allocates native memory that is returned only after a collection (measured: ~4 KiB
 * each), so re-reading the counter on every cached request churned hundreds of MB under load
 * and stretched tail latency. Writes made through this process forget the counter when they
 * commit, so they are seen at once; a write by another process is seen within this time.
 */
export const VERSION_TTL_MS = 100;

// Kept by the module, not in Services: the entry belongs to a tenant database connection and goes
// with it, and db/transaction.ts's commit hook forgets it; in Services it would mean threading
// Services through every record write and the database layer below domain/.
const versions = new WeakMap<object, { version: number; at: number }>();
onWriteCommit((db) => versions.delete(db));

export async function changeVersion(db: Executor): Promise<number> {
  const now = performance.now();
  const known = versions.get(db);
  if (known && now - known.at < VERSION_TTL_MS) return known.version;
  // One row by construction: read alone (db/first_row.ts), half the cost of a general query.
  const row = await firstRow(db, "SELECT next FROM counters WHERE kind = '_changes'");
  const version = Number(row?.next ?? 0);
  versions.set(db, { version, at: now });
  return version;
}
