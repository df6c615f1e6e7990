/**
 * @module customization/document/fields_schema
 * The `custom_fields` section of the configuration document: per record type, the tenant's own
 * fields (text, number, money, date, choice, multi-choice, yes/no, link to another record) with
 * their label, default, help text and checks. domain/records/custom_fields.ts turns each into a
 * field description the forms, lists, filters, CSV, search and the API already understand.
 *
 * A field removed from this section keeps its stored values (they are only hidden) until the
 * tenant purges them (`POST /api/v1/custom-fields/purge`), so a rollback brings them back.
 */
import { z } from "zod";
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { SYSTEM_FIELDS } from "../../domain/records/definition.ts";
import { PATTERN_MAX_LENGTH, patternProblem } from "./patterns.ts";

export const CUSTOM_FIELD_TYPES = [
  "text",
  "number",
  "money",
  "date",
  "choice",
  "multi_choice",
  "yes_no",
  "link",
] as const;

export type CustomFieldType = typeof CUSTOM_FIELD_TYPES[number];

const COLLECTIONS = RECORD_TYPES.map((d) => d.collection) as [string, ...string[]];

/**
 * Names a custom field may not take: the API's own keys, and `constructor`, the one member every
 * JavaScript object inherits that fits a key's spelling (a record without the field would seem
 * to have it: forms and lists would read Object's constructor as its value).
 */
const RESERVED = new Set<string>([
  ...SYSTEM_FIELDS,
  "lines",
  "custom_fields",
  "match",
  "constructor",
]);

/** One custom field of a record type. */
export const CustomFieldSchema = z.strictObject({
  key: z.string().regex(
    /^[a-z][a-z0-9_]{0,39}$/,
    "Use lower-case letters, digits and _ (up to 40), starting with a letter.",
  ).meta({ description: "The field's name in the API, CSV and rules.", examples: ["container"] }),
  label: z.string().trim().min(1, "Enter a label.").max(60, "Use at most 60 characters."),
  type: z.enum(CUSTOM_FIELD_TYPES),
  required: z.boolean().default(false),
  default: z.union([z.string().max(200), z.number(), z.boolean()]).nullable().default(null),
  help: z.string().trim().max(200).default(""),
  min: z.number().nullable().default(null),
  max: z.number().nullable().default(null),
  pattern: z.string().max(PATTERN_MAX_LENGTH, `Use at most ${PATTERN_MAX_LENGTH} characters.`)
    .nullable().default(null).meta({
      description:
        "An RE2 regular expression a text value must match (anchor it with ^ and $ for the whole value); no backreferences or lookarounds.",
      examples: ["^[A-Z]{4}\\d{7}$"],
    }),
  choices: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  link_to: z.enum(COLLECTIONS).nullable().default(null),
  column: z.boolean().default(false),
  filter: z.boolean().default(true),
  search: z.boolean().default(true),
  document_labels: z.array(z.string().trim().min(1).max(60)).max(10).default([]).meta({
    description:
      "Other labels a document may print beside or above the value (the field's own label is always looked for).",
    examples: [["Container No", "Cntr #"]],
  }),
  document_pattern: z.string().max(
    PATTERN_MAX_LENGTH,
    `Use at most ${PATTERN_MAX_LENGTH} characters.`,
  ).nullable().default(null).meta({
    description:
      "An RE2 regular expression the value read from a document must match (its first match is taken); when no label is found, the document is searched for it.",
    examples: ["[A-Z]{4}\\d{7}"],
  }),
}).superRefine((field, ctx) => {
  const problem = (path: string, message: string) =>
    ctx.addIssue({ code: "custom", path: [path], message });
  if (RESERVED.has(field.key)) problem("key", `"${field.key}" is a name the app uses itself.`);
  if ((field.type === "choice" || field.type === "multi_choice") && field.choices.length === 0) {
    problem("choices", "A choice field lists its choices.");
  }
  if (field.type === "link" && !field.link_to) {
    problem("link_to", `Name the record type it links to: ${COLLECTIONS.join(", ")}.`);
  }
  if (field.pattern !== null) {
    if (field.type !== "text") problem("pattern", "Only text fields take a pattern.");
    const wrong = patternProblem(field.pattern);
    if (wrong) problem("pattern", wrong);
  }
  if (field.document_pattern !== null) {
    const wrong = patternProblem(field.document_pattern);
    if (wrong) problem("document_pattern", wrong);
  }
  if (field.min !== null && field.max !== null && field.min > field.max) {
    problem("max", "max is below min.");
  }
  if (
    field.default !== null && field.type === "choice" && !field.choices.includes(
      String(field.default),
    )
  ) problem("default", "The default is one of the choices.");
});

export type CustomFieldSpec = z.infer<typeof CustomFieldSchema>;

function fieldList(collection: string) {
  const def = RECORD_TYPES.find((d) => d.collection === collection)!;
  const builtIn = new Set(def.fields.map((f) => f.name));
  return z.array(CustomFieldSchema).max(100, "At most 100 custom fields per record type.")
    .superRefine((fields, ctx) => {
      const seen = new Set<string>();
      for (const [i, field] of fields.entries()) {
        if (builtIn.has(field.key)) {
          ctx.addIssue({
            code: "custom",
            path: [i, "key"],
            message: `${def.plural} already have a field "${field.key}"; choose another key.`,
          });
        }
        if (seen.has(field.key)) {
          ctx.addIssue({ code: "custom", path: [i, "key"], message: "This key is used twice." });
        }
        seen.add(field.key);
      }
    }).default([]).meta({
      description: `Custom fields of ${def.plural.toLowerCase()}: key, label, type (${
        CUSTOM_FIELD_TYPES.join(", ")
      }), required, default, help, min, max, pattern, choices, link_to, column, filter, search, document_labels, document_pattern.`,
      examples: [[{
        key: "container",
        label: "Container number",
        type: "text",
        required: false,
        default: null,
        help: "Four letters and seven digits, as on the container.",
        min: null,
        max: null,
        pattern: "^[A-Z]{4}\\d{7}$",
        choices: [],
        link_to: null,
        column: true,
        filter: true,
        search: true,
        document_labels: ["Container No", "Container #"],
        document_pattern: "[A-Z]{4}\\d{7}",
      }]],
    });
}

/** `custom_fields`: per record type (its API name), the list of its custom fields. */
export const CustomFieldsSchema = z.strictObject(
  Object.fromEntries(COLLECTIONS.map((c) => [c, fieldList(c)])) as Record<
    string,
    ReturnType<typeof fieldList>
  >,
).prefault({}).meta({
  description:
    "The tenant's own fields on each record type: shown in forms, pages, lists, filters, CSV, search and the API (under custom_fields).",
});

export type CustomFieldsConfig = z.infer<typeof CustomFieldsSchema>;
