/**
 * @module domain/documents/sniff
 * What an uploaded file really is, from its first bytes (never from its name or the browser's
 * content type): PDF, PNG, JPEG, plain text or CSV. Anything else is refused with a message that
 * says what it looks like. Images are checked for a readable header (their size in pixels is
 * checked against the limits by `image_size.ts`); PDFs are opened by
 * `pdf.ts` at upload, so encrypted and broken ones are refused before anything is stored.
 */
import { InvalidError } from "../errors.ts";
import { stripHiddenControls } from "../hidden_controls.ts";
import { jpegSize, pngSize } from "./image_size.ts";

export type DocumentType =
  | "application/pdf"
  | "image/png"
  | "image/jpeg"
  | "text/plain"
  | "text/csv";

export const DOCUMENT_TYPES: readonly DocumentType[] = [
  "application/pdf",
  "image/png",
  "image/jpeg",
  "text/plain",
  "text/csv",
];

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  return sig.every((b, i) => bytes[at + i] === b);
}

/** Known formats we refuse, named so the message helps. */
function lookalike(bytes: Uint8Array): string | null {
  const ascii = new TextDecoder("latin1").decode(bytes.subarray(0, 16));
  if (ascii.startsWith("PK\x03\x04")) return "a ZIP archive (or a Word/Excel file)";
  if (ascii.startsWith("GIF8")) return "a GIF image";
  if (ascii.startsWith("MZ")) return "a Windows program";
  if (ascii.startsWith("\x7fELF")) return "a program";
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return "an old Office document";
  if (ascii.startsWith("RIFF") && ascii.slice(8, 12) === "WEBP") return "a WebP image";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return "a TIFF image";
  }
  if (/^\s*<(!doctype html|html|svg|\?xml)/i.test(ascii)) return "an HTML, SVG or XML file";
  // ISO media files name their brand after "ftyp": phones' photos (HEIC, HEIF) and AVIF.
  if (ascii.slice(4, 8) === "ftyp") {
    const brand = ascii.slice(8, 12);
    if (/^(heic|heix|heim|heis|hevc|hevx|mif1|msf1)$/.test(brand)) {
      return "a HEIC photo (what iPhones take by default; set Settings → Camera → Formats → Most " +
        "Compatible, or share the photo as JPEG)";
    }
    if (/^avi[fs]$/.test(brand)) return "an AVIF image";
  }
  if (
    ascii.startsWith("BM") && startsWith(bytes, [0, 0, 0, 0], 6) &&
    [12, 40, 52, 56, 108, 124].includes(bytes[14] ?? 0)
  ) return "a BMP image";
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) {
    return "a JPEG 2000 image";
  }
  return null;
}

function unsupported(what: string): InvalidError {
  return new InvalidError(
    `This file is ${what}. Upload a PDF, PNG, JPEG, plain text or CSV file.`,
    { file: ["Unsupported type."] },
    415,
  );
}

function pngLooksValid(bytes: Uint8Array): boolean {
  // Any size the format allows: a too large image is refused by its size (image_size.ts), with
  // that reason, not as "damaged".
  return bytes.length >= 33 && pngSize(bytes) !== null;
}

function jpegLooksValid(bytes: Uint8Array): boolean {
  // A start-of-frame segment in the header, and the end-of-image marker near the end.
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  let hasEnd = false;
  for (let i = 0; i + 1 < tail.length; i++) {
    if (tail[i] === 0xff && tail[i + 1] === 0xd9) hasEnd = true;
  }
  return hasEnd && jpegSize(bytes) !== null;
}

/** True when the text reads like CSV: several lines with the same number of separators. */
function looksLikeCsv(text: string, name: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim()).slice(0, 10);
  if (lines.length < 2) return /\.csv$/i.test(name);
  const counts = lines.map((l) => (l.match(/,/g) ?? []).length);
  return counts[0]! >= 1 && counts.every((n) => n === counts[0]);
}

/** The type of a file by content; throws 415 with a clear message when it is not supported. */
export function sniffType(bytes: Uint8Array, name: string): DocumentType {
  if (bytes.length === 0) {
    throw new InvalidError("The file is empty.", { file: ["Empty file."] }, 422);
  }
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  if (head.includes("%PDF-")) return "application/pdf";
  if (startsWith(bytes, PNG)) {
    if (!pngLooksValid(bytes)) throw broken("PNG image");
    return "image/png";
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    if (!jpegLooksValid(bytes)) throw broken("JPEG image");
    return "image/jpeg";
  }
  const known = lookalike(bytes);
  if (known) throw unsupported(known);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw unsupported("not a PDF, an image or UTF-8 text");
  }
  // Control characters other than tab, newline, carriage return and form feed mean binary data.
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b\x0e-\x1f]/.test(text)) throw unsupported("binary data, not text");
  return looksLikeCsv(text, name) ? "text/csv" : "text/plain";
}

/** A file whose header says one thing and whose body is broken. */
export function broken(what: string, detail = ""): InvalidError {
  return new InvalidError(
    `This ${what} is damaged or incomplete${
      detail ? ` (${detail})` : ""
    }. Export it again and upload the new file.`,
    { file: ["Damaged file."] },
    422,
  );
}

/**
 * A safe display name: no path, no control characters (tab and line breaks included), no direction
 * overrides or zero-width characters ("a\u202Egnp.pdf" would show as "afdp.png";
 * domain/hidden_controls.ts), at most 200 characters.
 */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  // deno-lint-ignore no-control-regex
  const cleaned = stripHiddenControls(base.replace(/[\x00-\x1f\x7f]/g, "")).trim().slice(0, 200);
  return cleaned || "document";
}
