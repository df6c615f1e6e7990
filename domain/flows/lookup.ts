/**
 * @module domain/flows/lookup
 * What a reference picker (the combobox) offers as the user types (issue 17): records of one
 * collection found by number or name and by the parties they name (full-text search), by a
 * product on their lines, or by a date (2026-11-20, 11/20); with nothing typed, the newest. Each
 * choice has its title and a line that tells look-alikes apart (party, date, total).
 */
import { DAY_PATTERN, isRealDay } from "../day.ts";
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";
import { NotFoundError } from "../errors.ts";
import * as fmt from "../format.ts";
import { recordTitle, titlesOf } from "../records/repository.ts";
import type { RecordValues } from "../records/rows.ts";
import { searchAll } from "../records/search.ts";

export interface Choice {
  id: string;
  title: string;
  detail: string;
}

/**
 * `2026-11-20`, `11/20/2026`, `11/20/26` or `11/20` as a date, else null (also for a day that does
 * not exist). A day without a year is the nearest one to today: "12/31" typed on January 2 is
 * the day before yesterday, not December of this year.
 */
export function dateOf(text: string, today: string): string | null {
  const t = text.trim();
  if (DAY_PATTERN.test(t)) return isRealDay(t) ? t : null;
  const m = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2}|\d{4}))?$/.exec(t);
  if (!m) return null;
  const md = `${m[1]!.padStart(2, "0")}-${m[2]!.padStart(2, "0")}`;
  if (m[3]) {
    const day = `${m[3].length === 2 ? `20${m[3]}` : m[3]}-${md}`;
    return isRealDay(day) ? day : null;
  }
  const year = Number(today.slice(0, 4));
  const distance = (day: string) => Math.abs(Date.parse(day) - Date.parse(today));
  const candidates = [year - 1, year, year + 1].map((y) => `${y}-${md}`).filter(isRealDay);
  return candidates.sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

async function detailsOf(
  db: Executor,
  collection: string,
  rows: RecordValues[],
): Promise<Choice[]> {
  const def = recordType(collection)!;
  const party = def.fields.find((f) => f.kind === "ref" && f.required && f.ref !== collection);
  const date = def.fields.find((f) => f.kind === "date" && f.required) ??
    def.fields.find((f) => f.kind === "date");
  const titles = party
    ? await titlesOf(db, party.ref!, rows.map((r) => String(r[party.name] ?? "")))
    : new Map<string, string>();
  return rows.map((row) => {
    const parts: string[] = [];
    if (party && row[party.name]) parts.push(titles.get(String(row[party.name])) ?? "");
    if (date && row[date.name]) parts.push(fmt.date(row[date.name]));
    if (def.fields.some((f) => f.name === "total_cents")) parts.push(fmt.money(row.total_cents));
    if (collection === "carriers" && row.mc_number) parts.push(`MC ${row.mc_number}`);
    if (collection === "products" && row.description) parts.push(String(row.description));
    return {
      id: String(row.id),
      title: recordTitle(def, row),
      detail: parts.filter(Boolean).join(" · "),
    };
  });
}

/** Up to `limit` active records of `collection` matching `q` (newest first when `q` is empty). */
export async function lookup(
  db: Executor,
  collection: string,
  q: string,
  today: string,
  limit = 20,
): Promise<Choice[]> {
  const def = recordType(collection);
  if (!def) throw new NotFoundError("No such record type.");
  const text = q.trim().slice(0, 100);
  const ids: string[] = [];
  const add = (id: string) => {
    if (!ids.includes(id)) ids.push(id);
  };
  if (!text) {
    const order = def.numbering ? "created_at DESC" : `${def.titleField} COLLATE NOCASE`;
    const rs = await db.execute({
      sql: `SELECT id FROM ${def.table} WHERE archived_at IS NULL ORDER BY ${order} LIMIT ?`,
      args: [limit],
    });
    for (const r of rs.rows) add(String(r.id));
  } else {
    const day = dateOf(text, today);
    const dates = def.fields.filter((f) => f.kind === "date");
    if (day && dates.length) {
      const rs = await db.execute({
        sql: `SELECT id FROM ${def.table} WHERE archived_at IS NULL AND (${
          dates.map((f) => `${f.name} = ?`).join(" OR ")
        }) ORDER BY created_at DESC, id DESC LIMIT ?`,
        args: [...dates.map(() => day), limit],
      });
      for (const r of rs.rows) add(String(r.id));
    }
    for (const hit of await searchAll(db, text, limit * 2, [collection])) add(hit.id);
    if (def.lines) {
      // A product on the lines: its code or description, or the line's own description.
      const like = `%${text.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
      const rs = await db.execute({
        sql: `SELECT DISTINCT l.${def.lines.parentKey} AS id FROM ${def.lines.table} l
              LEFT JOIN products p ON p.id = l.product_id
              WHERE l.description LIKE ? ESCAPE '\\' OR p.code LIKE ? ESCAPE '\\'
                OR p.description LIKE ? ESCAPE '\\' LIMIT ?`,
        args: [like, like, like, limit],
      });
      for (const r of rs.rows) add(String(r.id));
    }
  }
  if (!ids.length) return [];
  const rs = await db.execute({
    sql: `SELECT * FROM ${def.table} WHERE archived_at IS NULL AND id IN (${
      ids.map(() => "?").join(",")
    })`,
    args: ids,
  });
  const byId = new Map(rs.rows.map((r) => [String(r.id), r as unknown as RecordValues]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is RecordValues => Boolean(r));
  return await detailsOf(db, collection, rows.slice(0, limit));
}
