/**
 * @module ai/ocr
 * OCR with tesseract.js, fully offline: the English model is tessdata_fast's (`ai/tessdata/`, from
 * Debian's tesseract-ocr-eng; the npm package @tesseract.js-data/eng's "best_int" model is kept for
 * comparison). One worker per process and model, started on first use and reused across documents
 * (starting one and loading its model costs 1.3-1.8 s); calls are serialized (tesseract's worker
 * reads one image at a time).
 *
 * Where a page's time goes (profiled 2026-12-06 on development page images, 150-200 dpi, CPU time
 * per page, the machine shared with other work): decoding the image ~0.1 s, tesseract's layout
 * analysis and LSTM recognition nearly all the rest. What was changed, measured on the same images:
 * - the fast model: 27% less CPU than best_int, and on 20 development images it read more (header
 *   recall 97.2% against 93.7%, lines 100% against 91.7%); its smaller network suits printed forms.
 * - word boxes as TSV instead of the `blocks` JSON (every symbol with its alternatives, built in
 *   the worker and copied across threads): 7% less CPU, the same words.
 * Tried and left: `tessedit_do_invert=0` (no second reading of unsure lines as white on black)
 * saved 2% more but lost a few header values on photos; page segmentation 4 (one column) and 11
 * (sparse text) are a little faster but lose values on two-column forms; tesseract.js's `rotateAuto`
 * is not used (skew is taken out of the word boxes afterwards, offline/words.ts). Downscaling in
 * JavaScript costs more than it saves: decoding a 1700 x 2200 JPEG in JS took longer than
 * tesseract's whole reading. An adaptive threshold for photos' uneven light (tesseract 5's
 * `thresholding_method`, inside tesseract, so no decoding in JavaScript), 60 development photos,
 * same run (bench/documents_ocr_preprocess.ts): global Otsu (in use) 0.44 s CPU a page, lines
 * 98.7%, header recall 93.9%; Sauvola 0.42 s, 97.4%, 93.3%; tiled adaptive Otsu 0.92 s and no line
 * read. Left: the uneven light of these photos does not defeat the global threshold.
 */
// Loaded on first use: tesseract.js adds ~17 MB to a process that never reads an image.
import type { Worker } from "tesseract.js";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";
import { pageImages } from "./pdf_images.ts";
import { deskew, type Word, wordsToText } from "./offline/words.ts";

/** How tesseract is asked to read: the model, its parameters and the form of the word boxes. */
export interface OcrSettings {
  model: "fast" | "best_int";
  params: Record<string, string>;
  output: "tsv" | "blocks";
}

/** The settings used (see the header for why). */
export const OCR_SETTINGS: OcrSettings = {
  model: "fast",
  params: { tessedit_pageseg_mode: "3" },
  output: "tsv",
};

const workers = new Map<OcrSettings["model"], Promise<Worker>>();
const applied = new Map<OcrSettings["model"], string>();
let queue: Promise<unknown> = Promise.resolve();

function langPath(model: OcrSettings["model"]): string {
  if (model === "fast") return fileURLToPath(new URL("./tessdata", import.meta.url));
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@tesseract.js-data/eng/package.json");
  return join(dirname(pkg), "4.0.0_best_int");
}

function getWorker(model: OcrSettings["model"]): Promise<Worker> {
  let worker = workers.get(model);
  if (!worker) {
    worker = import("tesseract.js").then(({ createWorker }) =>
      createWorker("eng", 1, { langPath: langPath(model), gzip: true, cacheMethod: "none" })
    ).catch((err) => {
      workers.delete(model);
      throw err;
    });
    workers.set(model, worker);
  }
  return worker;
}

/** Lines of words from tesseract's TSV (level 5 rows are words, keyed by block, paragraph, line). */
export function tsvLines(tsv: string): Word[][] {
  const lines = new Map<string, Word[]>();
  for (const row of tsv.split("\n")) {
    const c = row.split("\t");
    if (c[0] !== "5" || !c[11]?.trim()) continue;
    const key = `${c[1]}.${c[2]}.${c[3]}.${c[4]}`;
    const line = lines.get(key) ?? [];
    line.push({ text: c[11].trim(), x: +c[6]!, y: +c[7]!, w: +c[8]!, h: +c[9]! });
    lines.set(key, line);
  }
  return [...lines.values()];
}

async function recognize(bytes: Uint8Array, settings: OcrSettings): Promise<Word[][]> {
  const w = await getWorker(settings.model);
  const key = JSON.stringify(settings.params);
  if (applied.get(settings.model) !== key) {
    await w.setParameters(settings.params as never);
    applied.set(settings.model, key);
  }
  if (settings.output === "tsv") {
    const { data } = await w.recognize(Buffer.from(bytes), {}, { text: false, tsv: true });
    return tsvLines(data.tsv ?? "");
  }
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
  return lines;
}

/**
 * Text of an image (PNG or JPEG bytes), laid out from tesseract's word boxes (offline/words.ts):
 * side-by-side columns stay apart and values stay under their labels, the page straightened by the
 * slope of tesseract's lines. `settings` is for the benchmark's before-and-after only.
 */
export function ocrImage(bytes: Uint8Array, settings = OCR_SETTINGS): Promise<string> {
  return ocrImageWords(bytes, settings).then((r) => r.text);
}

/** As `ocrImage`, with the straightened word boxes in pixels (for plugin readers). */
export function ocrImageWords(
  bytes: Uint8Array,
  settings = OCR_SETTINGS,
): Promise<{ text: string; words: Word[] }> {
  const run = queue.then(async () => {
    const lines = await recognize(bytes, settings);
    const words = lines.flat();
    if (!words.length) return { text: "", words: [] };
    const straight = deskew(words, lines);
    return { text: wordsToText(straight), words: straight };
  });
  queue = run.catch(() => {});
  return run;
}

/** Text of scanned PDF pages by index: their embedded page images, OCR'd; stops on `signal`. */
export async function ocrPdfPages(
  bytes: Uint8Array,
  pages: number[],
  signal?: AbortSignal,
  settings = OCR_SETTINGS,
  /** Filled with each page's word boxes, when given. */
  wordsOut?: Map<number, Word[]>,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const index of pages) {
    signal?.throwIfAborted(); // a job out of time stops between pages
    const images = await pageImages(bytes, index).catch(() => []);
    const texts: string[] = [];
    const boxes: Word[] = [];
    for (const image of images.slice(0, 4)) {
      const read = await ocrImageWords(image, settings);
      texts.push(read.text);
      boxes.push(...read.words);
    }
    if (boxes.length) wordsOut?.set(index, boxes);
    const text = texts.join("\n").trim();
    if (text) out.set(index, text);
  }
  return out;
}

/** Stops the OCR workers (tests, shutdown). */
export async function stopOcr(): Promise<void> {
  const started = [...workers.values()];
  workers.clear();
  applied.clear();
  for (const w of started) await (await w).terminate();
}
