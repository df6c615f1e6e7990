/**
 * @module routes/api/v1/documents
 * Documents over the API: upload (multipart, field `file`; 202 with the id), list, read (status,
 * classification, draft), download, accept (creates the record), attach to a record, reject.
 * Writes are open to every role that may change some records; accept and attach then need the
 * permission of the records they write (domain/documents/access.ts), and answer 403 otherwise.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { isJsonType, parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { isId } from "../../../db/ids.ts";
import { InvalidError, NotFoundError } from "../../../domain/errors.ts";
import { documentJson, getDocument, listDocuments } from "../../../domain/documents/repository.ts";
import { assertMayHandleDocuments } from "../../../domain/documents/access.ts";
import {
  acceptDocument,
  AcceptSchema,
  attachDocument,
  AttachSchema,
  rejectDocument,
} from "../../../domain/documents/accept.ts";
import {
  DOCUMENT_STATUSES as STATUSES,
  DocumentListQuerySchema,
} from "../../../domain/documents/list_query.ts";
import { parseQuery } from "../../../http/query.ts";
import { recordContext, tenantRecordType } from "../../../http/records.ts";
import { fileResponse, takeUploads, uploadLimit } from "../../../http/documents.ts";
import { describeRoute, IdParams, listOf } from "../../../http/openapi.ts";
import { z } from "zod";

const DocumentJson = z.object({
  id: z.string(),
  name: z.string(),
  content_type: z.string(),
  size_bytes: z.int(),
  sha256: z.string(),
  status: z.enum(STATUSES),
  status_message: z.string().nullable(),
  pages: z.int().nullable(),
  classification: z.string().nullable(),
  classification_confidence: z.number().nullable(),
  provider: z.string().nullable(),
  draft: z.unknown().meta({
    description: "What was read: fields with confidences, lines, parties with matches, warnings",
  }),
  record: z.object({ collection: z.string(), id: z.string() }).nullable(),
  uploaded_by: z.string().nullable(),
  reviewed_by: z.string().nullable(),
  reviewed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const DOCUMENT = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "PO-10301.pdf",
  content_type: "application/pdf",
  size_bytes: 48213,
  sha256: "9f2c7d1e0b6a4f3e8d5c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e",
  status: "review",
  status_message: null,
  pages: 1,
  classification: "purchase_order",
  classification_confidence: 0.93,
  provider: "offline",
  draft: { fields: { number: { value: "PO-10301", confidence: 0.98 } } },
  record: null,
  uploaded_by: "01jd8x7k3m5n9p2q4r6s8t0v1x",
  reviewed_by: null,
  reviewed_at: null,
  created_at: "2026-03-31 14:05:09",
  updated_at: "2026-03-31 14:05:12",
};

const TARGETS = ["purchase-orders", "sales-orders", "loads", "invoices"];

const upload = describeRoute({
  operationId: "uploadDocument",
  tag: "Documents",
  summary: "Upload a PDF, PNG, JPEG, text or CSV file to be read (multipart, field `file`)",
  body: {
    contentType: "multipart/form-data",
    schema: {
      type: "object",
      properties: { file: { type: "string", format: "binary" } },
      required: ["file"],
    },
  },
  responses: {
    202: {
      description: "Accepted: queued for reading",
      schema: DocumentJson.extend({ duplicate: z.boolean() }),
      example: { ...DOCUMENT, status: "queued", duplicate: false },
    },
    200: {
      description: "The same file was uploaded before (duplicate: true)",
      schema: DocumentJson.extend({ duplicate: z.boolean() }),
      example: { ...DOCUMENT, duplicate: true },
    },
  },
  errors: [400, 402, 403, 413, 415, 422],
});

const list = describeRoute({
  operationId: "listDocuments",
  tag: "Documents",
  summary: "Documents, newest first",
  // The wire shape of DocumentListQuerySchema (which parses limit from its string form).
  query: z.object({
    status: z.enum(STATUSES).optional(),
    limit: z.int().min(1).max(200).default(50).meta({ description: "Rows per page" }),
    cursor: z.string().optional().meta({ description: "next_cursor of the previous page" }),
  }),
  responses: {
    200: {
      description: "A page of documents",
      schema: listOf(DocumentJson),
      example: { data: [DOCUMENT], next_cursor: null },
    },
  },
  errors: [400, 403],
});

const get = describeRoute({
  operationId: "getDocument",
  tag: "Documents",
  summary: "A document's status, classification and draft",
  params: IdParams,
  responses: { 200: { description: "The document", schema: DocumentJson, example: DOCUMENT } },
  errors: [403, 404],
});

const file = describeRoute({
  operationId: "downloadDocumentFile",
  tag: "Documents",
  summary: "The stored file, as uploaded",
  params: IdParams,
  responses: {
    200: {
      description: "The file, with its type",
      contentType: "application/octet-stream",
      schema: { type: "string", format: "binary" },
    },
  },
  errors: [403, 404],
});

const accept = describeRoute({
  operationId: "acceptDocument",
  tag: "Documents",
  summary: "Accept the (corrected) draft: creates the record and links the document",
  params: IdParams,
  body: {
    schema: AcceptSchema,
    example: {
      collection: "purchase-orders",
      values: { number: "PO-10301", order_date: "2026-03-31" },
      parties: { supplier_id: { id: "01jd8x7k3m5n9p2q4r6s8t0v1y" } },
    },
  },
  responses: {
    201: {
      description: "The record was created",
      schema: z.object({
        document: DocumentJson,
        record: z.object({ collection: z.enum(TARGETS), id: z.string(), href: z.string() }),
      }),
      example: {
        document: { ...DOCUMENT, status: "accepted" },
        record: {
          collection: "purchase-orders",
          id: "01jd8x7k3m5n9p2q4r6s8t0v1z",
          href: "/purchase-orders/01jd8x7k3m5n9p2q4r6s8t0v1z",
        },
      },
    },
  },
  errors: [400, 403, 404, 409, 415, 422],
});

const attach = describeRoute({
  operationId: "attachDocument",
  tag: "Documents",
  summary: "Attach the document to an existing record (a BOL or POD to its load)",
  params: IdParams,
  body: {
    schema: AttachSchema,
    example: { collection: "loads", id: "01jd8x7k3m5n9p2q4r6s8t0v1z" },
  },
  responses: { 200: { description: "The document", schema: DocumentJson, example: DOCUMENT } },
  errors: [400, 403, 404, 409, 415, 422],
});

const RejectBody = z.strictObject({ reason: z.string().max(500).optional() });

const reject = describeRoute({
  operationId: "rejectDocument",
  tag: "Documents",
  summary: "Reject the draft (the document is kept)",
  params: IdParams,
  body: {
    optional: true,
    schema: RejectBody,
    example: { reason: "Not ours: sent to the wrong broker." },
  },
  responses: {
    200: {
      description: "The document",
      schema: DocumentJson,
      example: { ...DOCUMENT, status: "rejected" },
    },
  },
  errors: [403, 404, 409],
});

/** Lets through the roles that may change some records (not a viewer): upload and review. */
function requireDocumentWriter(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertMayHandleDocuments(principalOf(c).role);
    await next();
  };
}

function docId(c: AppContext): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw new NotFoundError("No such document.");
  return id;
}

const app = new Hono<AppEnv>();
app.use("/api/v1/documents", tenantOnly());
app.use("/api/v1/documents/*", tenantOnly());

app.post("/api/v1/documents", upload, requireDocumentWriter(), uploadLimit(), async (c) => {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new InvalidError(
      'Send the file as multipart/form-data in the field "file".',
      undefined,
      415,
    );
  }
  const form = await c.req.formData().catch(() => {
    throw new InvalidError("The multipart body could not be read.");
  });
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw new InvalidError('Send the file in the field "file".', { file: ["Required."] }, 422);
  }
  const [result] = await takeUploads(c, [file]);
  const body = { ...documentJson(result!.document), duplicate: result!.duplicate };
  c.header("Location", `/api/v1/documents/${result!.document.id}`);
  return c.json(body, result!.duplicate ? 200 : 202);
});

app.get("/api/v1/documents", list, requirePermission("records:read"), async (c) => {
  const { status, limit, cursor } = parseQuery(DocumentListQuerySchema, c.req.query());
  const docs = await listDocuments(tenantOf(c).db, { status, limit, before: cursor });
  return c.json({
    data: docs.map(documentJson),
    next_cursor: docs.length === limit ? docs.at(-1)!.id : null,
  });
});

app.get("/api/v1/documents/:id", get, requirePermission("records:read"), async (c) => {
  return c.json(documentJson(await getDocument(tenantOf(c).db, docId(c))));
});

app.get("/api/v1/documents/:id/file", file, requirePermission("records:read"), async (c) => {
  const doc = await getDocument(tenantOf(c).db, docId(c));
  return await fileResponse(c, doc);
});

app.post("/api/v1/documents/:id/accept", accept, requireDocumentWriter(), async (c) => {
  const input = parseWith(AcceptSchema, await readJson(c));
  const result = await acceptDocument(
    recordContext(c),
    docId(c),
    input,
    (def) => tenantRecordType(c, def),
  );
  return c.json({
    document: documentJson(await getDocument(tenantOf(c).db, docId(c))),
    record: {
      collection: result.collection,
      id: result.id,
      href: `/${result.collection}/${result.id}`,
    },
  }, 201);
});

app.post("/api/v1/documents/:id/attach", attach, requireDocumentWriter(), async (c) => {
  const input = parseWith(AttachSchema, await readJson(c));
  await attachDocument(recordContext(c), docId(c), input);
  return c.json(documentJson(await getDocument(tenantOf(c).db, docId(c))));
});

app.post("/api/v1/documents/:id/reject", reject, requireDocumentWriter(), async (c) => {
  const type = c.req.header("content-type") ?? "";
  const raw = isJsonType(type) ? await readJson(c) : {};
  const body = parseWith(RejectBody, raw ?? {});
  await rejectDocument(recordContext(c), docId(c), body.reason);
  return c.json(documentJson(await getDocument(tenantOf(c).db, docId(c))));
});

export default app;
