/**
 * @module domain/documents/list_query
 * The query string of the documents list (`GET /api/v1/documents`): one schema validates it and
 * can describe it in the OpenAPI document.
 */
import { z } from "zod";
import { isId } from "../../db/ids.ts";
import type { DocumentStatus } from "./repository.ts";

/** Every status a document can have, in processing order. */
export const DOCUMENT_STATUSES = [
  "queued",
  "processing",
  "review",
  "needs_ocr",
  "failed",
  "accepted",
  "rejected",
] as const satisfies readonly DocumentStatus[];

/** `status`, `limit` (1 to 200, default 50) and `cursor` (the previous page's next_cursor). */
export const DocumentListQuerySchema = z.strictObject({
  status: z.enum(DOCUMENT_STATUSES, `Use one of: ${DOCUMENT_STATUSES.join(", ")}.`).optional(),
  limit: z.string()
    .regex(/^\d+$/, "Use a whole number from 1 to 200.")
    .transform(Number)
    .pipe(
      z.number().int().min(1, "Use a whole number from 1 to 200.").max(
        200,
        "Use a whole number from 1 to 200.",
      ),
    )
    .default(50),
  cursor: z.string().refine(isId, "Use the next_cursor of the previous page.").optional(),
});

export type DocumentListQuery = z.output<typeof DocumentListQuerySchema>;
