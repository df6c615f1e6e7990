/**
 * @module bench/documents_scan
 * Scanned pages for the document benchmark (not yet: text PDFs only).
 */
import type { VariedDoc } from "../ai/fixtures/varied_corpus.ts";
import type { DocumentBenchRow } from "./documents.ts";

/** Reads held-out pages as scans; none yet. */
export function benchScannedPages(
  _corpus: VariedDoc[],
  _pdfs: Map<string, Uint8Array>,
  _db: unknown,
  log: (...a: unknown[]) => void,
): Promise<DocumentBenchRow[]> {
  log("\nScans: not measured in this run.");
  return Promise.resolve([]);
}
