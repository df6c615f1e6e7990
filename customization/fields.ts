/**
 * @module customization/fields
 * A record type as one tenant sees it: the built-in description plus the custom fields its
 * configuration declares, each turned into an ordinary field description. Forms, detail pages,
 * list columns, filters, sorting, CSV, search, the API schemas and the OpenAPI document read
 * `def.fields`, so a custom field appears in all of them with no code of its own. Values live in
 * the record's `custom_fields` JSON column (migration 0080 says why); the field's `sql` reads it,
 * so lists filter and sort on it like on any derived field.
 *
 * Descriptions are cached per configuration section object, which the configuration cache keeps
 * while the document is unchanged, so the zod schemas built from them are built once.
 */
import type { Executor } from "../db/transaction.ts";
import type { EnumValue, FieldDef, FieldKind } from "../domain/records/fields.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import { RECORD_TYPES, recordType } from "../domain/catalog.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { markChanged } from "../domain/records/changes.ts";
import { ConflictError, NotFoundError } from "../domain/errors.ts";
import type { Client } from "../db/client.ts";
import { tenantPattern } from "./document/patterns.ts";
import type {
  CustomFieldsConfig,
  CustomFieldSpec,
  CustomFieldType,
} from "./document/fields_schema.ts";

const KINDS: Record<CustomFieldType, FieldKind> = {
  text: "text",
  number: "decimal",
  money: "money",
  date: "date",
  choice: "enum",
  multi_choice: "options",
  yes_no: "boolean",
  link: "ref",
};

/** The field description of one custom field of `def`. */
export function customFieldDef(def: RecordDef, spec: CustomFieldSpec): FieldDef {
  const kind = KINDS[spec.type];
  const values: EnumValue[] | undefined = spec.choices.length
    ? spec.choices.map((c) => ({ value: c, label: c }))
    : undefined;
  const cents = (n: number | null) => n === null ? undefined : Math.round(n * 100);
  // The key is [a-z0-9_] only (fields_schema.ts), so it is safe inside the JSON path.
  const path = `${def.table}.custom_fields, '$.${spec.key}'`;
  const field: FieldDef = {
    name: spec.key,
    label: spec.label,
    kind,
    custom: true,
    // A multi-choice value is always a JSON array or NULL: a field that was another type before
    // holds a scalar ("Beef", 3), which lists and filters would hand to json()/json_each() as
    // malformed JSON (a 500 on every list of the type); it reads as a one-value array instead.
    sql: kind === "options"
      ? `CASE COALESCE(json_type(${path}), 'null') WHEN 'null' THEN NULL WHEN 'array' ` +
        `THEN json_extract(${path}) ELSE json_array(json_extract(${path})) END`
      : `json_extract(${path})`,
    required: spec.required || undefined,
    hint: spec.help || undefined,
    group: "More",
    column: spec.column || undefined,
    filter: spec.filter || undefined,
    sort: kind !== "options" || undefined,
    search: spec.search && kind !== "ref" && kind !== "boolean" ? true : undefined,
  };
  if (values) field.values = values;
  if (spec.type === "link") field.ref = spec.link_to!;
  if (spec.type === "money") {
    field.min = cents(spec.min);
    field.max = cents(spec.max);
  } else if (spec.type === "number" || spec.type === "text") {
    field.min = spec.min ?? undefined;
    field.max = spec.max ?? undefined;
  }
  if (spec.pattern) {
    field.format = {
      // RE2, linear in the value's length: a tenant's pattern can never backtrack.
      pattern: tenantPattern(spec.pattern),
      message: spec.help || `${spec.label} does not have the expected form.`,
    };
  }
  if (spec.default !== null) {
    field.defaultValue = spec.type === "money" && typeof spec.default === "number"
      ? Math.round(spec.default * 100)
      : spec.default;
  }
  for (const key of Object.keys(field) as Array<keyof FieldDef>) {
    if (field[key] === undefined) delete field[key];
  }
  return field;
}

// Per description and configuration section: the built-in description (the API) and the one in
// the tenant's words (pages, customization/terms.ts) each get their own.
const resolved = new WeakMap<RecordDef, WeakMap<CustomFieldsConfig, RecordDef>>();

/** `def` with the tenant's custom fields after its own; `def` itself when it has none. */
export function withCustomFields(
  def: RecordDef,
  config: CustomFieldsConfig | undefined,
): RecordDef {
  const specs = config?.[def.collection] ?? [];
  if (!config || specs.length === 0) return def;
  let byConfig = resolved.get(def);
  if (!byConfig) resolved.set(def, byConfig = new WeakMap());
  let out = byConfig.get(config);
  if (!out) {
    out = { ...def, fields: [...def.fields, ...specs.map((s) => customFieldDef(def, s))] };
    byConfig.set(config, out);
  }
  return out;
}

/** A key with stored values that the configuration no longer declares (kept until purged). */
export interface OrphanedField {
  collection: string;
  key: string;
  records: number;
}

/** Stored custom values whose field was removed from the configuration. */
export async function orphanedFields(
  db: Executor,
  config: CustomFieldsConfig,
): Promise<OrphanedField[]> {
  const out: OrphanedField[] = [];
  for (const def of RECORD_TYPES) {
    const declared = new Set((config[def.collection] ?? []).map((s) => s.key));
    const rs = await db.execute(
      `SELECT j.key AS key, COUNT(*) AS n FROM ${def.table}, json_each(${def.table}.custom_fields) j
       GROUP BY j.key ORDER BY j.key`,
    );
    for (const row of rs.rows) {
      const key = String(row.key);
      if (!declared.has(key)) out.push({ collection: def.collection, key, records: Number(row.n) });
    }
  }
  return out;
}

/**
 * Deletes the stored values of a removed field from every record of its type. A field still in
 * the configuration is refused: remove it there first (its data would vanish from view anyway).
 */
export async function purgeCustomField(
  db: Client,
  config: CustomFieldsConfig,
  collection: string,
  key: string,
): Promise<number> {
  const def = recordType(collection);
  if (!def) throw new NotFoundError("No such record type.");
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(key)) throw new NotFoundError("No such custom field.");
  if ((config[collection] ?? []).some((s) => s.key === key)) {
    throw new ConflictError(
      `"${key}" is still a custom field of ${def.plural.toLowerCase()}; remove it from the configuration first.`,
      { key: ["Still configured."] },
    );
  }
  return await inWriteTransaction(db, async (tx) => {
    const rs = await tx.execute({
      sql: `UPDATE ${def.table} SET custom_fields = json_remove(custom_fields, '$.${key}')
            WHERE json_type(custom_fields, '$.${key}') IS NOT NULL`,
      args: [],
    });
    if (rs.rowsAffected) await markChanged(tx);
    return rs.rowsAffected;
  });
}
