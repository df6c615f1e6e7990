/**
 * @module domain/records/fields
 * The vocabulary every record type is described in: a field's kind, label and rules. One field
 * description drives the SQL column, the zod schema (server and browser), the OpenAPI document,
 * list columns, filters, forms and CSV. Pure data and functions: this module runs in islands too.
 */

export type FieldKind =
  | "text" // one line
  | "longtext" // several lines
  | "email"
  | "phone"
  | "integer"
  | "decimal"
  | "money" // integer cents; `*_cents` names
  | "date" // YYYY-MM-DD
  | "datetime" // YYYY-MM-DDTHH:MM (local to the broker)
  | "boolean"
  | "option" // one value of a tenant-editable option list
  | "options" // several values of an option list (stored as JSON)
  | "enum" // a fixed set of values the rules depend on (statuses)
  | "ref"; // the id of another record

export interface EnumValue {
  value: string;
  label: string;
}

/**
 * A format check with a normaliser (MC, DOT and EST numbers). Built-in checks are RegExps; a
 * custom field's pattern is the tenant's, compiled for RE2 (customization/document/patterns.ts),
 * which only the server runs.
 */
export interface FormatCheck {
  pattern: RegExp | {
    readonly source: string;
    readonly flags: string;
    test(text: string): boolean;
  };
  message: string;
  normalize?: (value: string) => string;
}

export interface FieldDef {
  /** snake_case: the SQL column and the API key. */
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  /** Option list key, for `option` and `options`. */
  list?: string;
  /** Values for `enum`. */
  values?: readonly EnumValue[];
  /** Target collection, for `ref`. */
  ref?: string;
  /** Set by the server (totals, statuses); shown, never accepted as input. */
  computed?: boolean;
  /** SQL expression for a computed field that is derived when read (overdue status, margin). */
  sql?: string;
  max?: number;
  min?: number;
  format?: FormatCheck;
  defaultValue?: string | number | boolean;
  /** Shown in the list by default. */
  column?: boolean;
  filter?: boolean;
  sort?: boolean;
  /** Included in full-text search. */
  search?: boolean;
  /** Placed in the form's second column group ("Details", "Money", ...). */
  group?: string;
  hint?: string;
  /** A tenant's custom field (domain/records/custom_fields.ts): stored in `custom_fields` JSON. */
  custom?: boolean;
}

/** Field helpers: short declarations in the record modules. */
export const f = {
  text: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "text",
    ...extra,
  }),
  longtext: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "longtext",
    ...extra,
  }),
  email: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "email",
    ...extra,
  }),
  phone: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "phone",
    ...extra,
  }),
  integer: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "integer",
    ...extra,
  }),
  decimal: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "decimal",
    ...extra,
  }),
  money: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "money",
    ...extra,
  }),
  date: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "date",
    ...extra,
  }),
  datetime: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "datetime",
    ...extra,
  }),
  boolean: (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "boolean",
    ...extra,
  }),
  option: (name: string, label: string, list: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "option",
    list,
    ...extra,
  }),
  options: (
    name: string,
    label: string,
    list: string,
    extra: Partial<FieldDef> = {},
  ): FieldDef => ({
    name,
    label,
    kind: "options",
    list,
    ...extra,
  }),
  enumOf: (
    name: string,
    label: string,
    values: readonly EnumValue[],
    extra: Partial<FieldDef> = {},
  ): FieldDef => ({ name, label, kind: "enum", values, ...extra }),
  ref: (name: string, label: string, ref: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    name,
    label,
    kind: "ref",
    ref,
    ...extra,
  }),
};

/** Builds enum values from labels: "Picked up" -> { value: "picked_up", label: "Picked up" }. */
export function enumValues(...labels: string[]): EnumValue[] {
  return labels.map((label) => ({
    value: label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, ""),
    label,
  }));
}

/** The label of an enum value, or the value itself. */
export function enumLabel(field: FieldDef, value: unknown): string {
  if (value === null || value === undefined) return "";
  return field.values?.find((v) => v.value === value)?.label ?? String(value);
}

/** Parses "1,234.5" or "$1234.50" into cents; null when blank; NaN when not a number. */
export function parseDollars(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, "");
  if (cleaned === "") return null;
  if (!/^-?\d+(\.\d{0,2})?$/.test(cleaned)) return NaN;
  return Math.round(Number(cleaned) * 100);
}

// --- Formats of identifiers brokers type every day -------------------------------------------

/** FMCSA MC number: 1-8 digits, written with or without "MC". Stored as digits. */
export const MC_NUMBER: FormatCheck = {
  pattern: /^(MC[-\s#]*)?\d{1,8}$/i,
  message: "An MC number is 1 to 8 digits, with or without the MC prefix.",
  normalize: (v) => v.replace(/^MC[-\s#]*/i, ""),
};

/** USDOT number: 1-8 digits, written with or without "DOT". Stored as digits. */
export const DOT_NUMBER: FormatCheck = {
  pattern: /^((US)?DOT[-\s#]*)?\d{1,8}$/i,
  message: "A DOT number is 1 to 8 digits, with or without the DOT prefix.",
  normalize: (v) => v.replace(/^(US)?DOT[-\s#]*/i, ""),
};

/**
 * USDA establishment number as printed in the inspection legend: digits with an optional
 * letter prefix (M, P, V, G) and suffix (A-Z), written "EST 245C", "EST. M1234" or "245C".
 * Stored without the "EST" prefix, upper-case.
 */
export const EST_NUMBER: FormatCheck = {
  pattern: /^(EST\.?\s*)?[MPVG]?\d{1,5}[A-Z]?$/i,
  message: 'An establishment number looks like "EST 245C" or "M1234".',
  normalize: (v) => v.replace(/^EST\.?\s*/i, "").toUpperCase(),
};
