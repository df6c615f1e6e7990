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

export async function recordAudit(
  tx: Executor,
  entry: {
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
      new Date().toISOString(),
      entry.userId,
      entry.action,
      entry.entity,
      entry.entityId,
      JSON.stringify(entry.changes),
    ],
  });
}

export async function historyOf(db: Executor, entity: string, id: string): Promise<HistoryEntry[]> {
  const rs = await db.execute({
    sql: `SELECT id, at, user_id, action, changes FROM audit_log
          WHERE entity = ? AND entity_id = ? ORDER BY at DESC, id DESC LIMIT 200`,
    args: [entity, id],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    at: String(r.at),
    user_id: r.user_id === null ? null : String(r.user_id),
    action: String(r.action),
    changes: JSON.parse(String(r.changes)) as Changes,
  }));
}
