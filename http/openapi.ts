/**
 * @module http/openapi
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests (so the
 * document cannot drift from what the server accepts) and from the record descriptions.
 */
import { z } from "zod";
import { RECORD_TYPES, recordType } from "../domain/catalog.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import type { FieldDef } from "../domain/records/fields.ts";
import { createSchema, updateSchema } from "../domain/records/schema.ts";
import { listQuerySchema } from "../domain/records/query.ts";
import { SearchQuerySchema } from "../routes/api/v1/search.ts";
import { ReportQuerySchema } from "../routes/reports.tsx";
import { SignupSchema } from "../tenants/signup_schema.ts";
import { InvitationSchema } from "../auth/invitations.ts";
import { MessageSchema } from "../assistant/conversations.ts";
import { AcceptSchema, AttachSchema } from "../domain/documents/accept.ts";
import { PAPERWORK } from "../paperwork/mod.ts";

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  delete out.$schema;
  return out;
}

/** Adds each field's label and hint to its property, for readers of the reference. */
function annotate(schema: Json, fields: readonly FieldDef[]): Json {
  const props = schema.properties as Record<string, Json> | undefined;
  for (const field of fields) {
    const prop = props?.[field.name];
    if (!prop) continue;
    prop.title = field.label;
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
      return {
        type: ["string", "null"],
        enum: [...(field.values ?? []).map((v) => v.value), null],
      };
    default:
      return { type: ["string", "null"] };
  }
}

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
  return { type: "object", properties };
}

function queryParameters(schema: z.ZodObject): Json[] {
  const json = jsonSchema(schema);
  const props = json.properties as Record<string, Json>;
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: "query", required: false, description, schema: rest };
  });
}

const ERROR = { $ref: "#/components/responses/Error" };

function body(schema: Json): Json {
  return { required: true, content: { "application/json": { schema } } };
}

function ok(schema: Json, description = "OK"): Json {
  return { description, content: { "application/json": { schema } } };
}

function recordPaths(def: RecordDef): Record<string, Json> {
  const ref = { $ref: `#/components/schemas/${schemaName(def)}` };
  const tag = def.plural;
  const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
  const base = `/api/v1/${def.collection}`;
  return {
    [base]: {
      get: {
        tags: [tag],
        summary: `List ${def.plural.toLowerCase()}`,
        parameters: queryParameters(listQuerySchema(def)),
        responses: {
          200: ok({
            type: "object",
            properties: {
              data: { type: "array", items: ref },
              next_cursor: { type: ["string", "null"] },
            },
          }),
          400: ERROR,
        },
      },
      post: {
        tags: [tag],
        summary: `Create a ${def.singular.toLowerCase()}`,
        requestBody: body(annotate(jsonSchema(createSchema(def)), inputAndLineFields(def))),
        responses: { 201: ok(ref, "Created"), 400: ERROR, 403: ERROR, 409: ERROR, 422: ERROR },
      },
    },
    [`${base}/{id}`]: {
      parameters: [idParam],
      get: {
        tags: [tag],
        summary: `Get a ${def.singular.toLowerCase()}`,
        responses: { 200: ok(ref), 404: ERROR },
      },
      patch: {
        tags: [tag],
        summary: `Update a ${def.singular.toLowerCase()} (send the version you read)`,
        parameters: [{
          name: "If-Match",
          in: "header",
          required: false,
          schema: { type: "string" },
        }],
        requestBody: body(annotate(jsonSchema(updateSchema(def)), inputAndLineFields(def))),
        responses: { 200: ok(ref), 404: ERROR, 409: ERROR, 422: ERROR },
      },
      delete: {
        tags: [tag],
        summary: `Delete a ${def.singular.toLowerCase()} nothing references`,
        responses: { 204: { description: "Deleted" }, 404: ERROR, 409: ERROR },
      },
    },
    [`${base}/{id}/archive`]: {
      parameters: [idParam],
      post: { tags: [tag], summary: "Archive", responses: { 200: ok(ref), 404: ERROR } },
    },
    [`${base}/{id}/restore`]: {
      parameters: [idParam],
      post: {
        tags: [tag],
        summary: "Restore from the archive",
        responses: { 200: ok(ref), 404: ERROR },
      },
    },
    [`${base}/{id}/history`]: {
      parameters: [idParam],
      get: {
        tags: [tag],
        summary: "History of changes",
        description: "Newest 200 changes within the plan's audit retention; older ones are kept.",
        responses: {
          200: ok({
            type: "object",
            properties: {
              data: {
                type: "array",
                items: {
                  type: "object",
                  properties: {
                    at: { type: "string" },
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
                description: "Oldest time shown: the plan's audit retention (null: all)",
              },
              older_hidden: {
                type: "integer",
                description: "Older changes kept but outside the plan's audit retention",
              },
            },
          }),
          404: ERROR,
        },
      },
    },
  };
}

function inputAndLineFields(def: RecordDef): FieldDef[] {
  return [...def.fields, ...(def.lines?.fields ?? [])];
}

function schemaName(def: RecordDef): string {
  return def.singular.replace(/(^|\s)(\w)/g, (_, __, ch: string) => ch.toUpperCase());
}

let cached: Json | null = null;

/** The OpenAPI document (built once per process). */
export function openApiDocument(appDomain: string): Json {
  if (cached) return cached;
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  for (const def of RECORD_TYPES) {
    Object.assign(paths, recordPaths(def));
    schemas[schemaName(def)] = recordSchema(def);
  }
  for (const { collection, label } of PAPERWORK) {
    paths[`/api/v1/${collection}/{id}/pdf`] = {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      get: {
        tags: [recordType(collection)!.plural],
        summary: `Download the ${label} as a PDF`,
        description: `The ${label} on the company letterhead of Settings → Company, as an ` +
          "attachment named after the record's number.",
        responses: {
          200: {
            description: "The PDF",
            content: { "application/pdf": { schema: { type: "string", format: "binary" } } },
          },
          401: ERROR,
          404: ERROR,
        },
      },
    };
  }
  paths["/api/v1/search"] = {
    get: {
      tags: ["Search"],
      summary: "Search every record",
      parameters: queryParameters(SearchQuerySchema),
      responses: { 200: ok({ type: "object" }), 400: ERROR },
    },
  };
  paths["/api/v1/reports/margin"] = {
    get: {
      tags: ["Reports"],
      summary: "Margin by load, customer, supplier or salesperson",
      parameters: queryParameters(ReportQuerySchema),
      responses: { 200: ok({ type: "object" }), 400: ERROR },
    },
  };
  paths["/api/v1/reports/aging"] = {
    get: {
      tags: ["Reports"],
      summary: "Receivables aging by customer",
      parameters: queryParameters(ReportQuerySchema),
      responses: { 200: ok({ type: "object" }), 400: ERROR },
    },
  };
  paths["/api/v1/option-lists"] = {
    get: {
      tags: ["Settings"],
      summary: "Option lists and their values",
      responses: { 200: ok({ type: "object" }) },
    },
  };
  paths["/api/v1/option-lists/{list}"] = {
    parameters: [{ name: "list", in: "path", required: true, schema: { type: "string" } }],
    put: {
      tags: ["Settings"],
      summary: "Replace an option list's values (admin)",
      requestBody: body({
        type: "object",
        properties: { values: { type: "array", items: { type: "string" } } },
        required: ["values"],
      }),
      responses: { 200: ok({ type: "object" }), 403: ERROR, 422: ERROR },
    },
  };
  const documentId = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];
  const documentJson = {
    type: "object",
    description:
      "id, name, content_type, size, sha256, status (queued, processing, review, needs_ocr, " +
      "failed, accepted, rejected), classification, draft (fields with confidences, lines, " +
      "parties with matches, warnings), record once accepted.",
  };
  paths["/api/v1/documents"] = {
    get: {
      tags: ["Documents"],
      summary: "Documents, newest first",
      parameters: [
        { name: "status", in: "query", required: false, schema: { type: "string" } },
        { name: "limit", in: "query", required: false, schema: { type: "integer" } },
        { name: "cursor", in: "query", required: false, schema: { type: "string" } },
      ],
      responses: { 200: ok({ type: "object" }) },
    },
    post: {
      tags: ["Documents"],
      summary: "Upload a PDF, PNG, JPEG, text or CSV file (multipart, field `file`) to be read",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: { file: { type: "string", format: "binary" } },
              required: ["file"],
            },
          },
        },
      },
      responses: {
        202: ok(documentJson, "Accepted: queued for reading"),
        200: ok(documentJson, "The same file was uploaded before (duplicate: true)"),
        402: ERROR,
        413: ERROR,
        415: ERROR,
        422: ERROR,
      },
    },
  };
  paths["/api/v1/documents/{id}"] = {
    parameters: documentId,
    get: {
      tags: ["Documents"],
      summary: "Status, classification and draft",
      responses: { 200: ok(documentJson), 404: ERROR },
    },
  };
  paths["/api/v1/documents/{id}/file"] = {
    parameters: documentId,
    get: {
      tags: ["Documents"],
      summary: "The stored file",
      responses: { 200: { description: "The file" }, 404: ERROR },
    },
  };
  paths["/api/v1/documents/{id}/accept"] = {
    parameters: documentId,
    post: {
      tags: ["Documents"],
      summary: "Accept the (corrected) draft: creates the record and links the document",
      requestBody: body(jsonSchema(AcceptSchema)),
      responses: { 201: ok({ type: "object" }), 404: ERROR, 409: ERROR, 422: ERROR },
    },
  };
  paths["/api/v1/documents/{id}/attach"] = {
    parameters: documentId,
    post: {
      tags: ["Documents"],
      summary: "Attach the document to an existing record (a BOL or POD to its load)",
      requestBody: body(jsonSchema(AttachSchema)),
      responses: { 200: ok(documentJson), 404: ERROR, 422: ERROR },
    },
  };
  paths["/api/v1/documents/{id}/reject"] = {
    parameters: documentId,
    post: {
      tags: ["Documents"],
      summary: "Reject the draft (the document is kept)",
      responses: { 200: ok(documentJson), 404: ERROR },
    },
  };
  paths["/api/v1/assistant/messages"] = {
    post: {
      tags: ["Assistant"],
      summary: "Ask about your business in plain words; the reply cites the records it used",
      requestBody: body(jsonSchema(MessageSchema)),
      responses: {
        200: ok({
          type: "object",
          properties: {
            conversation_id: { type: "string" },
            reply: { type: "string" },
            intent: { type: "string" },
            citations: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  collection: { type: "string" },
                  id: { type: "string" },
                  title: { type: "string" },
                  url: { type: "string" },
                },
              },
            },
          },
        }),
        402: ERROR,
        404: ERROR,
        422: ERROR,
      },
    },
  };
  paths["/api/v1/assistant/conversations"] = {
    get: {
      tags: ["Assistant"],
      summary: "Your conversations",
      responses: { 200: ok({ type: "object" }) },
    },
  };
  paths["/api/v1/assistant/conversations/{id}"] = {
    parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
    get: {
      tags: ["Assistant"],
      summary: "The messages of one of your conversations",
      responses: { 200: ok({ type: "object" }), 404: ERROR },
    },
  };
  const domainJson = {
    type: "object",
    properties: {
      domain: { type: "string" },
      verified: { type: "boolean" },
      created_at: { type: "string" },
      verified_at: { type: ["string", "null"] },
      txt_name: { type: "string", description: "The TXT record to create" },
      txt_value: { type: "string", description: "Its value" },
    },
  };
  const domainParam = [{ name: "domain", in: "path", required: true, schema: { type: "string" } }];
  paths["/api/v1/domains"] = {
    get: {
      tags: ["Settings"],
      summary: "The workspace's custom domains (owners and admins)",
      responses: {
        200: ok({ type: "object", properties: { data: { type: "array", items: domainJson } } }),
        403: ERROR,
      },
    },
    post: {
      tags: ["Settings"],
      summary: "Claim a custom domain; it is served once its TXT record is verified",
      requestBody: body({
        type: "object",
        properties: { domain: { type: "string" } },
        required: ["domain"],
      }),
      responses: { 201: ok(domainJson, "Created"), 402: ERROR, 403: ERROR, 409: ERROR, 422: ERROR },
    },
  };
  paths["/api/v1/domains/{domain}/verify"] = {
    parameters: domainParam,
    post: {
      tags: ["Settings"],
      summary: "Check the domain's TXT record and start serving it",
      responses: { 200: ok(domainJson), 402: ERROR, 404: ERROR, 422: ERROR },
    },
  };
  paths["/api/v1/domains/{domain}"] = {
    parameters: domainParam,
    delete: {
      tags: ["Settings"],
      summary: "Stop serving and remove a custom domain",
      responses: { 204: { description: "Removed" }, 404: ERROR },
    },
  };
  paths["/api/v1/billing"] = {
    get: {
      tags: ["Billing"],
      summary: "The workspace's plan, status, access mode, entitlements and usage this month",
      responses: { 200: ok({ type: "object" }) },
    },
  };
  paths["/api/v1/signup"] = {
    post: {
      tags: ["Account"],
      summary: "Sign up a company (bare app domain only)",
      security: [],
      requestBody: body(jsonSchema(SignupSchema)),
      responses: { 201: ok({ type: "object" }, "Created"), 409: ERROR, 422: ERROR },
    },
  };
  paths["/api/v1/auth/tokens"] = {
    post: {
      tags: ["Account"],
      summary: "Exchange e-mail and password for a personal API token",
      security: [],
      requestBody: body({
        type: "object",
        properties: {
          email: { type: "string" },
          password: { type: "string" },
          name: { type: "string" },
          expires_in_days: {
            type: ["integer", "null"],
            minimum: 1,
            maximum: 3650,
            description: "Days until the token stops working; left out or null, never.",
          },
        },
        required: ["email", "password"],
      }),
      responses: { 201: ok({ type: "object" }, "Created"), 401: ERROR, 429: ERROR },
    },
    get: { tags: ["Account"], summary: "Your tokens", responses: { 200: ok({ type: "object" }) } },
  };
  paths["/api/v1/me"] = {
    get: {
      tags: ["Account"],
      summary: "Who is calling",
      responses: { 200: ok({ type: "object" }), 401: ERROR },
    },
  };
  paths["/api/v1/invitations"] = {
    post: {
      tags: ["Members"],
      summary: "Invite a colleague",
      requestBody: body(jsonSchema(InvitationSchema)),
      responses: { 201: ok({ type: "object" }), 403: ERROR, 422: ERROR },
    },
  };
  paths["/api/v1/members"] = {
    get: {
      tags: ["Members"],
      summary: "Members of the workspace",
      responses: { 200: ok({ type: "object" }) },
    },
  };

  // Every authenticated POST takes an Idempotency-Key (http/idempotency.ts).
  for (const [path, item] of Object.entries(paths)) {
    const post = (item as { post?: { parameters?: Json[] } }).post;
    if (!post || path === "/api/v1/signup" || path === "/api/v1/auth/tokens") continue;
    post.parameters = [
      ...(post.parameters ?? []),
      { $ref: "#/components/parameters/IdempotencyKey" },
    ];
  }

  cached = {
    openapi: "3.1.0",
    info: {
      title: "ProjectMeats API",
      version: "1",
      description:
        "Every call is made on a workspace's own host. Authenticate with `Authorization: Bearer <token>` " +
        "(create a token in Settings → API tokens or with POST /api/v1/auth/tokens). Money is in integer " +
        "cents; weights carry their unit. Errors are `{ error: { code, message, details } }`, with " +
        "per-field messages in `details` for 400 and 422.",
    },
    servers: [{
      url: `https://{workspace}.${appDomain}`,
      variables: { workspace: { default: "demo" } },
    }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        ...schemas,
        Error: {
          type: "object",
          properties: {
            error: {
              type: "object",
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                details: {},
              },
              required: ["code", "message"],
            },
          },
        },
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "A fresh random value per new request (a UUID). Retrying with the same key " +
            "and the same request within 24 hours answers the first successful result again " +
            "(with `Idempotent-Replayed: true`) and creates nothing new; the same key with a " +
            "different request answers 422, and while the first is still running, 409.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
      },
      responses: {
        Error: {
          description: "An error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  };
  return cached;
}
