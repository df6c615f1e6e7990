/**
 * @module domain/records/changes
 * A tenant-wide change counter, bumped in the transaction of every write to business records.
 * Caches of derived numbers (the dashboard) compare it to know they are still true: one indexed
 * read instead of recomputing aggregates over the whole business on every page view. It lives in
 * the tenant database, so it is right across processes and machines, not just this one.
 */
import type { Executor } from "../../db/transaction.ts";

export async function markChanged(tx: Executor): Promise<void> {
  await tx.execute(
    `INSERT INTO counters (kind, next) VALUES ('_changes', 1)
     ON CONFLICT(kind) DO UPDATE SET next = next + 1`,
  );
}

export async function changeVersion(db: Executor): Promise<number> {
  const rs = await db.execute("SELECT next FROM counters WHERE kind = '_changes'");
  return Number(rs.rows[0]?.next ?? 0);
}
