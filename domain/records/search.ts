/**
 * @module domain/records/search
 * Full-text search over every record (SQLite FTS5). Each record has one search document, replaced
 * in the same transaction as the record, so search never shows a record that is not there.
 */
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";
import type { RecordDef } from "./definition.ts";
import type { RecordValues } from "./rows.ts";

/** Turns what a user typed into an FTS5 query: every word must match, as a prefix. */
export function ftsQuery(text: string): string | null {
  const words = text.normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', "")}"*`).join(" ");
}

/** The text a record is found by: its searchable fields, with prefixes such as "EST" and "MC". */
export function searchBody(def: RecordDef, values: RecordValues, extra: string[] = []): string {
  const parts: string[] = [];
  for (const field of def.fields) {
    if (!field.search) continue;
    const value = values[field.name];
    if (value === null || value === undefined || value === "") continue;
    const prefix = def.searchPrefix?.[field.name];
    parts.push(prefix ? `${prefix} ${value} ${prefix}${value}` : String(value));
  }
  return [...parts, ...extra].join(" \n ");
}

export async function upsertSearchDoc(
  tx: Executor,
  def: RecordDef,
  id: string,
  title: string,
  subtitle: string,
  body: string,
): Promise<void> {
  const existing = await tx.execute({
    sql: "SELECT rowid FROM search_docs WHERE record_id = ?",
    args: [id],
  });
  let rowid = existing.rows[0]?.rowid as number | bigint | undefined;
  if (rowid === undefined) {
    const inserted = await tx.execute({
      sql:
        "INSERT INTO search_docs (collection, record_id, title, subtitle) VALUES (?, ?, ?, ?) RETURNING rowid",
      args: [def.collection, id, title, subtitle],
    });
    rowid = inserted.rows[0]!.rowid as number | bigint;
  } else {
    await tx.execute({
      sql: "UPDATE search_docs SET title = ?, subtitle = ? WHERE rowid = ?",
      args: [title, subtitle, rowid],
    });
    await tx.execute({ sql: "DELETE FROM search_index WHERE rowid = ?", args: [rowid] });
  }
  await tx.execute({
    sql: "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)",
    args: [rowid, title, body],
  });
}

export async function deleteSearchDoc(tx: Executor, id: string): Promise<void> {
  const existing = await tx.execute({
    sql: "SELECT rowid FROM search_docs WHERE record_id = ?",
    args: [id],
  });
  const rowid = existing.rows[0]?.rowid;
  if (rowid === undefined) return;
  await tx.execute({ sql: "DELETE FROM search_index WHERE rowid = ?", args: [rowid] });
  await tx.execute({ sql: "DELETE FROM search_docs WHERE rowid = ?", args: [rowid] });
}

export interface SearchHit {
  collection: string;
  id: string;
  title: string;
  subtitle: string;
  /** Plain text around the match (no markup). */
  snippet: string;
  /** Where the matched words sit in `snippet`: [start, end) offsets in UTF-16 code units. */
  highlights: Array<[number, number]>;
}

/**
 * A hit's subtitle in the reader's words. The index stores it with the built-in English name
 * ("Purchase order · Prairie Packers", "Carrier · MC 123456", or the type's name alone), so
 * that a rename or a reader's language never makes a record to reindex: the leading type name is
 * replaced at read time by `shown` (the type as the reader names it); the rest is the record's
 * data and stays as written. `stored` lists the names it may be stored under (the built-in one;
 * rows indexed before kept the workspace's English name of the time).
 */
export function shownSubtitle(
  subtitle: string,
  stored: readonly string[],
  shown: string,
): string {
  if (subtitle === "" || stored.includes(subtitle)) return shown;
  const name = stored.find((n) => subtitle.startsWith(`${n} · `));
  return name === undefined ? subtitle : `${shown}${subtitle.slice(name.length)}`;
}

/** Record types whose title is made of formatted values (a payment's amount and date). */
const TITLED_FROM_FORMATS = new Set(["payments"]);

/** Whether some hit's title is written at display (`withShownTitles`): formats to load first. */
export function titlesFromFormats(hits: readonly Pick<SearchHit, "collection">[]): boolean {
  return hits.some((h) => TITLED_FROM_FORMATS.has(h.collection));
}

/**
 * Hits with their titles as the reader reads them. The index stores a title when the record is
 * saved; a payment's is made of its amount and date, written in English formats then
 * ("W-1 · $10,000.00 on Oct 20, 2026"), so it is written again at display from the record by
 * `titleOf` (the repository's `recordTitle` with the reader's formats: the workspace's, in the
 * reader's language), rows indexed before included. Other titles are values and stay as stored.
 */
export async function withShownTitles<H extends Pick<SearchHit, "collection" | "id" | "title">>(
  db: Executor,
  hits: readonly H[],
  titleOf: (def: RecordDef, row: RecordValues) => string,
): Promise<H[]> {
  const titles = new Map<string, string>();
  for (const collection of TITLED_FROM_FORMATS) {
    const def = recordType(collection);
    const ids = hits.filter((h) => h.collection === collection).map((h) => h.id);
    if (!def || ids.length === 0) continue;
    const rs = await db.execute({
      sql: `SELECT * FROM ${def.table} WHERE id IN (${ids.map(() => "?").join(", ")})`,
      args: ids,
    });
    for (const row of rs.rows) {
      titles.set(String(row.id), titleOf(def, row as unknown as RecordValues));
    }
  }
  return hits.map((h) => {
    const title = titles.get(h.id);
    return title === undefined ? h : { ...h, title };
  });
}

/**
 * FTS5 marks matches with these (private-use characters no record holds, unlike "[" and "]",
 * which are in real text such as "[PO]"); `splitSnippet` turns them into offsets.
 */
const MARK_OPEN = "\uE000";
const MARK_CLOSE = "\uE001";

/** Splits a marked snippet into plain text and the offsets of its marked parts. */
export function splitSnippet(marked: string): Pick<SearchHit, "snippet" | "highlights"> {
  let snippet = "";
  const highlights: Array<[number, number]> = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === MARK_OPEN) start = snippet.length;
    else if (ch === MARK_CLOSE) {
      if (start >= 0 && snippet.length > start) highlights.push([start, snippet.length]);
      start = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

/** A snippet cut into pieces to show, the matched ones flagged (render them as `<mark>`). */
export function snippetParts(
  hit: Pick<SearchHit, "snippet" | "highlights">,
): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const [start, end] of hit.highlights) {
    if (start < at || end > hit.snippet.length) continue;
    if (start > at) parts.push({ text: hit.snippet.slice(at, start), match: false });
    parts.push({ text: hit.snippet.slice(start, end), match: true });
    at = end;
  }
  if (at < hit.snippet.length) parts.push({ text: hit.snippet.slice(at), match: false });
  return parts;
}

/**
 * One query across all records, best matches first. `collections` limits the hits to those
 * record types (a scoped API token's readable ones); null searches every type.
 */
export async function searchAll(
  db: Executor,
  text: string,
  limit = 20,
  collections: readonly string[] | null = null,
): Promise<SearchHit[]> {
  const query = ftsQuery(text);
  if (!query || collections?.length === 0) return [];
  const only = collections ? `AND d.collection IN (${collections.map(() => "?").join(", ")})` : "";
  const rs = await db.execute({
    sql: `SELECT d.collection, d.record_id, d.title, d.subtitle,
                 snippet(search_index, 1, char(57344), char(57345), '…', 8) AS snippet
          FROM search_index JOIN search_docs d ON d.rowid = search_index.rowid
          WHERE search_index MATCH ? ${only} ORDER BY rank LIMIT ?`,
    args: [query, ...(collections ?? []), limit],
  });
  return rs.rows.map((r) => ({
    collection: String(r.collection),
    id: String(r.record_id),
    title: String(r.title),
    subtitle: String(r.subtitle ?? ""),
    ...splitSnippet(String(r.snippet ?? "")),
  }));
}
