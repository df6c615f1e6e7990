/**
 * @module domain/documents/pdfjs
 * The one way the app opens a PDF with pdf.js: unpdf's API over the official pdfjs-dist build.
 *
 * unpdf's own bundle of pdf.js leaves out the WebAssembly image decoders (CCITT fax and JBIG2,
 * JPEG 2000) that scanned pages need, so unpdf is pointed at pdfjs-dist, whose wasm/ folder is
 * read from disk (offline). Both loaded on first use: they add ~15 MB to a process that never
 * reads a PDF.
 */
import { dirname } from "node:path";
import { createRequire } from "node:module";

/** An open PDF (pdf.js's PDFDocumentProxy). */
export type PdfDocument = Awaited<ReturnType<typeof import("unpdf").getDocumentProxy>>;

let ready: Promise<typeof import("unpdf")> | null = null;

function loadPdfjs(): Promise<typeof import("unpdf")> {
  ready ??= (async () => {
    const unpdf = await import("unpdf");
    await unpdf.definePDFJSModule(() => import("pdfjs-dist/legacy/build/pdf.mjs"));
    return unpdf;
  })().catch((err) => {
    ready = null;
    throw err;
  });
  return ready;
}

let wasm: string | undefined | null = null;

function wasmFolder(): string | undefined {
  if (wasm !== null) return wasm;
  try {
    const require = createRequire(import.meta.url);
    wasm = dirname(require.resolve("pdfjs-dist/wasm/jbig2.wasm")) + "/";
  } catch {
    wasm = undefined; // CCITT, JBIG2 and JPEG 2000 images then stay undecoded; text still works
  }
  return wasm;
}

/**
 * Opens a PDF (pdf.js takes over a copy of the bytes). Close it with `pdf.loadingTask.destroy()`.
 * `maxImageSize` (pixels) leaves larger images undecoded: pdf.js decodes every image a page draws
 * when asked for its operators, whatever size its dictionary claims.
 */
export async function openPdfjs(
  bytes: Uint8Array,
  options: { maxImageSize?: number } = {},
): Promise<PdfDocument> {
  const { getDocumentProxy } = await loadPdfjs();
  return await getDocumentProxy(new Uint8Array(bytes), {
    maxImageSize: options.maxImageSize ?? -1,
    verbosity: 0,
    wasmUrl: wasmFolder(),
    isOffscreenCanvasSupported: false,
  });
}

/** pdf.js's operator codes (paintImageXObject, ...), once pdf.js is loaded. */
export async function pdfjsOps(): Promise<Record<string, number>> {
  const { getResolvedPDFJS } = await loadPdfjs();
  return (await getResolvedPDFJS()).OPS as Record<string, number>;
}
