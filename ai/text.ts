/**
 * @module ai/text
 * A document's text, whatever its type: PDF text layers (unpdf), OCR for images and scanned
 * pages (tesseract.js, offline), plain text as is, CSV rows as columns. Says when a document
 * needs OCR that is switched off or failed, rather than pretending. Budgets: a PDF is read only
 * as far as `maxPages` (the rest is named in `reason`), an image too large to decode is not
 * decoded, and `signal` stops the reading between pages.
 */
import { readPdfPages } from "../domain/documents/pdf.ts";
import {
  DEFAULT_IMAGE_LIMITS,
  type ImageLimits,
  imageSize,
  imageTooLarge,
} from "../domain/documents/image_size.ts";
import { ocrImageWords, ocrPdfPages, type OcrSettings } from "./ocr.ts";
import type { Word } from "./offline/words.ts";

export interface DocumentText {
  text: string;
  pages: number;
  method: "pdf" | "ocr" | "pdf+ocr" | "text" | "csv" | "none";
  /** Why there is no text (when method is "none"), or what was left unread. */
  reason?: string;
  /**
   * The positioned words of each page read, as the text layer (points) or OCR (pixels) gave them,
   * y from the top: what plugin readers receive as `pages` (plugins/host/readers.ts).
   */
  words?: Word[][];
}

export interface TextOptions {
  ocr: boolean;
  /** Pages read of a PDF (DOCUMENT_MAX_PAGES); all when not given. */
  maxPages?: number;
  /** Images larger than this are not decoded (IMAGE_MAX_*). */
  imageLimits?: ImageLimits;
  signal?: AbortSignal;
  /** Tesseract's settings (the benchmark compares two); ai/ocr.ts's own when not given. */
  ocrSettings?: OcrSettings;
}

/** What a page budget left unread, said on the document. */
export function pagesLeftUnread(total: number, read: number): string | undefined {
  if (total <= read) return undefined;
  return `This PDF has ${total} pages; only the first ${read} were read (the limit per ` +
    "document). Upload the other pages as separate documents if they matter.";
}

function joinReasons(...reasons: Array<string | undefined>): string | undefined {
  return reasons.filter(Boolean).join(" ") || undefined;
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
  opts: TextOptions,
): Promise<DocumentText> {
  if (contentType === "text/plain") {
    return { text: new TextDecoder().decode(bytes), pages: 1, method: "text" };
  }
  if (contentType === "text/csv") {
    const rows = new TextDecoder().decode(bytes).split(/\r?\n/).map(csvCells);
    return { text: rows.map((r) => r.join("   ")).join("\n"), pages: 1, method: "csv" };
  }
  if (contentType === "application/pdf") {
    const read = await readPdfPages(bytes, { maxPages: opts.maxPages, signal: opts.signal });
    const { pages, total } = read;
    const cut = pagesLeftUnread(total, pages.length);
    const scanned = pages.map((p, i) => (p.lines.join("").replace(/\s/g, "").length < 20 ? i : -1))
      .filter((i) => i >= 0);
    const words = pages.map((p) => p.words);
    if (scanned.length === 0) {
      return {
        text: pages.map((p) => p.lines.join("\n")).join("\n\f\n"),
        pages: total,
        method: "pdf",
        reason: cut,
        words,
      };
    }
    if (!opts.ocr) {
      const text = pages.map((p) => p.lines.join("\n")).join("\n\f\n");
      return text.trim()
        ? {
          text,
          pages: total,
          method: "pdf",
          reason: joinReasons("Some pages are scanned; OCR is off.", cut),
          words,
        }
        : {
          text: "",
          pages: total,
          method: "none",
          reason: joinReasons("The PDF is scanned and OCR is switched off.", cut),
        };
    }
    const ocrWords = new Map<number, Word[]>();
    const ocr = await ocrPdfPages(bytes, scanned, opts.signal, opts.ocrSettings, ocrWords);
    const texts = pages.map((p, i) => ocr.get(i) ?? p.lines.join("\n"));
    const text = texts.join("\n\f\n");
    if (!text.trim()) {
      return {
        text: "",
        pages: total,
        method: "none",
        reason: joinReasons("No text could be read from the scanned pages.", cut),
      };
    }
    return {
      text,
      pages: total,
      method: scanned.length === pages.length ? "ocr" : "pdf+ocr",
      reason: cut,
      words: words.map((w, i) => ocrWords.get(i) ?? w),
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
    // Stored before the limits, or under other settings: still never decoded when too large.
    const size = imageSize(bytes, contentType);
    const tooLarge = size && imageTooLarge(size, opts.imageLimits ?? DEFAULT_IMAGE_LIMITS);
    if (tooLarge) return { text: "", pages: 1, method: "none", reason: tooLarge };
    const { text, words } = await ocrImageWords(bytes, opts.ocrSettings);
    if (!text.trim()) {
      return {
        text: "",
        pages: 1,
        method: "none",
        reason: "No text could be read from the image.",
      };
    }
    return { text, pages: 1, method: "ocr", words: [words] };
  }
  return { text: "", pages: 0, method: "none", reason: `Unsupported type ${contentType}.` };
}
