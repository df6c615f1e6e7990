/**
 * @module domain/records/form_check
 * What a record form needs in the browser, and nothing more: the plain, JSON-serializable field
 * list of one record type (`formSpec`), and a slim check of a submission against it
 * (`checkForm`) that gives the same per-field messages as the API's zod schema
 * (domain/records/schema.ts) for what a person types into a form. The server validates every
 * submission in full; this check only spares a round trip. The RecordForm island imports this
 * module, so it must not import zod, the catalog or anything that holds SQL: the island's
 * bundle is held under 30 KB gzipped (framework/build_test.ts).
 * form_check_test.ts runs both checks over the same inputs of every record type, so they agree.
 */
import type { FieldDef } from "./fields.ts";
import type { RecordDef } from "./definition.ts";
import type { RecordValues } from "./rows.ts";

/** One input field of a form, as plain data (a FieldDef without its RegExp, SQL or hooks). */
export type FormField =
  & Pick<
    FieldDef,
    "name" | "label" | "kind" | "list" | "values" | "ref" | "max" | "min" | "defaultValue"
  >
  & Pick<FieldDef, "group" | "hint">
  & {
    /** Required on create (a generated number is not). */
    required?: boolean;
    /** A format check's regular expression source and flags, and its message. */
    pattern?: { source: string; flags: string; message: string };
  };

/** A record type's form: what the RecordForm island receives instead of the whole catalog. */
export interface FormSpec {
  singular: string;
  fields: FormField[];
  /** The fields of one line, for types with lines (orders, invoices). */
  lines?: { fields: FormField[] };
}

function formField(field: FieldDef, generated: boolean): FormField {
  const out: FormField = { name: field.name, label: field.label, kind: field.kind };
  if (field.required && !generated) out.required = true;
  if (field.list !== undefined) out.list = field.list;
  if (field.values !== undefined) out.values = field.values;
  if (field.ref !== undefined) out.ref = field.ref;
  if (field.max !== undefined) out.max = field.max;
  if (field.min !== undefined) out.min = field.min;
  // Only built-in checks go to the browser, whose RegExp backtracks: a tenant's pattern (RE2
  // syntax, customization/document/patterns.ts) is checked by the server alone.
  if (field.format && field.format.pattern instanceof RegExp) {
    const { pattern, message } = field.format;
    out.pattern = { source: pattern.source, flags: pattern.flags, message };
  }
  if (field.defaultValue !== undefined) out.defaultValue = field.defaultValue;
  if (field.group !== undefined) out.group = field.group;
  if (field.hint !== undefined) out.hint = field.hint;
  return out;
}

/** The form of a record type: its input fields (no computed ones, no SQL) as plain data. */
export function formSpec(def: RecordDef): FormSpec {
  const spec: FormSpec = {
    singular: def.singular,
    fields: def.fields.filter((f) => !f.computed).map((f) =>
      formField(f, Boolean(def.numbering) && f.name === "number")
    ),
  };
  if (def.lines) {
    spec.lines = {
      fields: def.lines.fields.filter((f) => !f.computed).map((f) => formField(f, false)),
    };
  }
  return spec;
}

// The same patterns as domain/records/schema.ts (form_check_test.ts holds the two together).
const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** A wall-clock time: hours 00-23, minutes and seconds 00-59 ("25:99" is no time). */
const DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
const PHONE_PATTERN = /^[0-9+().\-\s#xext]*$/i;
/** Looser than the server's e-mail check on purpose: the browser never refuses what it takes. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isRealDate(text: string): boolean {
  const d = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10);
}

/** The message for a wrong type or a missing value, as the API's schema words it. */
function typeMessage(field: FormField): string {
  switch (field.kind) {
    case "integer":
      return "Enter a whole number.";
    case "decimal":
      return "Enter a number.";
    case "money":
      return "Enter an amount in cents.";
    case "boolean":
      return "Use true or false.";
    case "enum":
      return `Choose one of: ${(field.values ?? []).map((v) => v.value).join(", ")}.`;
    default:
      return "Required.";
  }
}

/** A length check worded as zod words it by default (option values; never typed by hand). */
function lengthIssue(text: string, min: number, max: number): string | null {
  if (text.length < min) return `Too small: expected string to have >=${min} characters`;
  if (text.length > max) return `Too big: expected string to have <=${max} characters`;
  return null;
}

/** The problem with one present, non-null value, or null when it is fine. */
function valueIssue(field: FormField, value: unknown): string | null {
  const isNumber = typeof value === "number" && Number.isFinite(value);
  const text = typeof value === "string" ? value.trim() : null;
  switch (field.kind) {
    case "text":
    case "longtext": {
      if (text === null) return typeMessage(field);
      const max = field.max ?? (field.kind === "text" ? 200 : 5000);
      if (text.length > max) return `At most ${max} characters.`;
      if (field.required && text === "") return `${field.label} is required.`;
      const p = field.pattern;
      if (p && text !== "" && !new RegExp(p.source, p.flags).test(text)) return p.message;
      return null;
    }
    case "email":
      return text !== null && EMAIL_PATTERN.test(text) ? null : "Enter a valid e-mail address.";
    case "phone":
      if (text === null) return typeMessage(field);
      if (text.length > 40) return "At most 40 characters.";
      return PHONE_PATTERN.test(text)
        ? null
        : "A phone number has digits, spaces and + ( ) - only.";
    case "integer": {
      if (!isNumber || !Number.isInteger(value)) return typeMessage(field);
      const min = field.min ?? 0;
      if (value < min) return `At least ${min}.`;
      return value > (field.max ?? 1_000_000_000) ? "That number is too large." : null;
    }
    case "decimal":
      if (!isNumber) return typeMessage(field);
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        return "That number is too large to keep exactly."; // schema.ts: UNSAFE_NUMBER_MESSAGE
      }
      if (field.min !== undefined && value < field.min) return `At least ${field.min}.`;
      if (field.max !== undefined && value > field.max) return `At most ${field.max}.`;
      return null;
    case "money":
      if (!isNumber) return typeMessage(field);
      if (!Number.isInteger(value)) return "Amounts are whole cents.";
      if (value < (field.min ?? 0)) {
        return field.min === undefined ? "An amount cannot be negative." : typeMessage(field);
      }
      return value > 100_000_000_000 ? "That amount is too large." : null;
    case "date":
      if (text === null || !DATE_PATTERN.test(value as string)) {
        return "Use a date like 2026-03-31.";
      }
      return isRealDate(text) ? null : "That date does not exist.";
    case "datetime":
      if (text === null || !DATETIME_PATTERN.test(value as string)) {
        return "Use a date and time like 2026-03-31T08:30.";
      }
      return isRealDate(text) ? null : "That date does not exist.";
    case "boolean":
      return typeof value === "boolean" ? null : typeMessage(field);
    case "option":
      return text === null ? typeMessage(field) : lengthIssue(text, 1, 100);
    case "options":
      // Each value is checked on its own key (`name.0`) by checkForm.
      if (!Array.isArray(value)) return null;
      if (value.length > 50) return "Too big: expected array to have <=50 items";
      // schema.ts: DUPLICATE_MESSAGE
      return new Set(value).size === value.length ? null : "Choose each value once.";
    case "enum":
      return (field.values ?? []).some((v) => v.value === value) ? null : typeMessage(field);
    case "ref":
      return text !== null && ID_PATTERN.test(value as string)
        ? null
        : `Choose a ${field.label.toLowerCase()}.`;
  }
}

/** The problem with a field's value as submitted (absent, blank or filled). */
function fieldIssue(field: FormField, value: unknown, mode: "create" | "edit"): string | null {
  if (field.kind === "boolean" || field.kind === "options") {
    return value === undefined ? null : valueIssue(field, value);
  }
  const blank = typeof value === "string" && value.trim() === "";
  if (field.required) {
    // An edit may leave a field out, but not blank it.
    if (blank) return typeMessage(field);
    if (value === undefined) return mode === "create" ? typeMessage(field) : null;
    return valueIssue(field, value);
  }
  if (value === undefined || value === null || blank) return null;
  return valueIssue(field, value);
}

/** Checks each field of `fields` in `values`, adding messages under `prefix` + name. */
function checkFields(
  fields: readonly FormField[],
  values: RecordValues,
  mode: "create" | "edit",
  prefix: string,
  errors: Record<string, string[]>,
): void {
  for (const field of fields) {
    const value = values[field.name];
    const issue = fieldIssue(field, value, mode);
    if (issue) errors[prefix + field.name] = [issue];
    if (field.kind === "options" && Array.isArray(value)) {
      value.forEach((item, i) => {
        const itemIssue = typeof item === "string" ? lengthIssue(item.trim(), 1, 100) : null;
        if (itemIssue) errors[`${prefix}${field.name}.${i}`] = [itemIssue];
      });
    }
  }
}

/**
 * Per-field messages for a form submission already turned into the API's input shape
 * (`formToInput`); `{}` when the browser sees nothing wrong. Keys as the API reports them
 * (`name`, `lines.0.price`).
 */
export function checkForm(
  spec: FormSpec,
  input: RecordValues,
  mode: "create" | "edit",
): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  checkFields(spec.fields, input, mode, "", errors);
  const lines = input.lines;
  if (spec.lines && Array.isArray(lines)) {
    if (lines.length > 200) errors.lines = ["At most 200 lines."];
    lines.forEach((line: RecordValues, i: number) =>
      checkFields(spec.lines!.fields, line, "create", `lines.${i}.`, errors)
    );
  }
  return errors;
}
