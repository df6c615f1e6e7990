/**
 * @module domain/records/form_input
 * Turns a submitted HTML form (strings; dollars; checkboxes; `lines.0.weight` names) into the
 * API's input shape, so that the browser and the server validate a form with the very schema
 * the API uses. Pure: the RecordForm island runs it before submitting.
 */
import { type FieldDef, parseDollars } from "./fields.ts";
import { decimalAmount } from "../format.ts";
import type { RecordValues } from "./rows.ts";

export type FormEntries = Array<[string, string]>;

type FormInputField = Pick<FieldDef, "name" | "kind" | "computed">;

/** What a form is read against: a record type, or the FormSpec a form island receives. */
export interface FormShape {
  fields: readonly FormInputField[];
  lines?: { fields: readonly FormInputField[] };
}

function convert(field: FormInputField, raw: string[]): unknown {
  const first = raw[0] ?? "";
  switch (field.kind) {
    case "boolean":
      return raw.some((v) => v === "true" || v === "on");
    case "options":
      return raw.filter((v) => v !== "");
    case "integer":
    case "decimal": {
      if (first.trim() === "") return null;
      const n = Number(first.replace(/,/g, ""));
      return Number.isNaN(n) ? first : n;
    }
    case "money": {
      const cents = parseDollars(first);
      return cents === null ? null : Number.isNaN(cents) ? first : cents;
    }
    default:
      return first;
  }
}

/** The API input for a form submission of `def` (only the fields the form carries). */
export function formToInput(def: FormShape, entries: FormEntries): RecordValues {
  const byName = new Map<string, string[]>();
  for (const [k, v] of entries) {
    if (k === "_csrf") continue;
    const list = byName.get(k) ?? [];
    list.push(v);
    byName.set(k, list);
  }
  const input: RecordValues = {};
  for (const field of def.fields) {
    if (field.computed) continue;
    // Checkboxes send nothing when unchecked: a form that shows the field says so in `_fields`.
    const present = byName.has(field.name) ||
      ((field.kind === "boolean" || field.kind === "options") && byName.has(`_has.${field.name}`));
    if (!present) continue;
    input[field.name] = convert(field, byName.get(field.name) ?? []);
  }
  if (byName.has("version")) input.version = Number(byName.get("version")![0]);
  if (def.lines) {
    const lines: RecordValues[] = [];
    for (const [k, values] of byName) {
      const m = /^lines\.(\d+)\.(\w+)$/.exec(k);
      if (!m) continue;
      const index = Number(m[1]);
      const field = def.lines.fields.find((f) => f.name === m[2] && !f.computed);
      if (!field || index > 500) continue;
      (lines[index] ??= {})[field.name] = convert(field, values);
    }
    if (byName.has("_has.lines")) {
      input.lines = lines.filter((line) =>
        line &&
        Object.entries(line).some(([k, v]) =>
          v !== null && v !== "" && !["weight_unit", "price_basis"].includes(k)
        )
      );
    }
  }
  return input;
}

/** A record's value as a form shows it (dollars for cents, empty for null). */
export function formValue(field: Pick<FieldDef, "kind">, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field.kind === "money") return decimalAmount(value);
  return String(value);
}
