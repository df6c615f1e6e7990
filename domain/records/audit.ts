/**
 * @module domain/records/audit
 * The history of every record: who changed which fields when, with old and new values. Written
 * in the same transaction as the change.
 */
import { newId } from "../../db/ids.ts";
import type { Executor } from "../../db/transaction.ts";

export type Changes = Record<string, [unknown, unknown]>;

export interface HistoryEntry {
  id: string;
  at: string;
  user_id: string | null;
  action: string;
  changes: Changes;
}

/** Field-by-field differences between two value sets (only keys present in `after`). */
export function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): Changes {
  const changes: Changes = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before ? before[key] ?? null : null;
    if (JSON.stringify(old) !== JSON.stringify(value ?? null)) changes[key] = [old, value ?? null];
  }
  return changes;
}

/**
 * Writes one history entry. `at` is when the change happened by the app's clock
 * (`writeTime(ctx)`, domain/records/context.ts); the machine's clock when not given.
 */
export async function recordAudit(
  tx: Executor,
  entry: {
    at?: string;
    userId: string | null;
    action: string;
    entity: string;
    entityId: string;
    changes: Changes;
  },
): Promise<void> {
  await tx.execute({
    sql: `INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, changes)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [
      newId(),
      entry.at ?? new Date().toISOString(),
      entry.userId,
      entry.action,
      entry.entity,
      entry.entityId,
      JSON.stringify(entry.changes),
    ],
  });
}

/** A record's history as far back as the plan's audit retention reaches. */
export interface History {
  entries: HistoryEntry[];
  /** The oldest time shown (null: everything). */
  since: string | null;
  /** Entries older than `since`: kept, shown again on a plan with a longer retention. */
  olderHidden: number;
}

/**
 * The newest 200 changes of a record within `retentionDays` (null or undefined: all of them),
 * counted back from `now` (the app's clock, which also dated the entries).
 * Nothing is deleted: retention is a window, so a downgrade never loses history.
 */
export async function historyOf(
  db: Executor,
  entity: string,
  id: string,
  retentionDays: number | null | undefined,
  now: Date,
): Promise<History> {
  const since = retentionDays == null
    ? null
    : new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const [rs, older] = await Promise.all([
    db.execute({
      sql: `SELECT id, at, user_id, action, changes FROM audit_log
            WHERE entity = ? AND entity_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 200`,
      args: [entity, id, since ?? ""],
    }),
    since === null ? null : db.execute({
      sql: "SELECT count(*) AS n FROM audit_log WHERE entity = ? AND entity_id = ? AND at < ?",
      args: [entity, id, since],
    }),
  ]);
  const entries = rs.rows.map((r) => ({
    id: String(r.id),
    at: String(r.at),
    user_id: r.user_id === null ? null : String(r.user_id),
    action: String(r.action),
    changes: JSON.parse(String(r.changes)) as Changes,
  }));
  return { entries, since, olderHidden: Number(older?.rows[0]?.n ?? 0) };
}
