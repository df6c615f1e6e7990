/**
 * @module ai/ocr
 * OCR with tesseract.js and the English data of the npm package @tesseract.js-data/eng, so it
 * works with no network. One worker per process, started on first use and reused; calls are
 * serialized (tesseract's worker reads one image at a time).
 */
// Loaded on first use: tesseract.js adds ~17 MB to a process that never reads an image.
import type { Worker } from "tesseract.js";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import { deflateSync, inflateSync } from "node:zlib";

let worker: Promise<Worker> | null = null;
let queue: Promise<unknown> = Promise.resolve();

function langPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@tesseract.js-data/eng/package.json");
  return join(dirname(pkg), "4.0.0_best_int");
}

function getWorker(): Promise<Worker> {
  worker ??= import("tesseract.js").then(({ createWorker }) =>
    createWorker("eng", 1, {
      langPath: langPath(),
      gzip: true,
      cacheMethod: "none",
    })
  ).catch((err) => {
    worker = null;
    throw err;
  });
  return worker;
}

/** Text of an image (PNG or JPEG bytes). */
export function ocrImage(bytes: Uint8Array): Promise<string> {
  const run = queue.then(async () => {
    const w = await getWorker();
    const { data } = await w.recognize(Buffer.from(bytes));
    return data.text;
  });
  queue = run.catch(() => {});
  return run;
}

/** CRC-32 (PNG chunks). */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG from a PDF image's pixel rows (8-bit gray or RGB, or 1-bit gray). */
export function pngFromRows(
  width: number,
  height: number,
  bits: 1 | 8,
  channels: 1 | 3,
  rows: Uint8Array,
): Uint8Array {
  const stride = Math.ceil((width * bits * channels) / 8);
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    filtered.set(rows.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1); // filter 0
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([bits, channels === 3 ? 2 : 0, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", new Uint8Array(deflateSync(filtered))),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/**
 * The images a PDF page draws, as files tesseract reads, largest first: JPEGs as they are (what
 * most scanners write), and Flate-compressed gray or RGB pixels (8-bit, or 1-bit black and white)
 * turned into PNGs. Other encodings (CCITT fax, JPEG 2000) would need a PDF renderer.
 */
export async function pageImages(bytes: Uint8Array, pageIndex: number): Promise<Uint8Array[]> {
  // Loaded on first use, like tesseract.js.
  const { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream } = await import(
    "pdf-lib"
  );
  const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
  if (pageIndex >= doc.getPageCount()) return [];
  const resources = doc.getPage(pageIndex).node.Resources();
  const xobjects = resources?.lookup(PDFName.of("XObject"));
  if (!(xobjects instanceof PDFDict)) return [];
  const out: Uint8Array[] = [];
  for (const [, ref] of xobjects.entries()) {
    const object = doc.context.lookup(ref);
    if (!(object instanceof PDFRawStream)) continue;
    const dict = object.dict;
    if (dict.lookup(PDFName.of("Subtype")) !== PDFName.of("Image")) continue;
    const filter = dict.lookup(PDFName.of("Filter"));
    const filters = filter instanceof PDFArray ? filter.asArray() : [filter];
    if (filters.length !== 1) continue;
    if (filters[0] === PDFName.of("DCTDecode")) {
      out.push(object.contents);
      continue;
    }
    if (filters[0] !== PDFName.of("FlateDecode")) continue;
    const num = (key: string) => {
      const v = dict.lookup(PDFName.of(key));
      return v instanceof PDFNumber ? v.asNumber() : NaN;
    };
    const space = dict.lookup(PDFName.of("ColorSpace"));
    const channels = space === PDFName.of("DeviceRGB")
      ? 3
      : space === PDFName.of("DeviceGray")
      ? 1
      : 0;
    const bits = num("BitsPerComponent");
    const [width, height] = [num("Width"), num("Height")];
    const predicted = dict.lookup(PDFName.of("DecodeParms")) !== undefined;
    if (!channels || (bits !== 8 && bits !== 1) || (bits === 1 && channels !== 1) || predicted) {
      continue;
    }
    if (!(width > 0 && height > 0 && width * height <= 40_000_000)) continue;
    const rows = new Uint8Array(inflateSync(object.contents));
    if (rows.length < Math.ceil((width * bits * channels) / 8) * height) continue;
    out.push(pngFromRows(width, height, bits as 1 | 8, channels, rows));
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Text of scanned PDF pages by index: their embedded page images, OCR'd. */
export async function ocrPdfPages(
  bytes: Uint8Array,
  pages: number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const index of pages) {
    const images = await pageImages(bytes, index).catch(() => []);
    const texts: string[] = [];
    for (const image of images.slice(0, 4)) texts.push(await ocrImage(image));
    const text = texts.join("\n").trim();
    if (text) out.set(index, text);
  }
  return out;
}

/** Stops the OCR worker (tests, shutdown). */
export async function stopOcr(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await (await w).terminate();
}
