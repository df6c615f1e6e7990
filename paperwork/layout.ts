/**
 * @module paperwork/layout
 * The drawing kit the broker's outgoing paperwork shares: a US Letter sheet in the standard
 * Helvetica fonts, the company letterhead with the document's title beside it, label/value facts,
 * headed blocks of lines, and a table of goods that wraps long cells and continues on a new page
 * (header repeated) when it runs out of room.
 *
 * Layout rules the built-in document reader (ai/offline) relies on, so the app can read its own
 * paperwork: the title shares the first line with the company name; a block heading ("BILL TO")
 * stands alone on its line with the block's lines under it; facts read "Label: value"; table
 * headers start where their column starts.
 */
import type { PDFDocument, PDFFont, PDFPage, RGB } from "pdf-lib";
import type { CompanyDetails } from "../domain/company.ts";
import { addressLines } from "./format.ts";
import { encodable } from "./encoding.ts";

export const PAGE_WIDTH = 612;
export const PAGE_HEIGHT = 792;
export const MARGIN = 50;
export const RIGHT = PAGE_WIDTH - MARGIN;
const BOTTOM = 60;

let pdfLibLoaded: Promise<typeof import("pdf-lib")> | null = null;
/**
 * pdf-lib, loaded by the first document drawn or branded rather than at start: loading it took
 * ~0.16 s and ~13 MB of every process, and most requests never make a PDF.
 */
export function pdfLib(): Promise<typeof import("pdf-lib")> {
  return pdfLibLoaded ??= import("pdf-lib");
}

/** The two greys of the paperwork: secondary text, and the rules between sections. */
interface Greys {
  muted: RGB;
  rule: RGB;
}

export interface TextStyle {
  size?: number;
  bold?: boolean;
  muted?: boolean;
  align?: "left" | "right";
}

export interface Column {
  header: string;
  /** Left edge of the column, in points. */
  x: number;
  width: number;
  align?: "left" | "right";
}

/** The table of goods on invoices and purchase orders (headers start where columns start). */
export const GOODS_COLUMNS: Column[] = [
  { header: "Description", x: MARGIN, width: 215 },
  { header: "Cases", x: 275, width: 35, align: "right" },
  { header: "Weight", x: 322, width: 63, align: "right" },
  { header: "Price", x: 397, width: 70, align: "right" },
  { header: "Amount", x: 479, width: RIGHT - 479, align: "right" },
];

/**
 * The tenant's words for the built-in ones ("Supplier" -> "Packer"; customization/terms.ts),
 * applied to every heading and label a document prints, never to the values.
 */
export type Words = (text: string) => string;

/** One document being drawn: its pages, fonts and the cursor (`y`, top down). */
export class Sheet {
  pages: PDFPage[] = [];
  y = 0;

  private constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    /** Drawn at the top of every page after the first (e.g. "INV-50001, continued"). */
    readonly continued: string,
    readonly words: Words,
    readonly greys: Greys,
  ) {}

  /** Starts a document with one page; `words` renames its headings and labels. */
  static async create(
    title: string,
    continued: string,
    words: Words = (text) => text,
  ): Promise<Sheet> {
    const { PDFDocument, rgb, StandardFonts } = await pdfLib();
    const doc = await PDFDocument.create();
    doc.setTitle(words(title));
    doc.setProducer("ProjectMeats");
    const sheet = new Sheet(
      doc,
      await doc.embedFont(StandardFonts.Helvetica),
      await doc.embedFont(StandardFonts.HelveticaBold),
      words(continued),
      words,
      { muted: rgb(0.35, 0.35, 0.35), rule: rgb(0.75, 0.75, 0.75) },
    );
    sheet.#addPage();
    return sheet;
  }

  get page(): PDFPage {
    return this.pages[this.pages.length - 1]!;
  }

  #addPage(): void {
    this.pages.push(this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]));
    this.y = PAGE_HEIGHT - MARGIN;
    if (this.pages.length > 1) {
      this.text(encodable(this.bold, this.continued), MARGIN, this.y, { bold: true, size: 10 });
      this.y -= 24;
    }
  }

  /** Starts a new page unless `height` points still fit above the bottom margin. */
  ensure(height: number): boolean {
    if (this.y - height >= BOTTOM) return false;
    this.#addPage();
    return true;
  }

  /** Draws one line of text with its baseline at `y` (x is the right edge when right-aligned). */
  text(text: string, x: number, y: number, style: TextStyle = {}): void {
    const font = style.bold ? this.bold : this.regular;
    const size = style.size ?? 9;
    const clean = encodable(font, text);
    if (!clean) return;
    const left = style.align === "right" ? x - font.widthOfTextAtSize(clean, size) : x;
    this.page.drawText(clean, {
      x: left,
      y,
      size,
      font,
      color: style.muted ? this.greys.muted : undefined,
    });
  }

  /** Splits text into lines no wider than `width` (breaking long words too). */
  wrap(text: string, width: number, style: TextStyle = {}): string[] {
    const font = style.bold ? this.bold : this.regular;
    const size = style.size ?? 9;
    const fits = (s: string) => font.widthOfTextAtSize(encodable(font, s), size) <= width;
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = "";
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (fits(candidate)) {
          line = candidate;
          continue;
        }
        if (line) lines.push(line);
        line = word;
        while (!fits(line)) {
          let cut = line.length - 1;
          while (cut > 1 && !fits(line.slice(0, cut))) cut--;
          cut = Math.max(cut, 1); // a page narrower than one letter still moves on
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      }
      if (line) lines.push(line);
    }
    return lines;
  }

  /** A horizontal rule across the page at the cursor. */
  rule(): void {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: RIGHT, y: this.y },
      thickness: 0.75,
      color: this.greys.rule,
    });
    this.y -= 16;
  }

  /** A heading or label in the tenant's words (an upper-case one stays upper case). */
  label(text: string): string {
    const named = this.words(text);
    return text === text.toUpperCase() ? named.toUpperCase() : named;
  }

  /** The company letterhead on the left with the document title beside the company name. */
  letterhead(company: CompanyDetails, title: string): void {
    const top = this.y - 8;
    this.text(company.company_name, MARGIN, top, { bold: true, size: 16 });
    this.text(this.label(title), RIGHT, top, { bold: true, size: 18, align: "right" });
    let y = top - 16;
    const contact = [company.company_phone, company.company_email].filter(Boolean).join("   ");
    for (const line of [...addressLines(company), contact].filter(Boolean)) {
      this.text(line, MARGIN, y, { muted: true });
      y -= 12;
    }
    this.y = y - 6;
    this.rule();
  }

  /** A headed block of lines at `x` (the first line bold); returns the y under it. */
  block(heading: string, lines: string[], x: number, y: number, width = 240): number {
    this.text(this.label(heading).toUpperCase(), x, y, { bold: true, size: 8, muted: true });
    y -= 13;
    lines.filter(Boolean).forEach((line, i) => {
      for (const part of this.wrap(line, width, { bold: i === 0 })) {
        this.text(part, x, y, { bold: i === 0, size: i === 0 ? 10 : 9 });
        y -= 12;
      }
    });
    return y;
  }

  /** "Label: value" lines at `x` (pairs with no value are left out); returns the y under them. */
  facts(pairs: Array<[string, string | null | undefined]>, x: number, y: number): number {
    for (const [label, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      const head = `${this.label(label)}: `;
      this.text(head, x, y, { bold: true });
      const offset = this.bold.widthOfTextAtSize(encodable(this.bold, head), 9);
      const parts = this.wrap(value, RIGHT - x - offset);
      parts.forEach((part, i) => this.text(part, x + offset, y - i * 12));
      y -= 12 * Math.max(1, parts.length);
    }
    return y;
  }

  /** A paragraph (under a small heading, if given) wrapped to the page, across pages if long. */
  paragraph(heading: string, text: string, style: TextStyle = {}): void {
    if (!text.trim()) return;
    const lines = this.wrap(text, RIGHT - MARGIN, style);
    this.ensure(30);
    if (heading) {
      this.text(this.label(heading).toUpperCase(), MARGIN, this.y, {
        bold: true,
        size: 8,
        muted: true,
      });
      this.y -= 13;
    }
    for (const line of lines) {
      this.ensure(12);
      this.text(line, MARGIN, this.y, style);
      this.y -= 12;
    }
    this.y -= 8;
  }

  /** A table whose rows wrap their cells and continue on new pages under a repeated header. */
  table(columns: Column[], rows: string[][]): void {
    const header = () => {
      for (const col of columns) this.text(this.label(col.header), col.x, this.y, { bold: true });
      this.y -= 5;
      this.rule();
    };
    this.ensure(40);
    header();
    for (const row of rows) {
      const cells = columns.map((col, i) => this.wrap(row[i] ?? "", col.width));
      const height = 12 * Math.max(1, ...cells.map((c) => c.length)) + 2;
      if (this.ensure(height)) header();
      cells.forEach((lines, i) => {
        const col = columns[i]!;
        const x = col.align === "right" ? col.x + col.width : col.x;
        lines.forEach((line, k) => this.text(line, x, this.y - k * 12, { align: col.align }));
      });
      this.y -= height;
    }
    this.y -= 4;
    this.rule();
  }

  /** Right-aligned totals, "Label   value" per row; a row marked true is bold. */
  totals(rows: Array<[string, string, boolean?]>): void {
    this.ensure(14 * rows.length + 10);
    for (const [label, value, bold] of rows) {
      this.text(this.label(label), 380, this.y, { bold });
      this.text(value, RIGHT, this.y, { bold, align: "right" });
      this.y -= 14;
    }
    this.y -= 10;
  }

  /** Page numbers at the foot of every page, then the PDF's bytes. */
  async save(): Promise<Uint8Array> {
    const count = this.pages.length;
    this.pages.forEach((page, i) => {
      const label = encodable(this.regular, this.words(`Page ${i + 1} of ${count}`));
      page.drawText(label, {
        x: RIGHT - this.regular.widthOfTextAtSize(label, 8),
        y: 30,
        size: 8,
        font: this.regular,
        color: this.greys.muted,
      });
    });
    return await this.doc.save({ useObjectStreams: false });
  }
}

/** A place's "Hours: …" line with its label in the sheet's words, the hours as written. */
export function hoursLine(sheet: Sheet, line: string): string {
  const m = /^Hours: (.*)$/.exec(line);
  return m ? `${sheet.label("Hours")}: ${m[1]}` : line;
}
