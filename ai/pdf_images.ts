/**
 * @module ai/pdf_images
 * The images a scanned PDF page draws, as files tesseract reads.
 *
 * Two readers, cheapest first. pdf-lib walks the page's image objects: a JPEG (what most colour
 * scanners write) is handed over as it is and Flate-compressed pixels become a PNG, without
 * decoding anything else. Any other encoding (CCITT Group 3/4 fax and JBIG2 from black-and-white
 * copiers, JPEG 2000, predictors, indexed colours) sends the page to pdf.js, which decodes every
 * image filter (see domain/documents/pdfjs.ts for its offline WebAssembly decoders).
 */
import { inflateSync } from "node:zlib";
import { pngFromRows } from "./png.ts";
import { jpegSize } from "../domain/documents/image_size.ts";
import { openPdfjs, pdfjsOps } from "../domain/documents/pdfjs.ts";

/** Larger images are skipped rather than decoded (a 40-megapixel page is 600 dpi on A3). */
const MAX_PIXELS = 40_000_000;

/** The pdf-lib document of each PDF being read (by the bytes' identity, as OCR passes them). */
const loaded = new WeakMap<Uint8Array, Promise<import("pdf-lib").PDFDocument>>();

/** What pdf-lib found on a page: the images it could convert and whether others remain. */
interface SimpleImages {
  images: Uint8Array[];
  others: number;
  /** Whether the page has XObjects at all (an image may hide inside a form object). */
  drawsObjects: boolean;
}

async function simpleImages(bytes: Uint8Array, pageIndex: number): Promise<SimpleImages | null> {
  // Loaded on first use, like tesseract.js.
  const { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream } = await import(
    "pdf-lib"
  );
  // Loaded once per document, not once per page: pdf-lib parses every object of the file, and a
  // 100,000-page PDF of 10 MB took 7 s and 400 MB for each page OCR asked about.
  let loading = loaded.get(bytes);
  if (!loading) {
    loading = PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    loaded.set(bytes, loading);
    loading.catch(() => loaded.delete(bytes));
  }
  const doc = await loading;
  if (pageIndex >= doc.getPageCount()) return null;
  const resources = doc.getPage(pageIndex).node.Resources();
  const xobjects = resources?.lookup(PDFName.of("XObject"));
  const found: SimpleImages = { images: [], others: 0, drawsObjects: false };
  // No XObject at all: no image to draw (pdf.js would find none either), so it is not opened.
  if (!(xobjects instanceof PDFDict) || xobjects.entries().length === 0) return found;
  found.drawsObjects = true;
  for (const [, ref] of xobjects.entries()) {
    const object = doc.context.lookup(ref);
    if (!(object instanceof PDFRawStream)) continue;
    const dict = object.dict;
    if (dict.lookup(PDFName.of("Subtype")) !== PDFName.of("Image")) continue;
    const filter = dict.lookup(PDFName.of("Filter"));
    const filters = filter instanceof PDFArray ? filter.asArray() : [filter];
    if (filters.length === 1 && filters[0] === PDFName.of("DCTDecode")) {
      // Handed to tesseract as it is, so measured by its own header first.
      const size = jpegSize(object.contents);
      if (size && size.width * size.height <= MAX_PIXELS) found.images.push(object.contents);
      continue;
    }
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
    const plain = filters.length === 1 && filters[0] === PDFName.of("FlateDecode") &&
      dict.lookup(PDFName.of("DecodeParms")) === undefined && channels > 0 &&
      (bits === 8 || (bits === 1 && channels === 1));
    if (!plain) {
      found.others++;
      continue;
    }
    if (!(width > 0 && height > 0 && width * height <= MAX_PIXELS)) continue;
    // Inflated only as far as the rows the image declares: a stream that says 10×10 pixels may
    // hold gigabytes of zeros in a few hundred kilobytes (a Flate bomb).
    const expected = Math.ceil((width * bits * channels) / 8) * height;
    const rows = inflateAtMost(object.contents, expected);
    if (!rows || rows.length < expected) continue;
    found.images.push(pngFromRows(width, height, bits as 1 | 8, channels as 1 | 3, rows));
  }
  return found;
}

/** The stream inflated, or null when it is damaged or inflates past `max` bytes. */
function inflateAtMost(contents: Uint8Array, max: number): Uint8Array | null {
  try {
    return new Uint8Array(inflateSync(contents, { maxOutputLength: Math.max(max, 1) }));
  } catch {
    return null;
  }
}

/** pdf.js's image kinds (its ImageKind enum). */
const GRAYSCALE_1BPP = 1, RGB_24BPP = 2, RGBA_32BPP = 3;

interface DecodedImage {
  width: number;
  height: number;
  kind: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/** A decoded pdf.js image as a PNG (1-bit rows keep pdf.js's 1 = white, as PNG's gray does). */
function pngFromDecoded(image: DecodedImage): Uint8Array | null {
  const { width, height, kind, data } = image;
  if (!data || !(width > 0 && height > 0 && width * height <= MAX_PIXELS)) return null;
  const rows = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (kind === GRAYSCALE_1BPP) return pngFromRows(width, height, 1, 1, rows);
  if (kind === RGB_24BPP) return pngFromRows(width, height, 8, 3, rows);
  if (kind !== RGBA_32BPP) return null;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    rgb[o] = rows[i]!;
    rgb[o + 1] = rows[i + 1]!;
    rgb[o + 2] = rows[i + 2]!;
  }
  return pngFromRows(width, height, 8, 3, rgb);
}

async function decodedImages(bytes: Uint8Array, pageIndex: number): Promise<Uint8Array[]> {
  const OPS = await pdfjsOps();
  // An image past the budget is never decoded (a 60 KB PDF declaring an 8000×8000 image took
  // 400 MB before its size was looked at).
  const doc = await openPdfjs(bytes, { maxImageSize: MAX_PIXELS });
  try {
    if (pageIndex >= doc.numPages) return [];
    const page = await doc.getPage(pageIndex + 1);
    const ops = await page.getOperatorList();
    const names = new Set<string>();
    ops.fnArray.forEach((fn, i) => {
      if (fn === OPS.paintImageXObject || fn === OPS.paintImageXObjectRepeat) {
        names.add(ops.argsArray[i][0]);
      }
    });
    const out: Uint8Array[] = [];
    for (const name of names) {
      // Images used on several pages live in the document's shared objects ("g_" names).
      const objs = name.startsWith("g_") ? page.commonObjs : page.objs;
      const image = await new Promise<DecodedImage | null>((resolve) => objs.get(name, resolve));
      const png = image && pngFromDecoded(image);
      if (png) out.push(png);
    }
    return out;
  } finally {
    await doc.loadingTask.destroy();
  }
}

/** The images a PDF page draws, as PNG or JPEG files, largest first. */
export async function pageImages(bytes: Uint8Array, pageIndex: number): Promise<Uint8Array[]> {
  const simple = await simpleImages(bytes, pageIndex);
  if (!simple) return [];
  // A page with no image pdf-lib can see may still draw one inside a form object.
  const decode = simple.others > 0 || (simple.images.length === 0 && simple.drawsObjects);
  const images = decode ? await decodedImages(bytes, pageIndex) : simple.images;
  return images.sort((a, b) => b.length - a.length);
}
