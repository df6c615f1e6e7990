/**
 * @module http/documents
 * Request helpers shared by the documents API and the documents pages: taking the uploaded files
 * of a request (metered by ai/metered_intake.ts), refusing a body over the size limit before it is
 * read, and answering with a stored file that the browser never renders as a page of ours.
 */
import { bodyLimit } from "hono/body-limit";
import { type AppContext, principalOf, tenantOf } from "./env.ts";
import { tooLarge } from "../domain/documents/intake.ts";
import { intakeForTenant } from "../ai/metered_intake.ts";

/** Multipart overhead allowed on top of the file size limit. */
const ENVELOPE = 64 * 1024;

/** Stores the uploaded files of a request; used by the API and the upload form. */
export async function takeUploads(c: AppContext, files: File[]) {
  const read = await Promise.all(
    files.map(async (file) => ({
      name: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    })),
  );
  return await intakeForTenant(c.get("services"), tenantOf(c), principalOf(c).userId, read);
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

/** The stored file, with its sniffed type; never rendered as a page by the browser. */
export async function fileResponse(
  c: AppContext,
  doc: { storage_key: string; content_type: string; name: string },
): Promise<Response> {
  const bytes = await c.get("services").storage.get(doc.storage_key);
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
