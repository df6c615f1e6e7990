/**
 * @module domain/records/custom_values
 * A record's custom field values between their three shapes: flat among the record's values
 * (forms, pages, CSV, rules and the repository read them like any field), one JSON object in
 * the record's `custom_fields` column (migration 0080), and nested under `custom_fields` in the
 * API (lists read for pages get them flat from SQLite: query.ts `selectJson`). Pure: islands may
 * import it.
 */
import type { RecordDef } from "./definition.ts";
import type { RecordValues } from "./rows.ts";

/** The custom values among `values` as the JSON to store, or null when the write has none. */
export function customFieldValues(
  def: RecordDef,
  values: RecordValues,
  keepNulls: boolean,
): RecordValues | null {
  let out: RecordValues | null = null;
  for (const field of def.fields) {
    if (!field.custom || !(field.name in values)) continue;
    const value = values[field.name];
    const empty = value === null || value === undefined || value === "" ||
      (value === false && !keepNulls) ||
      (Array.isArray(value) && value.length === 0);
    if (empty && !keepNulls) continue;
    (out ??= {})[field.name] = empty ? null : value;
  }
  return out;
}

/** A record as the API answers it: custom values moved under `custom_fields`. */
export function nestCustomFields(def: RecordDef, record: RecordValues): RecordValues {
  const custom = def.fields.filter((f) => f.custom);
  if (!custom.length) return record;
  const out: RecordValues = {};
  const nested: RecordValues = {};
  for (const [key, value] of Object.entries(record)) {
    if (custom.some((f) => f.name === key)) nested[key] = value;
    else out[key] = value;
  }
  for (const field of custom) if (!(field.name in nested)) nested[field.name] = null;
  out.custom_fields = nested;
  return out;
}

/**
 * An API body with `custom_fields: {...}` made flat for validation; a key the record type does
 * not have becomes `custom_fields.<key>`, so the schema refuses it by that name.
 */
export function flattenInput(def: RecordDef, body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const { custom_fields: nested, ...rest } = body as RecordValues;
  if (nested === undefined) return body;
  if (!nested || typeof nested !== "object" || Array.isArray(nested)) return body;
  for (const [key, value] of Object.entries(nested as RecordValues)) {
    // An unknown key keeps its full name, which the strict schema then refuses by name.
    const known = def.fields.some((f) => f.custom && f.name === key);
    rest[known ? key : `custom_fields.${key}`] = value;
  }
  return rest;
}
