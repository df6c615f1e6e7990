/**
 * @module routes/api/v1/documents
 * Documents over the API: upload (multipart, field `file`; 202 with the id), list, read (status,
 * classification, draft), download, accept (creates the record), attach to a record, reject.
 * Writes are open to every role that may change some records; accept and attach then need the
 * permission of the records they write (domain/documents/access.ts), and answer 403 otherwise.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { isId } from "../../../db/ids.ts";
import { InvalidError, NotFoundError } from "../../../domain/errors.ts";
import { assertMayUse } from "../../../billing/middleware.ts";
import { recordUsage } from "../../../billing/entitlements.ts";
import { intakeDocument, tooLarge } from "../../../domain/documents/intake.ts";
import { imageLimits } from "../../../domain/documents/image_size.ts";
import { documentJson, getDocument, listDocuments } from "../../../domain/documents/repository.ts";
import { assertMayHandleDocuments } from "../../../domain/documents/access.ts";
import {
  acceptDocument,
  AcceptSchema,
  attachDocument,
  AttachSchema,
  rejectDocument,
} from "../../../domain/documents/accept.ts";
import { storageFor } from "../../../storage/mod.ts";
import { DocumentListQuerySchema } from "../../../domain/documents/list_query.ts";
import { parseQuery } from "../../../http/query.ts";
import { recordContext } from "./records.ts";

/** Multipart overhead allowed on top of the file size limit. */
const ENVELOPE = 64 * 1024;

/** Stores the uploaded files of a request; used by the API and the upload form. */
export async function takeUploads(c: AppContext, files: File[]) {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const auth = principalOf(c);
  const out = [];
  for (const file of files) {
    await assertMayUse(services, tenant.id, "documentsPerMonth");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const result = await intakeDocument({
      db: tenant.db,
      control: services.control,
      storage: storageFor(services.config),
      tenantId: tenant.id,
      userId: auth.userId,
      maxBytes: services.config.DOCUMENT_MAX_BYTES,
      imageLimits: imageLimits(services.config),
    }, { name: file.name, bytes });
    if (!result.duplicate) {
      await recordUsage(services.control, tenant.id, "documentsPerMonth", 1);
    }
    out.push(result);
  }
  return out;
}

/** Refuses bodies over the limit before reading them (Content-Length, then while streaming). */
export function uploadLimit() {
  return async (c: AppContext, next: () => Promise<void>) => {
    const max = c.get("services").config.DOCUMENT_MAX_BYTES;
    const limit = bodyLimit({
      maxSize: max + ENVELOPE,
      onError: () => {
        throw tooLarge(max);
      },
    });
    return await limit(c, next);
  };
}

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

app.post("/api/v1/documents", requireDocumentWriter(), uploadLimit(), async (c) => {
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

app.get("/api/v1/documents", requirePermission("records:read"), async (c) => {
  const { status, limit, cursor } = parseQuery(DocumentListQuerySchema, c.req.query());
  const docs = await listDocuments(tenantOf(c).db, { status, limit, before: cursor });
  return c.json({
    data: docs.map(documentJson),
    next_cursor: docs.length === limit ? docs.at(-1)!.id : null,
  });
});

app.get("/api/v1/documents/:id", requirePermission("records:read"), async (c) => {
  return c.json(documentJson(await getDocument(tenantOf(c).db, docId(c))));
});

app.get("/api/v1/documents/:id/file", requirePermission("records:read"), async (c) => {
  const doc = await getDocument(tenantOf(c).db, docId(c));
  return await fileResponse(c, doc);
});

app.post("/api/v1/documents/:id/accept", requireDocumentWriter(), async (c) => {
  const input = parseWith(AcceptSchema, await readJson(c));
  const result = await acceptDocument(recordContext(c), docId(c), input);
  return c.json({
    document: documentJson(await getDocument(tenantOf(c).db, docId(c))),
    record: {
      collection: result.collection,
      id: result.id,
      href: `/${result.collection}/${result.id}`,
    },
  }, 201);
});

app.post("/api/v1/documents/:id/attach", requireDocumentWriter(), async (c) => {
  const input = parseWith(AttachSchema, await readJson(c));
  await attachDocument(recordContext(c), docId(c), input);
  return c.json(documentJson(await getDocument(tenantOf(c).db, docId(c))));
});

app.post("/api/v1/documents/:id/reject", requireDocumentWriter(), async (c) => {
  const type = c.req.header("content-type") ?? "";
  const body = type.startsWith("application/json") ? await readJson(c) as { reason?: unknown } : {};
  await rejectDocument(
    recordContext(c),
    docId(c),
    typeof body.reason === "string" ? body.reason : undefined,
  );
  return c.json(documentJson(await getDocument(tenantOf(c).db, docId(c))));
});

/** The stored file, with its sniffed type; never rendered as a page by the browser. */
export async function fileResponse(
  c: AppContext,
  doc: { storage_key: string; content_type: string; name: string },
): Promise<Response> {
  const bytes = await storageFor(c.get("services").config).get(doc.storage_key);
  const inline = doc.content_type !== "text/csv";
  const type = doc.content_type.startsWith("text/")
    ? `${doc.content_type}; charset=utf-8`
    : doc.content_type;
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    "content-type": type,
    "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${
      encodeURIComponent(doc.name)
    }`,
    "cache-control": "private, no-store",
    "content-security-policy": doc.content_type === "application/pdf"
      ? "frame-ancestors 'self'"
      : "sandbox; frame-ancestors 'self'",
  });
}

export default app;
