/**
 * @module domain/documents/capture
 * A photo of a BOL or POD taken on a phone (issue 17): it goes into the document reader like any
 * upload, and is linked to the load it was taken for at once, while it is still being read, so
 * the load's page lists it straight away. The link is set only on a document that has none yet:
 * re-sending the same photo (a retry, a second tap) never moves it to another record.
 */
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";
import { getRecord, titlesOf } from "../records/repository.ts";
import { NotFoundError } from "../errors.ts";

/** Links a freshly uploaded document to a load without changing its reading status. */
export async function linkCaptureToLoad(
  db: Executor,
  documentId: string,
  loadId: string,
  now: Date,
): Promise<void> {
  await db.execute({
    sql: `UPDATE documents SET record_collection = 'loads', record_id = ?, updated_at = ?
          WHERE id = ? AND record_id IS NULL`,
    args: [loadId, now.toISOString(), documentId],
  });
}

/** Refuses an id that names no load of this tenant (404), before anything is stored. */
export async function assertLoadExists(db: Executor, loadId: string): Promise<void> {
  await getRecord(db, recordType("loads")!, loadId).catch(() => {
    throw new NotFoundError("No such load. Choose the load again.");
  });
}

/** The loads a phone user picks from: not archived, newest first, as id and title. */
export async function recentLoads(
  db: Executor,
  limit = 200,
): Promise<Array<{ id: string; title: string }>> {
  const rs = await db.execute({
    sql: `SELECT id FROM ${
      recordType("loads")!.table
    } WHERE archived_at IS NULL ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [limit],
  });
  const ids = rs.rows.map((r) => String(r.id));
  const titles = await titlesOf(db, "loads", ids);
  return ids.map((id) => ({ id, title: titles.get(id) ?? id }));
}
