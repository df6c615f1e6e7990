/**
 * @module ai/text
 * A document's text, whatever its type: PDF text layers (unpdf), OCR for images and scanned
 * pages (tesseract.js, offline), plain text as is, CSV rows as columns. Says when a document
 * needs OCR that is switched off or failed, rather than pretending.
 */
import { pdfPages } from "../domain/documents/pdf.ts";
import { ocrImage, ocrPdfPages } from "./ocr.ts";

export interface DocumentText {
  text: string;
  pages: number;
  method: "pdf" | "ocr" | "pdf+ocr" | "text" | "csv" | "none";
  /** Why there is no text (when method is "none"). */
  reason?: string;
}

/** Splits one CSV line (quotes, doubled quotes). */
export function csvCells(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"', i++);
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") (out.push(cur), cur = "");
    else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

/** Extracts the text of a stored document. */
export async function documentText(
  bytes: Uint8Array,
  contentType: string,
  opts: { ocr: boolean },
): Promise<DocumentText> {
  if (contentType === "text/plain") {
    return { text: new TextDecoder().decode(bytes), pages: 1, method: "text" };
  }
  if (contentType === "text/csv") {
    const rows = new TextDecoder().decode(bytes).split(/\r?\n/).map(csvCells);
    return { text: rows.map((r) => r.join("   ")).join("\n"), pages: 1, method: "csv" };
  }
  if (contentType === "application/pdf") {
    const pages = await pdfPages(bytes);
    const scanned = pages.map((p, i) => (p.lines.join("").replace(/\s/g, "").length < 20 ? i : -1))
      .filter((i) => i >= 0);
    if (scanned.length === 0) {
      return {
        text: pages.map((p) => p.lines.join("\n")).join("\n\f\n"),
        pages: pages.length,
        method: "pdf",
      };
    }
    if (!opts.ocr) {
      const text = pages.map((p) => p.lines.join("\n")).join("\n\f\n");
      return text.trim()
        ? {
          text,
          pages: pages.length,
          method: "pdf",
          reason: "Some pages are scanned; OCR is off.",
        }
        : {
          text: "",
          pages: pages.length,
          method: "none",
          reason: "The PDF is scanned and OCR is switched off.",
        };
    }
    const ocr = await ocrPdfPages(bytes, scanned);
    const texts = pages.map((p, i) => ocr.get(i) ?? p.lines.join("\n"));
    const text = texts.join("\n\f\n");
    if (!text.trim()) {
      return {
        text: "",
        pages: pages.length,
        method: "none",
        reason: "No text could be read from the scanned pages.",
      };
    }
    return {
      text,
      pages: pages.length,
      method: scanned.length === pages.length ? "ocr" : "pdf+ocr",
    };
  }
  if (contentType === "image/png" || contentType === "image/jpeg") {
    if (!opts.ocr) {
      return {
        text: "",
        pages: 1,
        method: "none",
        reason: "Images need OCR, which is switched off.",
      };
    }
    const text = await ocrImage(bytes);
    if (!text.trim()) {
      return {
        text: "",
        pages: 1,
        method: "none",
        reason: "No text could be read from the image.",
      };
    }
    return { text, pages: 1, method: "ocr" };
  }
  return { text: "", pages: 0, method: "none", reason: `Unsupported type ${contentType}.` };
}
