/**
 * @module routes/_camera
 * Takes a BOL or POD photo for a load (issue 17), for both the camera form
 * (routes/documents/camera.tsx) and the API (routes/api/v1/documents/captures.ts): checks the
 * role and the load first, then hands the file to the document reader and links it to the load.
 */
import { type AppContext, principalOf, tenantOf } from "../http/env.ts";
import { takeUploads } from "../http/documents.ts";
import { isId } from "../db/ids.ts";
import { recordType } from "../domain/catalog.ts";
import { NotFoundError } from "../domain/errors.ts";
import { assertMayAttach, assertMayHandleDocuments } from "../domain/documents/access.ts";
import { assertLoadExists, linkCaptureToLoad } from "../domain/documents/capture.ts";
import { getDocument } from "../domain/documents/repository.ts";

/** Refuses a member whose role may not add a photo to a load (before a body is read). */
export function assertMayTakeLoadPhoto(c: AppContext): void {
  const role = principalOf(c).role;
  assertMayHandleDocuments(role);
  assertMayAttach(role, recordType("loads")!);
}

/** Stores the photo, queues it for reading and links it to the load; answers the document. */
export async function takeLoadPhoto(c: AppContext, loadId: string, file: File) {
  assertMayTakeLoadPhoto(c);
  if (!isId(loadId)) throw new NotFoundError("No such load. Choose the load again.");
  const db = tenantOf(c).db;
  await assertLoadExists(db, loadId);
  const [taken] = await takeUploads(c, [file]);
  await linkCaptureToLoad(db, taken!.document.id, loadId, c.get("services").clock.now());
  return { document: await getDocument(db, taken!.document.id), duplicate: taken!.duplicate };
}
