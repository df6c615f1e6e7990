/**
 * @module http/openapi
 * The OpenAPI 3.1 document, generated from the routes themselves. Each API route carries its
 * description as its first handler, `describeRoute({ operationId, tag, summary, params, query,
 * body, responses })`, beside the code that serves it; `buildOpenApiDocument(app.routes)` walks
 * the app's registered routes and turns every description it finds into an operation, its zod
 * schemas into JSON Schema (zod 4's `z.toJSONSchema`). A route without a description is missing
 * from the document, and `routes/api/openapi_test.ts` fails on it.
 *
 * Why not `@hono/zod-openapi` or `hono-openapi`: both validate through their own middleware,
 * which would replace this app's error bodies (`{ error: { code, message, details } }` with
 * per-field messages) and its schemas built per request (a custom domain depends on the app
 * domain). A passthrough middleware that carries the description keeps the handlers as they are.
 */
import type { MiddlewareHandler } from "hono";
import type { RouterRoute } from "hono/types";
import { z } from "zod";

type Json = Record<string, unknown>;

/** A schema given as zod (converted) or as JSON Schema (used as it is, e.g. a `$ref`). */
export type SchemaLike = z.ZodType | Json;

/** One response of an operation. */
export interface ResponseDoc {
  description: string;
  /** Absent: no body (204). */
  schema?: SchemaLike;
  /** Defaults to application/json. */
  contentType?: string;
  example?: unknown;
}

/** What a route declares about itself: everything the document says about the operation. */
export interface OperationDoc {
  /** Unique, camelCase: what client generators name the method. */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** "none": callable without credentials (sign-in, sign-up, links from e-mails). */
  auth?: "required" | "none";
  /** Path parameters, one key per `:name` of the route (a zod object or its JSON Schema). */
  params?: SchemaLike;
  query?: SchemaLike;
  /** Header parameters as OpenAPI parameter objects (If-Match). */
  headers?: Json[];
  body?: { schema: SchemaLike; example?: unknown; contentType?: string; optional?: boolean };
  /** Success responses by status. */
  responses: Record<number, ResponseDoc>;
  /** Error statuses this operation answers (401 is added to every authenticated one). */
  errors?: number[];
  /** Named schemas this operation's `$ref`s point to (`#/components/schemas/<name>`). */
  schemas?: Record<string, Json>;
}

const DESCRIBED = Symbol.for("projectmeats.openapi.operation");

type Described = MiddlewareHandler & { [DESCRIBED]?: OperationDoc };

/** Declares a route's operation; place it as the route's first handler. It lets every call through. */
export function describeRoute(doc: OperationDoc): MiddlewareHandler {
  // Only a description: it passes the request on without a promise of its own.
  const passthrough: Described = (_c, next) => next();
  passthrough[DESCRIBED] = doc;
  return passthrough;
}

/** An operation found on a route: the OpenAPI path (`{id}`), the method and its description. */
export interface DeclaredOperation {
  method: string;
  path: string;
  doc: OperationDoc;
}

/** `/api/v1/loads/:id` -> `/api/v1/loads/{id}` (a `:name{regex}` loses its regex). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

/** The described operations among an app's routes, in the order they were registered. */
export function declaredOperations(routes: readonly RouterRoute[]): DeclaredOperation[] {
  const out: DeclaredOperation[] = [];
  for (const route of routes) {
    const handler = route.handler as Described & { __COMPOSED_HANDLER?: Described };
    const doc = handler[DESCRIBED] ?? handler.__COMPOSED_HANDLER?.[DESCRIBED];
    if (doc && route.method !== "ALL") {
      out.push({ method: route.method.toLowerCase(), path: openApiPath(route.path), doc });
    }
  }
  return out;
}

function jsonSchema(schema: SchemaLike, io: "input" | "output"): Json {
  if (!(schema instanceof z.ZodType)) return schema;
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  return out;
}

function parameters(schema: SchemaLike, where: "path" | "query"): Json[] {
  const json = jsonSchema(schema, "input");
  const required = new Set((json.required as string[] | undefined) ?? []);
  const props = (json.properties ?? {}) as Record<string, Json>;
  return Object.entries(props).map(([name, s]) => {
    const { description, example, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(example === undefined ? {} : { example }),
    };
  });
}

function content(schema: SchemaLike, io: "input" | "output", type: string, example: unknown) {
  return {
    [type]: { schema: jsonSchema(schema, io), ...(example === undefined ? {} : { example }) },
  };
}

function operation(doc: OperationDoc, method: string): Json {
  const anonymous = doc.auth === "none";
  const params = [
    ...(doc.params ? parameters(doc.params, "path") : []),
    ...(doc.query ? parameters(doc.query, "query") : []),
    ...(doc.headers ?? []),
    // Authenticated POSTs take an Idempotency-Key (http/idempotency.ts).
    ...(method === "post" && !anonymous
      ? [{ $ref: "#/components/parameters/IdempotencyKey" }]
      : []),
  ];
  const responses: Json = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = r.schema
      ? {
        description: r.description,
        content: content(r.schema, "output", r.contentType ?? "application/json", r.example),
      }
      : { description: r.description };
  }
  const errors = new Set([...(doc.errors ?? []), ...(anonymous ? [] : [401])]);
  for (const status of [...errors].sort()) responses[status] = { $ref: ERROR_REF };
  return {
    operationId: doc.operationId,
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(anonymous ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(doc.body
      ? {
        requestBody: {
          required: !doc.body.optional,
          content: content(
            doc.body.schema,
            "input",
            doc.body.contentType ?? "application/json",
            doc.body.example,
          ),
        },
      }
      : {}),
    responses,
  };
}

const ERROR_REF = "#/components/responses/Error";

/** The parts of the document that are not operations. */
export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  /** Server URLs to call, e.g. `https://{workspace}.example.com`. */
  servers: Json[];
  /** Tag descriptions; a tag used by an operation but missing here gets a plain one. */
  tags: Record<string, string>;
  license: { name: string; url?: string; identifier?: string };
}

/** Builds the OpenAPI 3.1 document from the described routes among `routes`. */
export function buildOpenApiDocument(routes: readonly RouterRoute[], info: DocumentInfo): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  const tags: string[] = [];
  for (const { method, path, doc } of declaredOperations(routes)) {
    const item = (paths[path] ??= {});
    if (item[method]) throw new Error(`${method.toUpperCase()} ${path} is described twice.`);
    item[method] = operation(doc, method);
    Object.assign(schemas, doc.schemas);
    if (!tags.includes(doc.tag)) tags.push(doc.tag);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description: info.description,
      license: info.license,
    },
    servers: info.servers,
    security: [{ bearer: [] }],
    tags: tags.map((name) => ({ name, description: info.tags[name] ?? `${name}.` })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A personal API token (Settings → API tokens, or POST /api/v1/auth/tokens).",
        },
      },
      schemas: { ...schemas, Error: ERROR_SCHEMA },
      parameters: { IdempotencyKey: IDEMPOTENCY_KEY },
      responses: {
        Error: {
          description: "An error: a code, a message and per-field details",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    },
  };
}

const ERROR_SCHEMA: Json = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: {
          type: "string",
          examples: ["invalid_request", "unauthorized", "not_found", "conflict"],
        },
        message: { type: "string" },
        details: {
          description: 'For 400 and 422: messages per field, e.g. { "email": ["Required."] }',
        },
      },
      required: ["code", "message"],
    },
  },
  required: ["error"],
  example: {
    error: {
      code: "invalid_request",
      message: "Some fields need attention.",
      details: { email: ["Enter a valid e-mail address."] },
    },
  },
};

const IDEMPOTENCY_KEY: Json = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "A fresh random value per new request (a UUID). Retrying with the same key " +
    "and the same request within 24 hours answers the first successful result again " +
    "(with `Idempotent-Replayed: true`) and creates nothing new; the same key with a " +
    "different request answers 422, and while the first is still running, 409.",
  schema: { type: "string", minLength: 1, maxLength: 255 },
  example: "5b0f1f4e-8a43-4f7e-9a55-0c1d2e3f4a5b",
};

// --- Pieces that many route descriptions share --------------------------------------------

/** A record id (lower-case ULID), with an example. */
export const IdSchema = z.string().regex(/^[0-9a-hjkmnp-tv-z]{26}$/).meta({
  description: "A record id (26 characters, lower-case ULID)",
  example: "01jd8x7k3m5n9p2q4r6s8t0v1w",
});

/** `{ id }` as the path parameters of a route. */
export const IdParams = z.object({ id: IdSchema });

/** The list envelope every list answers: `{ data: [...], next_cursor }`. */
export function listOf(item: SchemaLike, options: { total?: boolean } = {}): Json {
  const items = item instanceof z.ZodType ? jsonSchema(item, "output") : item;
  return {
    type: "object",
    properties: {
      data: { type: "array", items },
      next_cursor: {
        type: ["string", "null"],
        description: "Pass as `cursor` for the next page; null on the last page.",
      },
      ...(options.total
        ? {
          total: {
            type: "integer",
            minimum: 0,
            description: "How many records match the filters and search, over all pages.",
          },
        }
        : {}),
    },
    required: ["data", "next_cursor", ...(options.total ? ["total"] : [])],
  };
}

/** `{ message }`: the answer of calls that only confirm. */
export const MessageJson = z.object({ message: z.string() });
