/**
 * @module routes/api/v1/_record_docs
 * The descriptions of the record routes (list, create, get, update, delete, archive, restore,
 * history), generated from each record type's field definitions in `domain/records`: the same
 * zod schemas that validate a body describe it, annotated with each field's label, hint and
 * format, and an example built from the fields.
 */
import { z } from "zod";
import type { RecordDef } from "../../../domain/records/definition.ts";
import type { FieldDef } from "../../../domain/records/fields.ts";
import { createSchema, updateSchema } from "../../../domain/records/schema.ts";
import { listQuerySchema } from "../../../domain/records/query.ts";
import { IdParams, listOf, type OperationDoc } from "../../../http/openapi.ts";
import { BillMatchSchema } from "../../../domain/payables/match.ts";
import type { AppContext } from "../../../http/env.ts";
import { tenantRecordType } from "../../../http/records.ts";
import { RECORD_TYPES } from "../../../domain/catalog.ts";
import { OPTION_LISTS } from "../../../domain/option_lists.ts";

type Json = Record<string, unknown>;

const EXAMPLE_ID = "01jd8x7k3m5n9p2q4r6s8t0v1w";
const EXAMPLE_INSTANT = "2026-03-31T14:05:09.000Z";

/** "Purchase order" -> "PurchaseOrder": schema names and operation ids. */
export function pascal(words: string): string {
  return words.replace(/(^|\s+)(\w)/g, (_, __, ch: string) => ch.toUpperCase());
}

/** A value a new workspace's option list holds: "Net 30" for payment terms, not "Beef". */
function optionExample(list: string | undefined): string {
  const seed = OPTION_LISTS.find((l) => l.key === list)?.seed ?? [];
  return seed.includes("Net 30") ? "Net 30" : seed[0] ?? "Beef";
}

/** The JSON Schema format of a field's string value, if it has one. */
function formatOf(field: FieldDef): string | undefined {
  return field.kind === "date" ? "date" : field.kind === "email" ? "email" : undefined;
}

function withFormat(schema: Json, format: string): Json {
  const branches = schema.anyOf as Json[] | undefined;
  for (const branch of branches ?? [schema]) if (branch.type === "string") branch.format = format;
  return schema;
}

/** Adds each field's label, hint and format to its property, for readers and generators. */
function annotate(schema: Json, fields: readonly FieldDef[]): Json {
  const props = schema.properties as Record<string, Json> | undefined;
  const lineProps = ((props?.lines?.items as Json | undefined)?.properties ?? {}) as Record<
    string,
    Json
  >;
  for (const field of fields) {
    const prop = props?.[field.name] ?? lineProps[field.name];
    if (!prop) continue;
    prop.title = field.label;
    const format = formatOf(field);
    if (format) withFormat(prop, format);
    if (field.kind === "datetime") {
      prop.description = "Local to the broker, without a zone: YYYY-MM-DDTHH:MM.";
    }
    const notes = [
      field.hint,
      field.kind === "money" ? "Integer cents." : null,
      field.kind === "option" || field.kind === "options"
        ? `A value of the tenant's "${field.list}" option list.`
        : null,
      field.kind === "ref" ? `Id of a record in ${field.ref}.` : null,
    ].filter(Boolean);
    if (notes.length) prop.description = notes.join(" ");
  }
  return schema;
}

function bodySchema(schema: z.ZodType, def: RecordDef): Json {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  delete json.$schema;
  return annotate(json, [...def.fields, ...(def.lines?.fields ?? [])]);
}

function outputType(field: FieldDef): Json {
  switch (field.kind) {
    case "integer":
    case "money":
      return { type: ["integer", "null"] };
    case "decimal":
      return { type: ["number", "null"] };
    case "boolean":
      return { type: "boolean" };
    case "options":
      return { type: "array", items: { type: "string" } };
    case "enum":
      return { enum: [...(field.values ?? []).map((v) => v.value), null] };
    case "date":
    case "email":
      return { type: ["string", "null"], format: formatOf(field) };
    default:
      return { type: ["string", "null"] };
  }
}

/** A value of the field that its schema accepts (and the server too, for fixed formats). */
function exampleValue(field: FieldDef): unknown {
  const clamp = (n: number) => Math.min(Math.max(n, field.min ?? 0), field.max ?? n);
  switch (field.kind) {
    case "text":
      return field.format ? "12345" : `${field.label} example`.slice(0, field.max ?? 200);
    case "longtext":
      return "Call the receiving dock before delivery.";
    case "email":
      return "orders@example.com";
    case "phone":
      return "+1 312 555 0100";
    case "integer":
      return clamp(40);
    case "decimal":
      return clamp(2.5);
    case "money":
      return 126360;
    case "date":
      return "2026-03-31";
    case "datetime":
      return "2026-03-31T08:30";
    case "boolean":
      return false;
    case "option":
      return optionExample(field.list);
    case "options":
      return [];
    case "enum":
      return field.values?.[0]?.value ?? null;
    case "ref":
      return EXAMPLE_ID;
  }
}

function exampleInput(def: RecordDef): Json {
  const out: Json = {};
  for (const field of def.fields) {
    if (field.computed || (def.numbering && field.name === "number")) continue;
    out[field.name] = exampleValue(field);
  }
  if (def.lines) {
    const line: Json = {};
    for (const field of def.lines.fields) {
      if (!field.computed) line[field.name] = exampleValue(field);
    }
    out.lines = [line];
  }
  return out;
}

function exampleRecord(def: RecordDef): Json {
  const out: Json = {
    id: EXAMPLE_ID,
    version: 1,
    archived_at: null,
    created_at: EXAMPLE_INSTANT,
    created_by: EXAMPLE_ID,
    updated_at: EXAMPLE_INSTANT,
    updated_by: EXAMPLE_ID,
  };
  for (const field of def.fields) {
    out[field.name] = field.name === "number" && def.numbering
      ? `${def.numbering.prefix}${def.numbering.start}`
      : exampleValue(field);
  }
  if (def.lines) {
    const line: Json = { id: EXAMPLE_ID };
    for (const field of def.lines.fields) line[field.name] = exampleValue(field);
    out.lines = [line];
  }
  return out;
}

/** The `#/components/schemas/<Name>` schema of a record as the API returns it. */
function recordSchema(def: RecordDef): Json {
  const properties: Record<string, Json> = {
    id: { type: "string" },
    version: { type: "integer", description: "Send it back on update (or as If-Match)." },
    archived_at: { type: ["string", "null"], format: "date-time" },
    created_at: { type: "string", format: "date-time" },
    created_by: { type: ["string", "null"] },
    updated_at: { type: "string", format: "date-time" },
    updated_by: { type: ["string", "null"] },
  };
  for (const field of def.fields) {
    properties[field.name] = {
      ...outputType(field),
      title: field.label,
      ...(field.computed ? { readOnly: true, description: "Computed by the server." } : {}),
    };
  }
  if (def.lines) {
    const line: Record<string, Json> = { id: { type: "string" } };
    for (const f of def.lines.fields) line[f.name] = { ...outputType(f), title: f.label };
    properties.lines = { type: "array", items: { type: "object", properties: line } };
  }
  if (def.collection === "bills") {
    const match = z.toJSONSchema(BillMatchSchema) as Json;
    delete match.$schema;
    properties.match = {
      ...match,
      readOnly: true,
      description:
        "On GET of one bill: how it compares with its load (freight) or its purchase order and the weight received (three-way match), with differences over the tenant's tolerance flagged.",
    };
  }
  return { type: "object", properties, required: ["id", "version", "created_at", "updated_at"] };
}

const HISTORY = {
  type: "object",
  properties: {
    data: {
      type: "array",
      items: {
        type: "object",
        properties: {
          at: { type: "string", format: "date-time" },
          user_id: { type: ["string", "null"] },
          action: { type: "string" },
          changes: {
            type: "object",
            description: "field -> [old, new]",
            additionalProperties: { type: "array" },
          },
        },
      },
    },
    since: {
      type: ["string", "null"],
      format: "date-time",
      description: "Oldest time shown: the plan's audit retention (null: all)",
    },
    older_hidden: {
      type: "integer",
      description: "Older changes kept but outside the plan's audit retention",
    },
  },
};

/** The descriptions of a record type's eight routes, by handler. */
export function recordDocs(def: RecordDef) {
  const name = pascal(def.singular);
  const plural = pascal(def.plural);
  const one = def.singular.toLowerCase();
  const ref = { $ref: `#/components/schemas/${name}` };
  const schemas = { [name]: recordSchema(def) };
  const record = { description: `The ${one}`, schema: ref, example: exampleRecord(def) };
  const common = { tag: def.plural, schemas };
  const query = z.toJSONSchema(listQuerySchema(def), { io: "input" }) as Json;
  const queryProps = query.properties as Record<string, Json>;
  for (const field of def.fields) {
    if (field.kind !== "date") continue;
    for (const suffix of ["_from", "_to"]) {
      const prop = queryProps[field.name + suffix];
      if (prop) prop.format = "date";
    }
  }
  const list: OperationDoc = {
    ...common,
    operationId: `list${plural}`,
    summary: `List ${def.plural.toLowerCase()}`,
    query,
    responses: {
      200: {
        description: `A page of ${def.plural.toLowerCase()}`,
        schema: listOf(ref, { total: true }),
        example: { data: [exampleRecord(def)], next_cursor: null, total: 1 },
      },
    },
    errors: [400, 403],
  };
  const create: OperationDoc = {
    ...common,
    operationId: `create${name}`,
    summary: `Create a ${one}`,
    body: { schema: bodySchema(createSchema(def), def), example: exampleInput(def) },
    responses: { 201: { ...record, description: "Created" } },
    errors: [400, 402, 403, 409, 415, 422],
  };
  const get: OperationDoc = {
    ...common,
    operationId: `get${name}`,
    summary: `Get a ${one}`,
    params: IdParams,
    responses: { 200: record },
    errors: [403, 404],
  };
  const update: OperationDoc = {
    ...common,
    operationId: `update${name}`,
    summary: `Update a ${one} (send the version you read)`,
    params: IdParams,
    headers: [{
      name: "If-Match",
      in: "header",
      required: false,
      description: "The version you read, when the body does not carry `version`.",
      schema: { type: "string" },
      example: '"3"',
    }],
    body: {
      schema: bodySchema(updateSchema(def), def),
      example: { version: 1, ...exampleInput(def) },
    },
    responses: { 200: record },
    errors: [400, 403, 404, 409, 415, 422],
  };
  const remove: OperationDoc = {
    ...common,
    operationId: `delete${name}`,
    summary: `Delete a ${one} nothing references`,
    params: IdParams,
    responses: { 204: { description: "Deleted" } },
    errors: [403, 404, 409],
  };
  const archive: OperationDoc = {
    ...common,
    operationId: `archive${name}`,
    summary: `Archive a ${one}`,
    params: IdParams,
    responses: { 200: record },
    errors: [403, 404],
  };
  const restore: OperationDoc = {
    ...archive,
    operationId: `restore${name}`,
    summary: `Restore a ${one} from the archive`,
  };
  const history: OperationDoc = {
    ...common,
    operationId: `get${name}History`,
    summary: `History of changes of a ${one}`,
    description: "Newest 200 changes within the plan's audit retention; older ones are kept.",
    params: IdParams,
    responses: {
      200: {
        description: "The changes, newest first",
        schema: HISTORY,
        example: {
          data: [{
            at: EXAMPLE_INSTANT,
            user_id: EXAMPLE_ID,
            action: "update",
            changes: { notes: [null, "Call the receiving dock before delivery."] },
          }],
          since: null,
          older_hidden: 0,
        },
      },
    },
    errors: [403, 404],
  };
  return { list, create, get, update, remove, archive, restore, history };
}

/**
 * The OpenAPI document as one tenant's API answers it: each record type with custom fields gets
 * `custom_fields` in its record schema and in its create and update bodies (issue 13). `doc` is
 * the shared document; a copy is returned, the shared one is left as it is.
 */
export function withCustomFieldDocs(doc: Json, defs: readonly RecordDef[]): Json {
  const out = structuredClone(doc) as Json;
  const schemas = (out.components as Json | undefined)?.schemas as Record<string, Json>;
  const paths = out.paths as Record<string, Record<string, Json>>;
  for (const def of defs) {
    const custom = def.fields.filter((f) => f.custom);
    if (!custom.length) continue;
    const output: Record<string, Json> = {};
    for (const f of custom) {
      output[f.name] = {
        ...outputType(f),
        title: f.label,
        ...(f.hint ? { description: f.hint } : {}),
      };
    }
    const record = schemas?.[pascal(def.singular)];
    if (record?.properties) {
      (record.properties as Record<string, Json>).custom_fields = {
        type: "object",
        title: "Custom fields",
        description: "This workspace's own fields (Settings → Configuration, custom_fields).",
        properties: output,
      };
    }
    const bodies: Array<[Json | undefined, z.ZodObject]> = [
      [paths[`/api/v1/${def.collection}`]?.post, createSchema(def)],
      [paths[`/api/v1/${def.collection}/{id}`]?.patch, updateSchema(def)],
    ];
    for (const [operation, schema] of bodies) {
      const body = ((operation?.requestBody as Json | undefined)?.content as Json | undefined)
        ?.["application/json"] as Json | undefined;
      const target = body?.schema as Json | undefined;
      if (!target?.properties) continue;
      const input = bodySchema(schema, def).properties as Record<string, Json>;
      (target.properties as Record<string, Json>).custom_fields = {
        type: "object",
        additionalProperties: false,
        properties: Object.fromEntries(custom.map((f) => [f.name, input[f.name] ?? {}])),
      };
    }
  }
  return out;
}

/** The tenant's own OpenAPI document on its host (null: the shared one serves it as is). */
export async function tenantApiDocument(c: AppContext, doc: Json): Promise<Json | null> {
  if (c.get("site") !== "tenant" || !c.get("tenant")) return null;
  const defs = await Promise.all(RECORD_TYPES.map((def) => tenantRecordType(c, def)));
  if (!defs.some((def) => def.fields.some((f) => f.custom))) return null;
  const tenantId = c.get("tenant")!.id;
  const known = tenantDocs.get(tenantId);
  if (known && known.defs.every((d, i) => d === defs[i])) return known.doc;
  const built = withCustomFieldDocs(doc, defs);
  tenantDocs.delete(tenantId);
  tenantDocs.set(tenantId, { defs, doc: built });
  if (tenantDocs.size > 200) tenantDocs.delete(tenantDocs.keys().next().value!);
  return built;
}

// The built document per tenant, kept while its record descriptions (its configuration) stay.
const tenantDocs = new Map<string, { defs: RecordDef[]; doc: Json }>();
