/**
 * @module domain/records/choices
 * What a form offers: each option list's active values, and the records a reference field can
 * point at (active ones, newest first, at most 500, plus the value already chosen). List pages
 * offer the same records as filter choices, when a collection is small enough for a select.
 */
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";
import type { RecordDef } from "./definition.ts";
import type { FieldDef } from "./fields.ts";
import { titlesOf } from "./repository.ts";
import type { RecordValues } from "./rows.ts";

/** Most active records a list's reference filter lists in a select (a bigger one stays hidden). */
export const REF_FILTER_LIMIT = 300;

/** Each option list's active values, in their set order, for forms and filters. */
export async function optionChoices(db: Executor): Promise<Record<string, string[]>> {
  const rs = await db.execute(
    "SELECT list, value FROM option_values WHERE archived_at IS NULL ORDER BY list, position, value",
  );
  // A Map, then an object: a list a workspace names `constructor` is its own key, not Object's.
  const out = new Map<string, string[]>();
  for (const row of rs.rows) {
    const list = String(row.list);
    const values = out.get(list) ?? [];
    values.push(String(row.value));
    out.set(list, values);
  }
  return Object.fromEntries(out);
}

/** Ids of a collection's active records in picker order (newest first if numbered, else by title). */
async function activeIds(db: Executor, collection: string, limit: number): Promise<string[]> {
  const target = recordType(collection)!;
  const order = target.numbering ? "created_at DESC" : `${target.titleField} COLLATE NOCASE`;
  const rs = await db.execute(
    `SELECT id FROM ${target.table} WHERE archived_at IS NULL ORDER BY ${order} LIMIT ${limit}`,
  );
  return rs.rows.map((r) => String(r.id));
}

/** The records each reference field of a form can point at, by collection, as [id, title]. */
export async function refChoices(
  db: Executor,
  def: RecordDef,
  current: RecordValues,
): Promise<Record<string, Array<[string, string]>>> {
  const fields = [...def.fields, ...(def.lines?.fields ?? [])].filter((f) => f.kind === "ref");
  const out: Record<string, Array<[string, string]>> = {};
  for (const collection of new Set(fields.map((f) => f.ref!))) {
    const ids = await activeIds(db, collection, 500);
    for (const f of fields.filter((f) => f.ref === collection)) {
      const chosen = current[f.name];
      if (typeof chosen === "string" && chosen && !ids.includes(chosen)) ids.push(chosen);
      for (const line of (current.lines as RecordValues[] | undefined) ?? []) {
        const v = line[f.name];
        if (typeof v === "string" && v && !ids.includes(v)) ids.push(v);
      }
    }
    const titles = await titlesOf(db, collection, ids);
    out[collection] = ids.map((id) => [id, titles.get(id) ?? id]);
  }
  return out;
}

const byTitle = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Collections whose records are deals and money: filtered by link ("See all"), not by a select. */
const DEAL_COLLECTIONS = new Set([
  "purchase-orders",
  "sales-orders",
  "loads",
  "invoices",
  "payments",
  "claims",
]);

/**
 * A list's reference filters as selects: per field name, the active records as [id, title]
 * sorted by title, plus the selected one (marked archived). A field is left out when there is
 * nothing to choose, when its collection has more than REF_FILTER_LIMIT active records, or when
 * it filters on several ids at once (the API's comma syntax), which one select cannot show, and
 * when it points at deals (orders, loads, invoices), which are found by search, not picked.
 */
export async function refFilterChoices(
  db: Executor,
  fields: readonly FieldDef[],
  selected: Record<string, string>,
): Promise<Record<string, Array<[string, string]>>> {
  const refFields = fields.filter((f) => f.kind === "ref" && !selected[f.name]?.includes(","));
  const out: Record<string, Array<[string, string]>> = {};
  for (const collection of new Set(refFields.map((f) => f.ref!))) {
    // Parties and products, not deals: nobody picks "PO-10243" from a list of three hundred. A
    // deal or a big collection offers only the record chosen now; the picker searches the rest.
    const ids = DEAL_COLLECTIONS.has(collection)
      ? []
      : await activeIds(db, collection, REF_FILTER_LIMIT + 1);
    if (DEAL_COLLECTIONS.has(collection) || ids.length > REF_FILTER_LIMIT) {
      const forCollection = refFields.filter((f) => f.ref === collection && selected[f.name]);
      const titles = await titlesOf(db, collection, forCollection.map((f) => selected[f.name]!));
      for (const f of forCollection) {
        const chosen = selected[f.name]!;
        out[f.name] = [[chosen, titles.get(chosen) ?? "Unknown record"]];
      }
      continue;
    }
    const active = new Set(ids);
    const forCollection = refFields.filter((f) => f.ref === collection);
    const extra = forCollection.map((f) => selected[f.name] ?? "")
      .filter((id) => id && !active.has(id));
    const titles = await titlesOf(db, collection, [...ids, ...extra]);
    const activeChoices = ids.map((id): [string, string] => [id, titles.get(id) ?? id])
      .sort((a, b) => byTitle.compare(a[1], b[1]));
    for (const f of forCollection) {
      const chosen = selected[f.name];
      const inactive: Array<[string, string]> = chosen && !active.has(chosen)
        ? [[chosen, titles.has(chosen) ? `${titles.get(chosen)} (archived)` : "Unknown record"]]
        : [];
      const choices = [...inactive, ...activeChoices];
      if (choices.length) out[f.name] = choices; // a select of "Any" alone helps no one
    }
  }
  return out;
}
