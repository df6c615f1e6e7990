/**
 * @module domain/documents/pdf
 * Opens PDFs with unpdf (pdf.js): checks an upload can be read (not encrypted, not broken) and
 * gives each page's text as lines, rebuilt from the positioned text items so that columns stay
 * apart (a gap wider than a couple of characters becomes three spaces). Pages with no text are
 * scanned pages and need OCR.
 */
import { broken } from "./sniff.ts";
import { InvalidError } from "../errors.ts";
import { openPdfjs } from "./pdfjs.ts";

export interface PdfPage {
  lines: string[];
  /** Each text item with its box in points, y from the top of the page (for plugin readers). */
  words: PdfWord[];
}

/** A positioned piece of a page's text layer. */
export interface PdfWord {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The page's text items as boxes from the top-left corner (PDF's y grows upwards). */
function itemsToWords(items: TextItem[], pageHeight: number): PdfWord[] {
  return items.filter((i) => i.str.trim()).map((i) => {
    const h = Math.abs(i.transform[3]!) || i.height || 10;
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      text: i.str.trim(),
      x: round(i.transform[4]!),
      y: round(pageHeight - i.transform[5]! - h),
      w: round(i.width),
      h: round(h),
    };
  });
}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/** A column gap in rebuilt lines. */
export const COLUMN_GAP = "   ";
/** Points per character column in rebuilt lines. */
const CHAR_WIDTH = 4.5;

async function open(bytes: Uint8Array) {
  try {
    return await openPdfjs(bytes);
  } catch (err) {
    const name = (err as { name?: string }).name ?? "";
    if (name === "PasswordException") {
      throw new InvalidError(
        "This PDF is protected by a password. Save an unprotected copy and upload that.",
        { file: ["Encrypted PDF."] },
        422,
      );
    }
    throw broken("PDF", name === "InvalidPDFException" ? "invalid structure" : "");
  }
}

/** Checks that a PDF opens; returns its page count. Throws a clear 422 otherwise. */
export async function inspectPdf(bytes: Uint8Array): Promise<{ pages: number }> {
  const pdf = await open(bytes);
  try {
    if (pdf.numPages < 1) throw broken("PDF", "no pages");
    await pdf.getPage(1); // a broken page tree fails here
    return { pages: pdf.numPages };
  } catch (err) {
    if (err instanceof InvalidError) throw err;
    throw broken("PDF");
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** Rebuilds lines from positioned text items: same baseline -> one line, big gaps -> columns. */
export function itemsToLines(items: TextItem[]): string[] {
  const rows: Array<{ y: number; items: TextItem[] }> = [];
  for (const item of items) {
    if (!item.str.trim()) continue;
    const y = item.transform[5]!;
    const row = rows.find((r) => Math.abs(r.y - y) <= 2);
    if (row) row.items.push(item);
    else rows.push({ y, items: [item] });
  }
  rows.sort((a, b) => b.y - a.y);
  return rows.map((row) => {
    row.items.sort((a, b) => a.transform[4]! - b.transform[4]!);
    // Layout mode: a column starts near x / CHAR_WIDTH, so labels stay above their values.
    let line = "";
    let end = -Infinity;
    for (const item of row.items) {
      const x = item.transform[4]!;
      const size = Math.abs(item.transform[0]!) || item.height || 10;
      const gap = x - end;
      if (gap > size * 1.2 || !line) {
        const trimmed = line.trimEnd();
        const column = Math.round(x / CHAR_WIDTH);
        line = trimmed +
          " ".repeat(Math.max(trimmed ? COLUMN_GAP.length : 0, column - trimmed.length));
      } else if (gap > size * 0.15 && !line.endsWith(" ")) line += " ";
      line += item.str;
      end = x + item.width;
    }
    return line.trimEnd();
  }).filter((l) => l.trim() !== "");
}

/** Text of every page as lines. */
export async function pdfPages(bytes: Uint8Array): Promise<PdfPage[]> {
  return (await readPdfPages(bytes)).pages;
}

/**
 * Text of the first `maxPages` pages as lines, and the PDF's page count: a 5,000-page upload is
 * read only as far as the page budget. Stops between pages when `signal` aborts.
 */
export async function readPdfPages(
  bytes: Uint8Array,
  opts: { maxPages?: number; signal?: AbortSignal } = {},
): Promise<{ pages: PdfPage[]; total: number }> {
  const pdf = await open(bytes);
  try {
    const pages: PdfPage[] = [];
    const last = Math.min(pdf.numPages, opts.maxPages ?? Infinity);
    for (let n = 1; n <= last; n++) {
      opts.signal?.throwIfAborted();
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const items = content.items as unknown as TextItem[];
      const height = page.getViewport({ scale: 1 }).height;
      pages.push({ lines: itemsToLines(items), words: itemsToWords(items, height) });
    }
    return { pages, total: pdf.numPages };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
