/**
 * @module customization/document/layout_check
 * The `layouts` section names fields, and a record type's fields are its built-in ones plus the
 * custom fields the same document declares (`custom_fields`), so this check runs on the whole
 * document rather than inside the `layouts` schema. A custom field is placed exactly like a
 * built-in one: in form and detail sections, `hidden`, `required`, list columns and default
 * filters. A document that removes a custom field still placed in a layout is refused with the
 * layout's path (never silently rewritten: the person sees what would disappear, and a rollback
 * brings back a layout and its fields together).
 */
import type { z } from "zod";
import { recordType } from "../../domain/catalog.ts";
import { filterParams } from "../../domain/records/query.ts";
import type { CustomFieldsConfig } from "./fields_schema.ts";

interface RecordLayoutShape {
  sections: Array<{ title: string; fields: string[] }>;
  hidden: string[];
  required: string[];
  list_columns: Partial<Record<string, string[]>>;
  default_filters: Partial<Record<string, Record<string, string>>>;
}

/** The parts of the document the check reads. */
export interface LayoutDocument {
  layouts: { record_types: Partial<Record<string, RecordLayoutShape>> };
  custom_fields: CustomFieldsConfig;
}

/**
 * The keys a default filter may take: the list's filter parameters (a date's `_from` and `_to`),
 * custom fields' among them unless their `filter` is off. Any built-in field's name stays accepted
 * as before (a stored document may hold one), but only real filters are listed as allowed.
 */
function filterKeys(
  def: NonNullable<ReturnType<typeof recordType>>,
  custom: CustomFieldsConfig[string],
): { accepted: Set<string>; listed: string[] } {
  const listed: string[] = [];
  for (const f of def.fields) if (f.filter) listed.push(...filterParams(f));
  for (const spec of custom) {
    if (!spec.filter) continue;
    listed.push(...(spec.type === "date" ? [`${spec.key}_from`, `${spec.key}_to`] : [spec.key]));
  }
  return { accepted: new Set([...def.fields.map((f) => f.name), ...listed]), listed };
}

/** Adds an issue, with its path in the document, for every field a layout names that the type lacks. */
export function checkLayoutFields(doc: LayoutDocument, ctx: z.RefinementCtx): void {
  for (const [collection, layout] of Object.entries(doc.layouts.record_types)) {
    if (!layout) continue;
    const def = recordType(collection)!;
    const custom = doc.custom_fields[collection] ?? [];
    const names = new Set([...def.fields.map((f) => f.name), ...custom.map((s) => s.key)]);
    const allowed = def.fields.map((f) => f.name).join(", ") +
      (custom.length ? `; custom fields: ${custom.map((s) => s.key).join(", ")}` : "");
    const at = (path: PropertyKey[]) => ["layouts", "record_types", collection, ...path];
    const check = (list: readonly string[], path: PropertyKey[]) =>
      list.forEach((name, i) => {
        if (names.has(name)) return;
        ctx.addIssue({
          code: "custom",
          path: at([...path, i]),
          message: `${def.plural} have no field "${name}". Allowed here: ${allowed}. ` +
            `To place a custom field, declare it in custom_fields.${collection}; ` +
            `to remove one, take it out of this layout too.`,
        });
      });
    layout.sections.forEach((s, i) => check(s.fields, ["sections", i, "fields"]));
    check(layout.hidden, ["hidden"]);
    check(layout.required, ["required"]);
    for (const [role, list] of Object.entries(layout.list_columns)) {
      check(list ?? [], ["list_columns", role]);
    }
    const filters = filterKeys(def, custom);
    for (const [role, values] of Object.entries(layout.default_filters)) {
      for (const key of Object.keys(values ?? {})) {
        if (filters.accepted.has(key)) continue;
        ctx.addIssue({
          code: "custom",
          path: at(["default_filters", role, key]),
          message: `${def.plural} have no filter "${key}". Allowed here: ${
            filters.listed.join(", ")
          }.`,
        });
      }
    }
    layout.hidden.forEach((name, i) => {
      const field = def.fields.find((f) => f.name === name);
      const required = (field?.required && !(def.numbering && name === "number")) ||
        custom.some((s) => s.key === name && s.required);
      if (!required && !layout.required.includes(name)) return;
      ctx.addIssue({
        code: "custom",
        path: at(["hidden", i]),
        message: `"${name}" is required on ${def.plural.toLowerCase()}, so it cannot be hidden.`,
      });
    });
  }
}
