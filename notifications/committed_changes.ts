/**
 * @module notifications/committed_changes
 * What the commit watchers (live_hub.ts) read after each commit this process makes: only the rows
 * added since their last read. The browser feeds keep their time cursors (changes_since.ts); this
 * path runs after EVERY write, listened to or not. Re-reading the 5 s overlap there (up to 500
 * rows a source) cost the app's thread 1.2 to 3 ms of CPU per write in a busy workspace, and
 * once more than 500 rows fell within 5 s its oldest-first page stopped reaching the newest rows:
 * their events were never told (docs/benchmarks.md, "Commit watchers read only new rows").
 *
 * audit_log and activity are append-only rowid tables and SQLite has one writer at a time, so a
 * new row's rowid is above every committed row's: a cursor per table is (rowid, id) of the last
 * row read, and a read is `rowid > ?` in pages until one comes back short (an import's thousands
 * of rows are read whole). Documents change in place (their status), so they keep a time cursor
 * with the overlap and drop repeats by key (indexed: documents_updated).
 *
 * Nothing deletes from those tables but a restore, which rebuilds them in place on the same handle
 * (data_rights/restore_database.ts) with the archive's rowids; a workspace's file may also be
 * replaced and reopened as a new handle, and a VACUUM may renumber rowids. So each read first
 * finds, in one statement with the tables' newest rows, the last row read by its id (a primary
 * key lookup) and goes on from wherever it now is; a table that was read empty goes on only on
 * the same handle with the same schema version (a restore changes it). Where neither holds, the
 * table is read as on a handle's first commit: the rows up to its newest stamped within the
 * overlap before the last time told (dropped by key if told), and its newest row becomes the
 * cursor. So nothing this process committed is missed and nothing restored is told as new.
 */
import type { Client } from "../db/client.ts";
import {
  activityEvent,
  auditEvent,
  back,
  type Cursor,
  documentsSince,
  later,
  LIMIT,
  type LiveEvent,
  type SeenKeys,
} from "./changes_since.ts";

/** The last row read of an append-only table: rowid 0 when none was (the table was empty). */
export interface RowMark {
  rowid: number;
  id: string;
}

/** Where the commit watchers of one tenant have read up to. */
export interface CommitCursor {
  /** The handle the marks were read on; null before the first read. */
  db: Client | null;
  /** The schema's version then: a restore rebuilds the tables, which changes it. */
  schema: number;
  audit: RowMark;
  activity: RowMark;
  /** The latest time told per source: documents read from it, a table read afresh too. */
  times: Cursor;
}

type Row = Record<string, unknown>;
type Table = "audit" | "activity";

const TABLES = {
  audit: {
    name: "audit_log",
    columns: "id, at, user_id, action, entity, entity_id",
    // A change with no record (a setting) is no one's news; its rowid still moves the cursor.
    event: (r: Row) => (r.entity_id === null ? null : auditEvent(r)),
  },
  activity: {
    name: "activity",
    columns: "id, entity, entity_id, kind, user_id, at",
    event: (r: Row) => activityEvent(r),
  },
} as const;

/** Where the watchers of a tenant start: nothing read, times a little before `since`. */
export function startCursor(since: string): CommitCursor {
  const none = { rowid: 0, id: "" };
  return {
    db: null,
    schema: 0,
    audit: none,
    activity: none,
    times: { audit: since, documents: since, activity: since },
  };
}

/**
 * The changes committed after `from` on `db`, in commit order (each table's in its rowid order,
 * merged by time), and the cursor after them. `seen` drops documents (and rows read afresh)
 * already told.
 */
export async function committedChanges(
  db: Client,
  from: CommitCursor,
  seen: SeenKeys,
): Promise<{ events: LiveEvent[]; cursor: CommitCursor }> {
  const probe = (await db.execute({
    sql: `SELECT schema_version AS schema,
            (SELECT rowid FROM audit_log WHERE id = ?) AS audit_mark,
            (SELECT rowid FROM audit_log ORDER BY rowid DESC LIMIT 1) AS audit_top,
            (SELECT id FROM audit_log ORDER BY rowid DESC LIMIT 1) AS audit_top_id,
            (SELECT rowid FROM activity WHERE id = ?) AS activity_mark,
            (SELECT rowid FROM activity ORDER BY rowid DESC LIMIT 1) AS activity_top,
            (SELECT id FROM activity ORDER BY rowid DESC LIMIT 1) AS activity_top_id,
            (SELECT max(updated_at) FROM documents) AS documents_top
          FROM pragma_schema_version`,
    args: [from.audit.id, from.activity.id],
  })).rows[0] as Row;
  const schema = Number(probe.schema);
  const unchanged = from.db === db && from.schema === schema;
  const next: CommitCursor = { ...from, db, schema, times: { ...from.times } };
  // Each list in commit order: a table read by rowid, a table read afresh, documents.
  const lists: LiveEvent[][] = [];
  const afresh: LiveEvent[][] = [];
  for (const table of ["audit", "activity"] as const) {
    // The row last read, where it is now (a VACUUM may renumber rowids); none: rebuilt.
    const at = from[table].rowid === 0
      ? (unchanged ? 0 : null)
      : (probe[`${table}_mark`] === null ? null : Number(probe[`${table}_mark`]));
    let read: { events: LiveEvent[]; mark: RowMark };
    if (at !== null && at === Number(probe[`${table}_top`] ?? 0)) {
      read = { events: [], mark: { rowid: at, id: from[table].id } }; // nothing new: no read
    } else if (at !== null) {
      read = await rowsAfter(db, table, { rowid: at, id: from[table].id });
      lists.push(read.events);
    } else {
      const top = probe[`${table}_top`] === null
        ? { rowid: 0, id: "" }
        : { rowid: Number(probe[`${table}_top`]), id: String(probe[`${table}_top_id`]) };
      read = { events: await recentUpTo(db, table, top.rowid, back(from.times[table])), mark: top };
      afresh.push(read.events);
    }
    next[table] = read.mark;
    for (const e of read.events) next.times[table] = later(next.times[table], e.at);
  }
  const since = back(from.times.documents);
  const documents = String(probe.documents_top ?? "") > since
    ? await documentsSince(db, since)
    : [];
  for (const e of documents) next.times.documents = later(next.times.documents, e.at);
  afresh.push(documents);
  const fresh = new Set(seen.fresh(afresh.flat(), next.times).map((e) => e.key));
  for (const list of afresh) lists.push(list.filter((e) => fresh.has(e.key)));
  return { events: mergeByTime(lists), cursor: next };
}

/** Every row of `table` after `mark`, in pages until one comes back short. */
async function rowsAfter(
  db: Client,
  table: Table,
  mark: RowMark,
): Promise<{ events: LiveEvent[]; mark: RowMark }> {
  const { name, columns, event } = TABLES[table];
  const events: LiveEvent[] = [];
  let last = mark;
  for (;;) {
    const rs = await db.execute({
      sql: `SELECT rowid AS row_id, ${columns} FROM ${name}
            WHERE rowid > ? ORDER BY rowid LIMIT ${LIMIT}`,
      args: [last.rowid],
    });
    for (const r of rs.rows) {
      const e = event(r as Row);
      if (e) events.push(e);
    }
    const end = rs.rows.at(-1);
    if (end) last = { rowid: Number(end.row_id), id: String(end.id) };
    if (rs.rows.length < LIMIT) return { events, mark: last };
  }
}

/**
 * The rows of `table` up to rowid `top` stamped after `since`, oldest first: read newest first by
 * rowid, in pages, while a whole page is newer than `since` (no index on activity's time needed).
 */
async function recentUpTo(
  db: Client,
  table: Table,
  top: number,
  since: string,
): Promise<LiveEvent[]> {
  const { name, columns, event } = TABLES[table];
  const events: LiveEvent[] = [];
  let below = top + 1;
  while (below > 1) {
    const rs = await db.execute({
      sql: `SELECT rowid AS row_id, ${columns} FROM ${name}
            WHERE rowid < ? ORDER BY rowid DESC LIMIT ${LIMIT}`,
      args: [below],
    });
    let older = false;
    for (const r of rs.rows) {
      if (String(r.at) <= since) older = true;
      else {
        const e = event(r as Row);
        if (e) events.push(e);
      }
    }
    if (older || rs.rows.length < LIMIT) break;
    below = Number(rs.rows.at(-1)!.row_id);
  }
  return events.reverse();
}

/** Merges lists each already in commit order into one, the earliest head first. */
export function mergeByTime(lists: readonly LiveEvent[][]): LiveEvent[] {
  const heads = lists.map(() => 0);
  const out: LiveEvent[] = [];
  for (;;) {
    let pick = -1;
    for (let i = 0; i < lists.length; i++) {
      const e = lists[i]![heads[i]!];
      if (e && (pick < 0 || e.at < lists[pick]![heads[pick]!]!.at)) pick = i;
    }
    if (pick < 0) return out;
    out.push(lists[pick]![heads[pick]!]!);
    heads[pick]!++;
  }
}
