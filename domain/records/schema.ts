/**
 * @module domain/records/schema
 * zod schemas built from field descriptions: one for create, one for update (a partial plus the
 * `version` the client read). The API, the forms (server and browser) and the OpenAPI document
 * all use these, so a rule is stated once. Unknown keys, including computed fields such as
 * totals, are refused: a client cannot set them.
 */
import { z } from "zod";
import type { FieldDef } from "./fields.ts";
import { inputFields, type RecordDef } from "./definition.ts";
import { addFieldError } from "../errors.ts";
import { MAX_MONEY_CENTS } from "../rules/line_amount.ts";
import { HIDDEN_CONTROLS_MESSAGE, NO_HIDDEN_CONTROLS } from "../hidden_controls.ts";

const ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** A wall-clock time: hours 00-23, minutes and seconds 00-59 ("25:99" is no time). */
const DATETIME_PATTERN = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

function isRealDate(text: string): boolean {
  const d = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10);
}

/** What a number too large to keep exactly is told (form_check.ts says the same). */
export const UNSAFE_NUMBER_MESSAGE = "That number is too large to keep exactly.";
/** What a multi-choice value naming a choice twice is told (form_check.ts says the same). */
export const DUPLICATE_MESSAGE = "Choose each value once.";

/** The schema of one present, non-null value of a field. */
function valueSchema(field: FieldDef): z.ZodType {
  switch (field.kind) {
    case "text":
    case "longtext": {
      const max = field.max ?? (field.kind === "text" ? 200 : 5000);
      // No direction overrides, zero-width characters or control codes (domain/hidden_controls.ts).
      let s = z.string().trim().max(max, `At most ${max} characters.`).regex(
        NO_HIDDEN_CONTROLS,
        HIDDEN_CONTROLS_MESSAGE,
      );
      if (field.required) s = s.min(1, `${field.label} is required.`);
      if (field.format) {
        const format = field.format;
        return s.refine((v) => v === "" || format.pattern.test(v), format.message).transform((v) =>
          v && format.normalize ? format.normalize(v) : v
        );
      }
      return s;
    }
    case "email":
      return z.string().trim().toLowerCase().pipe(z.email("Enter a valid e-mail address."));
    case "phone":
      return z.string().trim().max(40, "At most 40 characters.").regex(
        /^[0-9+().\-\s#xext]*$/i,
        "A phone number has digits, spaces and + ( ) - only.",
      );
    case "integer": {
      const min = field.min ?? 0;
      return z.number({ error: "Enter a whole number." }).int("Enter a whole number.").min(
        min,
        `At least ${min}.`,
      ).max(
        Math.min(field.max ?? 1_000_000_000, Number.MAX_SAFE_INTEGER),
        "That number is too large.",
      );
    }
    case "decimal": {
      // Beyond 2^53 a number is not kept exactly (9007199254740993 reads back as ...992), and
      // SQLite would hand back an integer the driver refuses to read.
      let n = z.number({ error: "Enter a number." }).finite("Enter a number.").refine(
        (v) => Math.abs(v) <= Number.MAX_SAFE_INTEGER,
        UNSAFE_NUMBER_MESSAGE,
      );
      if (field.min !== undefined) n = n.min(field.min, `At least ${field.min}.`);
      if (field.max !== undefined) n = n.max(field.max, `At most ${field.max}.`);
      return n;
    }
    case "money":
      return z.number({ error: "Enter an amount in cents." }).int("Amounts are whole cents.")
        .min(field.min ?? 0, field.min === undefined ? "An amount cannot be negative." : undefined)
        // Never over the money maximum (domain/rules/line_amount.ts), a custom field's too.
        .max(Math.min(field.max ?? MAX_MONEY_CENTS, MAX_MONEY_CENTS), "That amount is too large.");
    case "date":
      return z.string().regex(DATE_PATTERN, "Use a date like 2026-03-31.").refine(
        isRealDate,
        "That date does not exist.",
      );
    case "datetime":
      return z.string().regex(DATETIME_PATTERN, "Use a date and time like 2026-03-31T08:30.")
        .refine(isRealDate, "That date does not exist.");
    case "boolean":
      return z.boolean({ error: "Use true or false." });
    case "option":
      return z.string().trim().min(1).max(100).regex(NO_HIDDEN_CONTROLS, HIDDEN_CONTROLS_MESSAGE);
    case "options": {
      // A custom multi-choice field lists its values; option lists are checked by the repository.
      const list = field.values
        ? z.array(z.enum(field.values.map((v) => v.value) as [string, ...string[]])).max(50)
        : z.array(
          z.string().trim().min(1).max(100).regex(NO_HIDDEN_CONTROLS, HIDDEN_CONTROLS_MESSAGE),
        ).max(50);
      return list.refine((values) => new Set(values).size === values.length, DUPLICATE_MESSAGE);
    }
    case "enum": {
      const values = (field.values ?? []).map((v) => v.value);
      return z.enum(values as [string, ...string[]], {
        error: `Choose one of: ${values.join(", ")}.`,
      });
    }
    case "ref":
      return z.string().regex(ID_PATTERN, `Choose a ${field.label.toLowerCase()}.`);
  }
}

/** Optional fields accept null, and blank text as null (forms send empty strings). */
function fieldSchema(field: FieldDef, mode: "create" | "update", generated: boolean): z.ZodType {
  const value = valueSchema(field);
  if (field.kind === "boolean" || field.kind === "options") {
    return mode === "create" ? value.optional() : value.optional();
  }
  const blankToNull = z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    value.nullable(),
  );
  if (field.required && !generated) {
    const requiredValue = z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      value,
    );
    return mode === "create" ? requiredValue : requiredValue.optional();
  }
  return blankToNull.optional();
}

function linesSchema(def: RecordDef): z.ZodType | null {
  if (!def.lines) return null;
  const shape: Record<string, z.ZodType> = {};
  for (const field of def.lines.fields) {
    if (!field.computed) shape[field.name] = fieldSchema(field, "create", false);
  }
  return z.array(z.strictObject(shape)).max(200, "At most 200 lines.");
}

// Keyed by the description itself: a tenant's description with its custom fields is its own object.
const cache = new WeakMap<RecordDef, Map<string, z.ZodObject>>();

function cached(def: RecordDef, mode: string, build: () => z.ZodObject): z.ZodObject {
  let byMode = cache.get(def);
  if (!byMode) cache.set(def, byMode = new Map());
  let schema = byMode.get(mode);
  if (!schema) byMode.set(mode, schema = build());
  return schema;
}

/** The body of `POST /api/v1/<collection>`. */
export function createSchema(def: RecordDef): z.ZodObject {
  return cached(def, "create", () => {
    const shape: Record<string, z.ZodType> = {};
    for (const field of inputFields(def)) {
      const generated = Boolean(def.numbering) && field.name === "number";
      shape[field.name] = fieldSchema(field, "create", generated);
    }
    const lines = linesSchema(def);
    if (lines) shape.lines = lines.optional();
    return z.strictObject(shape);
  });
}

/** The body of `PATCH /api/v1/<collection>/{id}`: any subset of fields, plus `version`. */
export function updateSchema(def: RecordDef): z.ZodObject {
  return cached(def, "update", () => {
    const shape: Record<string, z.ZodType> = {
      version: z.number({ error: "Send the version you read (optimistic concurrency)." }).int()
        .min(1),
    };
    for (const field of inputFields(def)) {
      const generated = Boolean(def.numbering) && field.name === "number";
      shape[field.name] = fieldSchema(field, "update", generated);
    }
    const lines = linesSchema(def);
    if (lines) shape.lines = lines.optional();
    return z.strictObject(shape);
  });
}

/**
 * Per-field messages from a zod error, with unknown keys reported on each key (a client that
 * sends `total_cents` learns that it cannot set it).
 */
export function issuesByField(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path.map(String), key].join(".");
        addFieldError(out, path, "This field cannot be set.");
      }
      continue;
    }
    const path = issue.path.map(String).join(".") || "_";
    // zod says "expected string, received undefined" for a missing value; people say "Required".
    const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
    addFieldError(out, path, missing ? "Required." : issue.message);
  }
  return out;
}
