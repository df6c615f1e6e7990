/**
 * @module routes/api/v1/documents/captures
 * `POST /api/v1/documents/captures`: a BOL or POD photo for a load (multipart, fields `load_id`
 * and `file`), read like any upload and attached to the load at once. The installable app's
 * offline queue sends its photos here with an `Idempotency-Key`, so a retry never adds a second.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../../http/env.ts";
import { tenantOnly } from "../../../../http/guards.ts";
import { uploadLimit } from "../../../../http/documents.ts";
import { describeRoute } from "../../../../http/openapi.ts";
import { InvalidError } from "../../../../domain/errors.ts";
import { documentJson } from "../../../../domain/documents/repository.ts";
import { assertMayTakeLoadPhoto, takeLoadPhoto } from "../../../_camera.ts";

const CaptureJson = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  record: z.object({ collection: z.string(), id: z.string() }).nullable(),
  duplicate: z.boolean(),
});

const EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "bol-photo.jpg",
  status: "queued",
  record: { collection: "loads", id: "01jd8x7k3m5n9p2q4r6s8t0v1z" },
  duplicate: false,
};

const capture = describeRoute({
  operationId: "captureLoadPhoto",
  tag: "Documents",
  summary: "Upload a BOL or POD photo attached to a load (multipart, fields `load_id`, `file`)",
  body: {
    contentType: "multipart/form-data",
    schema: {
      type: "object",
      properties: {
        load_id: { type: "string" },
        file: { type: "string", format: "binary" },
      },
      required: ["load_id", "file"],
    },
  },
  responses: {
    202: {
      description: "Accepted: queued for reading, attached to the load",
      schema: CaptureJson,
      example: EXAMPLE,
    },
    200: {
      description: "The same photo was uploaded before (duplicate: true)",
      schema: CaptureJson,
      example: { ...EXAMPLE, status: "review", duplicate: true },
    },
  },
  errors: [400, 402, 403, 404, 413, 415, 422],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/documents/captures", tenantOnly());

app.post("/api/v1/documents/captures", capture, uploadLimit(), async (c) => {
  // The role first: a member who may not add the photo is refused before its bytes are read.
  assertMayTakeLoadPhoto(c);
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new InvalidError(
      'Send the photo as multipart/form-data in the field "file".',
      undefined,
      415,
    );
  }
  const form = await c.req.formData().catch(() => {
    throw new InvalidError("The multipart body could not be read.");
  });
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    throw new InvalidError('Send the photo in the field "file".', { file: ["Required."] }, 422);
  }
  const taken = await takeLoadPhoto(c, String(form.get("load_id") ?? ""), file);
  c.header("Location", `/api/v1/documents/${taken.document.id}`);
  return c.json(
    { ...documentJson(taken.document), duplicate: taken.duplicate },
    taken.duplicate ? 200 : 202,
  );
});

export default app;
