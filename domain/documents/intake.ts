/**
 * @module domain/documents/intake
 * Takes an upload in: checks its size and its type by content (PDFs are opened, so encrypted and
 * broken ones are refused; images are measured by their header, so one too large to read is
 * refused before anything decodes it), detects a re-upload of the same bytes, stores the file,
 * adds the document row and queues its processing job. A refused file leaves nothing behind.
 */
import { createHash } from "node:crypto";
import type { Client } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import { documentKey, type FileStorage } from "../../storage/mod.ts";
import { enqueue } from "../../workers/queue.ts";
import { InvalidError } from "../errors.ts";
import { cleanName, sniffType } from "./sniff.ts";
import { assertImageWithinLimits, DEFAULT_IMAGE_LIMITS, type ImageLimits } from "./image_size.ts";
import { inspectPdf } from "./pdf.ts";
import type { Clock } from "../clock.ts";
import {
  type DocumentRecord,
  findBySha256,
  getDocument,
  insertDocument,
  setJob,
} from "./repository.ts";

export const DOCUMENT_PROCESS_JOB = "document.process";

export interface IntakeDeps {
  db: Client;
  control: Client;
  storage: FileStorage;
  tenantId: string;
  userId: string | null;
  maxBytes: number;
  /** Largest image by its header (IMAGE_MAX_*); the settings' defaults when not given. */
  imageLimits?: ImageLimits;
  /** The app's clock (Services.clock), which dates the upload; the machine's when not given. */
  clock?: Clock;
}

/** Refuses a file over the limit, with the limit in the message. */
export function tooLarge(maxBytes: number): InvalidError {
  const mb = Math.round(maxBytes / 1024 / 1024 * 10) / 10;
  return new InvalidError(
    `The file is larger than the ${mb} MB limit. Split it or reduce its size and try again.`,
    { file: ["Too large."] },
    413,
  );
}

/** Stores an upload and queues it; `duplicate` names an earlier upload of the same file. */
export async function intakeDocument(
  deps: IntakeDeps,
  file: { name: string; bytes: Uint8Array },
): Promise<{ document: DocumentRecord; duplicate: boolean }> {
  if (file.bytes.length > deps.maxBytes) throw tooLarge(deps.maxBytes);
  const type = sniffType(file.bytes, file.name);
  assertImageWithinLimits(file.bytes, type, deps.imageLimits ?? DEFAULT_IMAGE_LIMITS);
  const pages = type === "application/pdf" ? (await inspectPdf(file.bytes)).pages : 1;
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  const earlier = await findBySha256(deps.db, sha256);
  if (earlier) return { document: earlier, duplicate: true };

  const id = newId();
  const key = documentKey(deps.tenantId, id);
  await deps.storage.put(key, file.bytes, type);
  try {
    await insertDocument(deps.db, {
      id,
      name: cleanName(file.name),
      contentType: type,
      sizeBytes: file.bytes.length,
      sha256,
      storageKey: key,
      pages,
      uploadedBy: deps.userId,
    }, deps.clock);
  } catch (err) {
    await deps.storage.delete(key).catch(() => {});
    throw err;
  }
  const jobId = await enqueue(deps.control, {
    kind: DOCUMENT_PROCESS_JOB,
    tenantId: deps.tenantId,
    payload: { document_id: id },
    maxAttempts: 3,
  });
  await setJob(deps.db, id, jobId);
  return { document: await getDocument(deps.db, id), duplicate: false };
}
