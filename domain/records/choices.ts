/**
 * @module domain/records/choices
 * What a form offers: each option list's active values, and the records a reference field can
 * point at (active ones, newest first, at most 500, plus the value already chosen).
 */
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";
import type { RecordDef } from "./definition.ts";
import { titlesOf } from "./repository.ts";
import type { RecordValues } from "./rows.ts";

export async function optionChoices(db: Executor): Promise<Record<string, string[]>> {
  const rs = await db.execute(
    "SELECT list, value FROM option_values WHERE archived_at IS NULL ORDER BY list, position, value",
  );
  const out: Record<string, string[]> = {};
  for (const row of rs.rows) (out[String(row.list)] ??= []).push(String(row.value));
  return out;
}

export async function refChoices(
  db: Executor,
  def: RecordDef,
  current: RecordValues,
): Promise<Record<string, Array<[string, string]>>> {
  const fields = [...def.fields, ...(def.lines?.fields ?? [])].filter((f) => f.kind === "ref");
  const out: Record<string, Array<[string, string]>> = {};
  for (const collection of new Set(fields.map((f) => f.ref!))) {
    const target = recordType(collection)!;
    const order = target.numbering ? "created_at DESC" : `${target.titleField} COLLATE NOCASE`;
    const rs = await db.execute(
      `SELECT id FROM ${target.table} WHERE archived_at IS NULL ORDER BY ${order} LIMIT 500`,
    );
    const ids = rs.rows.map((r) => String(r.id));
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
