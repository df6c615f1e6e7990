/**
 * @module notifications/changes_since
 * What changed in a tenant's database after a cursor: record changes (the audit log), documents
 * (their status as the reader works), and activity (notes, calls). Live updates read it, both the
 * hub for open event streams and the polling endpoint that replaces them.
 *
 * The cursor holds one time per source, since each source is stamped by its own writer; a read
 * looks `OVERLAP_MS` back from it so a row committed late with an earlier time (another process,
 * another machine's clock) is still seen, and callers drop rows they already sent by id.
 */
import type { Executor } from "../db/transaction.ts";

/** One change as the browser hears it: what, which record, by whom. Never field values. */
export interface LiveEvent {
  /** record: fields changed; document: a document's status; activity: a note or call. */
  kind: "record" | "document" | "activity";
  /** The record's collection ("loads") or "documents". */
  collection: string;
  id: string;
  /** create, update, archive, delete; a document's status; note or call. */
  action: string;
  userId: string | null;
  at: string;
  /** The row that says so (an audit, document or activity id), to drop repeats. */
  key: string;
}

export interface Cursor {
  audit: string;
  documents: string;
  activity: string;
}

export const OVERLAP_MS = 5000;
/** Rows per read of one source. */
export const LIMIT = 500;

/** The cursor as text for an SSE id or a query string (three times joined by "~"). */
export function cursorText(cursor: Cursor): string {
  return `${cursor.audit}~${cursor.documents}~${cursor.activity}`;
}

/** A cursor from its text; null for anything else (an old or forged id). */
export function parseCursor(text: string | null | undefined): Cursor | null {
  const parts = (text ?? "").split("~");
  const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$|^$/;
  if (parts.length !== 3 || !parts.every((p) => time.test(p))) return null;
  return { audit: parts[0]!, documents: parts[1]!, activity: parts[2]! };
}

/** The cursor at the newest row of each source now: what "from here on" means. */
export async function currentCursor(db: Executor): Promise<Cursor> {
  const rs = await db.execute(
    `SELECT (SELECT max(at) FROM audit_log) AS audit,
            (SELECT max(updated_at) FROM documents) AS documents,
            (SELECT max(at) FROM activity) AS activity`,
  );
  const row = rs.rows[0];
  return {
    audit: String(row?.audit ?? ""),
    documents: String(row?.documents ?? ""),
    activity: String(row?.activity ?? ""),
  };
}

/** `time` less the overlap: where a read that must see late commits starts. */
export function back(time: string): string {
  if (!time) return "";
  return new Date(Date.parse(time) - OVERLAP_MS).toISOString();
}

/** The later of two ISO times ("" is earliest). */
export function later(a: string, b: string): string {
  return a > b ? a : b;
}

type Row = Record<string, unknown>;

/** An audit_log row (id, at, user_id, action, entity, entity_id) as an event. */
export function auditEvent(r: Row): LiveEvent {
  return {
    kind: "record",
    collection: String(r.entity),
    id: String(r.entity_id),
    action: String(r.action),
    userId: r.user_id === null ? null : String(r.user_id),
    at: String(r.at),
    key: `a:${r.id}`,
  };
}

/** A documents row (id, status, updated_at) as an event. */
export function documentEvent(r: Row): LiveEvent {
  return {
    kind: "document",
    collection: "documents",
    id: String(r.id),
    action: String(r.status),
    userId: null,
    at: String(r.updated_at),
    // A document changes in place: its key carries the time, so each new status is new.
    key: `d:${r.id}:${r.updated_at}`,
  };
}

/** An activity row (id, entity, entity_id, kind, user_id, at) as an event. */
export function activityEvent(r: Row): LiveEvent {
  return {
    kind: "activity",
    collection: String(r.entity),
    id: String(r.entity_id),
    action: String(r.kind),
    userId: r.user_id === null ? null : String(r.user_id),
    at: String(r.at),
    key: `n:${r.id}`,
  };
}

/** Documents changed after `since` (the caller's cursor less the overlap), oldest first. */
export async function documentsSince(db: Executor, since: string): Promise<LiveEvent[]> {
  const rs = await db.execute({
    sql: `SELECT id, status, updated_at FROM documents
          WHERE updated_at > ? ORDER BY updated_at LIMIT ${LIMIT}`,
    args: [since],
  });
  return rs.rows.map((r) => documentEvent(r as Row));
}

/** Changes after `cursor` (with the overlap), oldest first, and the cursor after them. */
export async function changesSince(
  db: Executor,
  cursor: Cursor,
): Promise<{ events: LiveEvent[]; cursor: Cursor }> {
  const [audit, documents, activity] = await Promise.all([
    db.execute({
      sql: `SELECT id, at, user_id, action, entity, entity_id FROM audit_log
            WHERE at > ? AND entity_id IS NOT NULL ORDER BY at LIMIT ${LIMIT}`,
      args: [back(cursor.audit)],
    }),
    documentsSince(db, back(cursor.documents)),
    db.execute({
      sql: `SELECT id, entity, entity_id, kind, user_id, at FROM activity
            WHERE at > ? ORDER BY at LIMIT ${LIMIT}`,
      args: [back(cursor.activity)],
    }),
  ]);
  const next = { ...cursor };
  const events: LiveEvent[] = [];
  for (const r of audit.rows) {
    events.push(auditEvent(r as Row));
    next.audit = later(next.audit, String(r.at));
  }
  for (const e of documents) {
    events.push(e);
    next.documents = later(next.documents, e.at);
  }
  for (const r of activity.rows) {
    events.push(activityEvent(r as Row));
    next.activity = later(next.activity, String(r.at));
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { events, cursor: next };
}

const SOURCE: Record<LiveEvent["kind"], keyof Cursor> = {
  record: "audit",
  document: "documents",
  activity: "activity",
};

/** Remembers the keys already sent while a re-read can still return them (the overlap). */
export class SeenKeys {
  #keys = new Map<string, { at: string; source: keyof Cursor }>();

  /** The events not sent before; remembers them and forgets what `cursor` has left behind. */
  fresh(events: readonly LiveEvent[], cursor: Cursor): LiveEvent[] {
    if (this.#keys.size) {
      const left = {
        audit: back(cursor.audit),
        documents: back(cursor.documents),
        activity: back(cursor.activity),
      };
      for (const [key, seen] of this.#keys) {
        if (seen.at <= left[seen.source]) this.#keys.delete(key);
      }
    }
    const out = events.filter((e) => !this.#keys.has(e.key));
    for (const e of out) this.#keys.set(e.key, { at: e.at, source: SOURCE[e.kind] });
    return out;
  }
}
