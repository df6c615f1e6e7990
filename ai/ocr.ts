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
import { pageImages } from "./pdf_images.ts";
import { deskew, type Word, wordsToText } from "./offline/words.ts";

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

/**
 * Text of an image (PNG or JPEG bytes), laid out from tesseract's word boxes (offline/words.ts):
 * side-by-side columns stay apart and values stay under their labels, the page straightened by the
 * slope of tesseract's lines. Tesseract's own text, when it found no boxes.
 */
export function ocrImage(bytes: Uint8Array): Promise<string> {
  const run = queue.then(async () => {
    const w = await getWorker();
    const { data } = await w.recognize(Buffer.from(bytes), {}, { text: true, blocks: true });
    const lines: Word[][] = [];
    for (const block of data.blocks ?? []) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          lines.push(line.words.map((word) => {
            const { x0, y0, x1, y1 } = word.bbox;
            return { text: word.text, x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
          }));
        }
      }
    }
    const words = lines.flat();
    return words.length ? wordsToText(deskew(words, lines)) : data.text;
  });
  queue = run.catch(() => {});
  return run;
}

/** Text of scanned PDF pages by index: their embedded page images, OCR'd; stops on `signal`. */
export async function ocrPdfPages(
  bytes: Uint8Array,
  pages: number[],
  signal?: AbortSignal,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const index of pages) {
    signal?.throwIfAborted(); // a job out of time stops between pages
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
