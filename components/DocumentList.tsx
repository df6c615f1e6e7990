/**
 * @module components/DocumentList
 * The documents linked to a record (a load's BOL and POD, a PO's confirmation), for the record's
 * page. Server-only: plain data in, links out.
 */
import { type Classification, CLASSIFICATION_LABELS } from "../domain/documents/draft.ts";
import { T } from "./Words.tsx";

export interface LinkedDocument {
  id: string;
  name: string;
  classification: string | null;
  status: string;
  created_at: string;
}

/** A card listing linked documents, with a link to attach more. */
export function LinkedDocuments(props: { documents: LinkedDocument[] }) {
  return (
    <section class="card related" data-linked-documents>
      <h2>
        <T>Documents</T>{" "}
        <a class="small-link" href="/documents">
          <T>Upload</T>
        </a>
      </h2>
      {props.documents.length === 0
        ? (
          <p class="muted">
            <T>No documents attached.</T>
          </p>
        )
        : (
          <ul>
            {props.documents.map((d) => (
              <li key={d.id}>
                <a href={`/documents/${d.id}`}>{d.name}</a>{" "}
                <span class="badge">
                  {CLASSIFICATION_LABELS[(d.classification ?? "other") as Classification] ??
                    "Other"}
                </span>{" "}
                <span class="muted">{d.created_at.slice(0, 10)}</span>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
