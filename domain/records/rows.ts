/**
 * @module domain/records/rows
 * Converts between stored rows and API values: booleans are 0/1 in SQLite, option sets are JSON
 * text. Everything the API returns passes through `toApi`.
 */
import type { FieldDef } from "./fields.ts";
import { type RecordDef, SYSTEM_FIELDS } from "./definition.ts";

export type RecordValues = Record<string, unknown>;

function fromStored(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) {
    return field.kind === "options" ? [] : field.kind === "boolean" ? false : null;
  }
  switch (field.kind) {
    case "boolean":
      return value === 1 || value === 1n || value === true || value === "1";
    case "options":
      try {
        const parsed = JSON.parse(String(value));
        return Array.isArray(parsed) ? parsed : [];
      } catch {
        return [];
      }
    case "integer":
    case "money":
      return Number(value);
    case "decimal":
      return Number(value);
    default:
      return value;
  }
}

/** An API value as its SQL argument. */
export function toStored(field: FieldDef, value: unknown): string | number | null {
  if (value === null || value === undefined) {
    if (field.defaultValue !== undefined) return toStored(field, field.defaultValue);
    return field.kind === "options" ? "[]" : field.kind === "boolean" ? 0 : null;
  }
  if (field.kind === "boolean") return value ? 1 : 0;
  if (field.kind === "options") return JSON.stringify(value);
  return value as string | number;
}

/** A stored row as the API shows it: system fields first, then the record's fields. */
export function toApi(
  def: RecordDef | { fields: readonly FieldDef[] },
  row: RecordValues,
): RecordValues {
  const out: RecordValues = {};
  if ("collection" in def) {
    for (const key of SYSTEM_FIELDS) out[key] = row[key] ?? null;
  } else if (row.id !== undefined) {
    out.id = row.id;
  }
  for (const field of def.fields) out[field.name] = fromStored(field, row[field.name]);
  if (out.version !== undefined && out.version !== null) out.version = Number(out.version);
  return out;
}
