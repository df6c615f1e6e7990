/**
 * @module domain/documents/repository
 * The tenant's documents table: metadata of uploaded files, their processing status, the draft
 * the extraction made, the record they became, and per-field corrections made in review.
 */
import type { Executor } from "../../db/transaction.ts";
import { newId } from "../../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import type { Draft } from "./draft.ts";
import { type Clock, systemClock } from "../clock.ts";

export type DocumentStatus =
  | "queued"
  | "processing"
  | "review"
  | "needs_ocr"
  | "failed"
  | "accepted"
  | "rejected";

export interface DocumentRecord {
  id: string;
  name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  status: DocumentStatus;
  status_message: string | null;
  pages: number | null;
  text_method: string | null;
  classification: string | null;
  classification_confidence: number | null;
  provider: string | null;
  text: string | null;
  draft: Draft | null;
  processing_ms: number | null;
  record_collection: string | null;
  record_id: string | null;
  job_id: string | null;
  uploaded_by: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  created_at: string;
  updated_at: string;
}

function toDocument(row: Record<string, unknown>): DocumentRecord {
  const out = { ...row } as unknown as DocumentRecord;
  out.draft = row.draft ? JSON.parse(String(row.draft)) : null;
  out.size_bytes = Number(row.size_bytes);
  return out;
}

/** The API's view of a document (no storage key, no full text). */
export function documentJson(doc: DocumentRecord) {
  return {
    id: doc.id,
    name: doc.name,
    content_type: doc.content_type,
    size_bytes: doc.size_bytes,
    sha256: doc.sha256,
    status: doc.status,
    status_message: doc.status_message,
    pages: doc.pages,
    classification: doc.classification,
    classification_confidence: doc.classification_confidence,
    provider: doc.provider,
    draft: doc.draft,
    record: doc.record_collection && doc.record_id
      ? { collection: doc.record_collection, id: doc.record_id }
      : null,
    uploaded_by: doc.uploaded_by,
    reviewed_by: doc.reviewed_by,
    reviewed_at: doc.reviewed_at,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  };
}

/** An earlier upload of the same bytes, if any. */
export async function findBySha256(db: Executor, sha256: string): Promise<DocumentRecord | null> {
  const rs = await db.execute({
    sql: "SELECT * FROM documents WHERE sha256 = ? ORDER BY created_at, id LIMIT 1",
    args: [sha256],
  });
  return rs.rows[0] ? toDocument(rs.rows[0] as unknown as Record<string, unknown>) : null;
}

/** Adds a document row in status `queued`. */
export async function insertDocument(
  db: Executor,
  doc: {
    id?: string;
    name: string;
    contentType: string;
    sizeBytes: number;
    sha256: string;
    storageKey: string;
    pages: number | null;
    uploadedBy: string | null;
  },
  clock: Clock = systemClock,
): Promise<string> {
  const id = doc.id ?? newId();
  const now = clock.now().toISOString();
  await db.execute({
    sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key, status,
            pages, uploaded_by, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    args: [
      id,
      doc.name,
      doc.contentType,
      doc.sizeBytes,
      doc.sha256,
      doc.storageKey,
      doc.pages,
      doc.uploadedBy,
      now,
      now,
    ],
  });
  return id;
}

/** One document; 404 when it is not in this tenant. */
export async function getDocument(db: Executor, id: string): Promise<DocumentRecord> {
  const rs = await db.execute({ sql: "SELECT * FROM documents WHERE id = ?", args: [id] });
  if (!rs.rows[0]) throw new NotFoundError("No such document.");
  return toDocument(rs.rows[0] as unknown as Record<string, unknown>);
}

/** Documents newest first (without their text). */
export async function listDocuments(
  db: Executor,
  filter: { status?: string; limit?: number; before?: string } = {},
): Promise<DocumentRecord[]> {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.status) (where.push("status = ?"), args.push(filter.status));
  if (filter.before) (where.push("id < ?"), args.push(filter.before));
  // Never LIMIT -1 (every row) or a fraction, whatever a caller passes.
  const limit = Number.isInteger(filter.limit) ? Math.min(Math.max(filter.limit!, 1), 200) : 50;
  const rs = await db.execute({
    sql: `SELECT id, name, content_type, size_bytes, sha256, storage_key, status, status_message,
            pages, text_method, classification, classification_confidence, provider, NULL AS text,
            draft, processing_ms, record_collection, record_id, job_id, uploaded_by, reviewed_by,
            reviewed_at, created_at, updated_at
          FROM documents ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
          ORDER BY id DESC LIMIT ${limit}`,
    args,
  });
  return rs.rows.map((r) => toDocument(r as unknown as Record<string, unknown>));
}

/** Documents linked to one record (a load's BOL and POD, a PO's confirmation). */
export async function documentsOf(
  db: Executor,
  collection: string,
  recordId: string,
): Promise<
  Array<Pick<DocumentRecord, "id" | "name" | "classification" | "status" | "created_at">>
> {
  const rs = await db.execute({
    sql: `SELECT id, name, classification, status, created_at FROM documents
          WHERE record_collection = ? AND record_id = ? ORDER BY created_at DESC, id DESC LIMIT 50`,
    args: [collection, recordId],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    classification: r.classification === null ? null : String(r.classification),
    status: String(r.status) as DocumentStatus,
    created_at: String(r.created_at),
  }));
}

/** Changes status (and message) of a document; `clock` (the app's) dates the change. */
export async function setStatus(
  db: Executor,
  id: string,
  status: DocumentStatus,
  message: string | null = null,
  clock: Clock = systemClock,
): Promise<void> {
  await db.execute({
    sql: "UPDATE documents SET status = ?, status_message = ?, updated_at = ? WHERE id = ?",
    args: [status, message, clock.now().toISOString(), id],
  });
}

/** Stores what processing found and puts the document up for review. */
export async function saveExtraction(
  db: Executor,
  id: string,
  result: {
    status: DocumentStatus;
    message: string | null;
    pages: number | null;
    textMethod: string;
    text: string;
    classification: string;
    confidence: number;
    provider: string;
    draft: Draft;
    ms: number;
  },
  clock: Clock = systemClock,
): Promise<void> {
  await db.execute({
    sql: `UPDATE documents SET status = ?, status_message = ?, pages = COALESCE(?, pages),
            text_method = ?, text = ?, classification = ?, classification_confidence = ?,
            provider = ?, draft = ?, processing_ms = ?, updated_at = ?
          WHERE id = ? AND status IN ('queued', 'processing', 'failed')`,
    args: [
      result.status,
      result.message,
      result.pages,
      result.textMethod,
      result.text,
      result.classification,
      result.confidence,
      result.provider,
      JSON.stringify(result.draft),
      result.ms,
      clock.now().toISOString(),
      id,
    ],
  });
}

/** Records the job that processes a document. */
export async function setJob(db: Executor, id: string, jobId: string): Promise<void> {
  await db.execute({ sql: "UPDATE documents SET job_id = ? WHERE id = ?", args: [jobId, id] });
}

/** Links a document to a record, as accepted (or attached), by whom. */
export async function linkRecord(
  db: Executor,
  id: string,
  link: { collection: string; recordId: string; userId: string | null; status: DocumentStatus },
  clock: Clock = systemClock,
): Promise<void> {
  const now = clock.now().toISOString();
  await db.execute({
    sql: `UPDATE documents SET record_collection = ?, record_id = ?, status = ?, reviewed_by = ?,
            reviewed_at = ?, status_message = NULL, updated_at = ? WHERE id = ?`,
    args: [link.collection, link.recordId, link.status, link.userId, now, now, id],
  });
}

/** Stores the fields a reviewer changed (extracted value -> accepted value). */
export async function insertCorrections(
  db: Executor,
  documentId: string,
  classification: string | null,
  userId: string | null,
  corrections: Array<{ field: string; extracted: unknown; corrected: unknown; confidence: number }>,
  clock: Clock = systemClock,
): Promise<void> {
  const now = clock.now().toISOString();
  for (const c of corrections) {
    await db.execute({
      sql: `INSERT INTO document_corrections (id, document_id, classification, field, extracted,
              corrected, confidence, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        newId(),
        documentId,
        classification,
        c.field,
        JSON.stringify(c.extracted ?? null),
        JSON.stringify(c.corrected ?? null),
        c.confidence,
        userId,
        now,
      ],
    });
  }
}

/** Per-field corrections of one document. */
export async function correctionsOf(db: Executor, documentId: string) {
  const rs = await db.execute({
    sql: `SELECT field, extracted, corrected, confidence, created_at FROM document_corrections
          WHERE document_id = ? ORDER BY field`,
    args: [documentId],
  });
  return rs.rows.map((r) => ({
    field: String(r.field),
    extracted: JSON.parse(String(r.extracted)),
    corrected: JSON.parse(String(r.corrected)),
    confidence: Number(r.confidence),
  }));
}

/** Accuracy as reviewers saw it: accepted documents and corrected fields, by classification. */
export async function reviewAccuracy(db: Executor) {
  const rs = await db.execute(`
    SELECT d.classification AS classification, COUNT(DISTINCT d.id) AS documents,
      SUM(COALESCE(json_array_length(json_extract(d.draft, '$.reviewed_fields')), 0)) AS fields,
      (SELECT COUNT(*) FROM document_corrections c JOIN documents d2 ON d2.id = c.document_id
        WHERE d2.classification = d.classification) AS corrected
    FROM documents d WHERE d.status = 'accepted' GROUP BY d.classification`);
  return rs.rows.map((r) => ({
    classification: String(r.classification ?? "other"),
    documents: Number(r.documents),
    fields: Number(r.fields ?? 0),
    corrected: Number(r.corrected ?? 0),
  }));
}
