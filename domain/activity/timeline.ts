/**
 * @module domain/activity/timeline
 * Everything that happened to a record, newest first, in one list: its field changes (the audit
 * log, within the plan's retention), notes, calls logged, e-mails sent (logged here or by the
 * record flows' `record_mail`), and documents attached.
 */
import type { Executor } from "../../db/transaction.ts";
import { type History, type HistoryEntry, historyOf } from "../records/audit.ts";
import { documentsOf } from "../documents/repository.ts";
import { type Activity, activityOf } from "./mod.ts";

export type TimelineItem =
  | { type: "change"; at: string; userId: string | null; entry: HistoryEntry }
  | { type: "activity"; at: string; userId: string | null; activity: Activity }
  | { type: "mail"; at: string; userId: string | null; to: string; subject: string; kind: string }
  | {
    type: "document";
    at: string;
    userId: null;
    document: { id: string; name: string; status: string; classification: string | null };
  };

export interface Timeline {
  items: TimelineItem[];
  /** The changes as the history card had them (retention window, older ones hidden). */
  history: History;
}

/** Mail the record flows sent about the record; none while that table does not exist yet. */
async function recordMailOf(db: Executor, entity: string, id: string): Promise<TimelineItem[]> {
  try {
    const rs = await db.execute({
      sql: `SELECT kind, to_addr, subject, sent_at, sent_by FROM record_mail
            WHERE collection = ? AND record_id = ? ORDER BY sent_at DESC, id DESC LIMIT 100`,
      args: [entity, id],
    });
    return rs.rows.map((r) => ({
      type: "mail" as const,
      at: String(r.sent_at),
      userId: r.sent_by === null ? null : String(r.sent_by),
      to: String(r.to_addr),
      subject: String(r.subject),
      kind: String(r.kind),
    }));
  } catch (err) {
    if (/no such table/i.test(String(err))) return [];
    throw err;
  }
}

/** What happened to a record besides its field changes: activity, mail, documents. */
export async function activityItems(
  db: Executor,
  entity: string,
  id: string,
): Promise<TimelineItem[]> {
  const [activity, mail, documents] = await Promise.all([
    activityOf(db, entity, id),
    recordMailOf(db, entity, id),
    documentsOf(db, entity, id),
  ]);
  return [
    ...activity.map((a) => ({
      type: "activity" as const,
      at: a.at,
      userId: a.userId,
      activity: a,
    })),
    ...mail,
    ...documents.map((d) => ({
      type: "document" as const,
      at: d.created_at,
      userId: null,
      document: { id: d.id, name: d.name, status: d.status, classification: d.classification },
    })),
  ];
}

/** The changes of `history` and the other `items` in one list, newest first. */
export function mergeTimeline(history: History, items: readonly TimelineItem[]): TimelineItem[] {
  const all: TimelineItem[] = [
    ...history.entries.map((entry) => ({
      type: "change" as const,
      at: entry.at,
      userId: entry.user_id,
      entry,
    })),
    ...items,
  ];
  return all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** A record's whole timeline, newest first. */
export async function timelineOf(
  db: Executor,
  entity: string,
  id: string,
  retentionDays: number | null | undefined,
  /** Now by the app's clock (Services.clock): the retention window ends here. */
  now: Date,
): Promise<Timeline> {
  const [history, items] = await Promise.all([
    historyOf(db, entity, id, retentionDays, now),
    activityItems(db, entity, id),
  ]);
  return { items: mergeTimeline(history, items), history };
}
