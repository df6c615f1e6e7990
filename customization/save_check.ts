/**
 * @module customization/save_check
 * Checks a configuration document gets when it is saved, on top of its schema, for values that
 * the schema cannot judge alone because they must fit a record type's fields.
 *
 * A custom field's `default` is written into every record created without a value, past the
 * checks a value sent by a person gets: a date field defaulting to "tomorrow", a text field to a
 * value its own pattern refuses, a number field to "abc" were stored as they were. It must be a
 * value the field accepts.
 *
 * A rule's `set_field` action names a field and a value; domain/rules/engine.ts writes that value
 * as it is, inside the record's own write. A value the field cannot hold (null for a required
 * name, "klingon" for a language, text for an amount) failed the database's constraints on
 * every create or update of the record type (a 500, the type could no longer be saved), or was
 * stored where no form, list or export expects it. So a document is checked when it is saved:
 * each `set_field` must name a field a rule can set (a stored built-in field or a custom field
 * of the same document) and a value the API itself would accept for it.
 *
 * Saving only (`PUT /api/v1/config`, the validate call, the settings preview and apply), not reading: a
 * stored document is read through the schema, which must not become stricter in place.
 */
import type { z } from "zod";
import { recordType } from "../domain/catalog.ts";
import { createSchema, updateSchema } from "../domain/records/schema.ts";
import { InvalidError } from "../domain/errors.ts";
import { withCustomFields } from "./fields.ts";
import type { CustomFieldsConfig } from "./document/fields_schema.ts";
import type { RulesConfig } from "./document/rules_schema.ts";

/** The parts of the document the check reads. */
export interface RuleDocument {
  custom_fields: CustomFieldsConfig;
  rules: RulesConfig;
}

/** Problems of the rules' `set_field` actions, by path in the document. */
export function ruleActionProblems(doc: RuleDocument): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  doc.rules.record_rules.forEach((rule, i) => {
    const builtIn = recordType(rule.record_type);
    if (!builtIn) return;
    const def = withCustomFields(builtIn, doc.custom_fields);
    const settable = def.fields.filter((f) => f.custom || (!f.computed && !f.sql));
    const shape: Record<string, z.ZodType> = updateSchema(def).shape;
    rule.actions.forEach((action, j) => {
      if (action.type !== "set_field") return;
      const at = `rules.record_rules.${i}.actions.${j}`;
      const field = settable.find((f) => f.name === action.field);
      const schema = field && Object.hasOwn(shape, field.name) ? shape[field.name] : undefined;
      if (!field || !schema) {
        out[`${at}.field`] = [
          `A rule cannot set "${action.field}" of ${builtIn.plural.toLowerCase()}. Fields it can set: ${
            settable.filter((f) => Object.hasOwn(shape, f.name)).map((f) => f.name).join(", ")
          }.`,
        ];
        return;
      }
      if (field.kind === "options") {
        if (action.value !== null) {
          out[`${at}.value`] = [
            `${field.label} holds several choices; a rule can only clear it (value null).`,
          ];
        }
        return;
      }
      const result = schema.safeParse(action.value);
      if (!result.success) {
        out[`${at}.value`] = [
          `${field.label} cannot be set to ${JSON.stringify(action.value)}: ${
            result.error.issues.map((x) => x.message).join(" ")
          }`,
        ];
      }
    });
  });
  return out;
}

/** Problems of the custom fields' defaults, by path in the document. */
export function defaultProblems(doc: RuleDocument): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [collection, specs] of Object.entries(doc.custom_fields)) {
    const builtIn = recordType(collection);
    if (!builtIn || !specs?.length) continue;
    const def = withCustomFields(builtIn, doc.custom_fields);
    const shape: Record<string, z.ZodType> = createSchema(def).shape;
    specs.forEach((spec, i) => {
      if (spec.default === null) return;
      const at = `custom_fields.${collection}.${i}.default`;
      const field = def.fields.find((f) => f.custom && f.name === spec.key);
      if (!field || field.defaultValue === undefined) return;
      if (spec.type === "multi_choice") {
        if (typeof spec.default !== "string" || !spec.choices.includes(spec.default)) {
          out[at] = ["The default is one of the choices."];
        }
        return;
      }
      const result = shape[spec.key]?.safeParse(field.defaultValue);
      if (result && !result.success) {
        out[at] = [
          `${spec.label} cannot default to ${JSON.stringify(spec.default)}: ${
            result.error.issues.map((x) => x.message).join(" ")
          }`,
        ];
      }
    });
  }
  return out;
}

/** Throws a 400 listing every problem of defaults and `set_field` actions; nothing is saved. */
export function assertSavable(doc: RuleDocument): void {
  const problems = { ...defaultProblems(doc), ...ruleActionProblems(doc) };
  const paths = Object.keys(problems);
  if (paths.length === 0) return;
  throw new InvalidError(
    `The configuration has ${paths.length} problem${paths.length === 1 ? "" : "s"} (${
      paths.join(", ")
    }). Nothing was changed.`,
    problems,
  );
}
