/**
 * @module routes/api/v1/_config_docs
 * The configuration API's schemas for the OpenAPI document: the document itself is the schema
 * of customization/document/schema.ts, so the reference and the API cannot disagree.
 */
import { z } from "zod";
import { ConfigurationSchema } from "../../../customization/document/schema.ts";

export const ConfigurationJson = ConfigurationSchema;

const Change = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });

export const HistoryJson = z.object({
  data: z.array(z.object({
    version: z.number(),
    kind: z.enum(["change", "rollback"]),
    rolled_back_to: z.number().nullable(),
    changed_at: z.string(),
    changed_by: z.string().nullable(),
    changed_by_email: z.string().nullable(),
    changes: z.array(Change),
  })),
  next_cursor: z.null(),
});
