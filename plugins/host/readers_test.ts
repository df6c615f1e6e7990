/**
 * Readers get the words' positions (extension API 1.1): a PDF's text layer goes through document
 * reading (ai/text.ts) into the reader's `pages`, and a reader that works only from positions finds
 * the value to the right of a label, in points from the top-left corner of the page.
 */
import assert from "node:assert/strict";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { documentText } from "../../ai/text.ts";
import type { Installation } from "./installations.ts";
import { readerPages, readWithPlugins } from "./readers.ts";
import { PluginRuntime } from "./runtime.ts";
import { bundleFrom } from "./bundle.ts";

// A reader that ignores the text: it finds "Lot:" by its box and takes the word on the same line
// to its right, and reports where both were.
const POSITION_READER = `export function read(input) {
  for (const page of input.pages) {
    const label = page.items.find((i) => i.str === "Lot:");
    if (!label) continue;
    const value = page.items
      .filter((i) => i.x > label.x + label.w && Math.abs(i.y - label.y) < label.h / 2)
      .sort((a, b) => a.x - b.x)[0];
    if (!value) continue;
    const at = (i) => [i.x, i.y, i.w, i.h].map((n) => Math.round(n)).join(",");
    return {
      matched: true,
      classification: "purchase_order",
      confidence: 0.9,
      fields: {
        supplier_confirmation: { value: value.str, confidence: 0.9 },
        notes: { value: "label " + at(label) + " value " + at(value), confidence: 0.9 },
      },
    };
  }
  return { matched: false };
}`;

function installation(): Installation {
  const b = bundleFrom(
    "private",
    JSON.stringify({
      name: "lot-reader",
      title: "Lot reader",
      version: "1.0.0",
      apiVersion: "^1.1.0",
      entryPoints: { readers: [{ id: "lot", label: "Lot tickets", handler: "read" }] },
    }),
    POSITION_READER,
  );
  return {
    name: b.manifest.name,
    source: "private",
    version: b.manifest.version,
    manifest: b.manifest,
    code: b.code,
    views: {},
    permissions: [],
    domains: [],
    settings: {},
    enabled: true,
    installedAt: "",
    installedBy: null,
    updatedAt: "",
  };
}

/** A one-page PDF (612 x 792 points) with words at known places. */
async function ticket(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([612, 792]);
  page.drawText("LOT TICKET", { x: 72, y: 720, size: 14, font });
  // The lot number sits far to the right of its label, with another column between them in the
  // text but on a different line: only the boxes say which word belongs to the label.
  page.drawText("Lot:", { x: 72, y: 600, size: 12, font });
  page.drawText("Pallet 7", { x: 200, y: 612, size: 12, font });
  page.drawText("A-99812", { x: 400, y: 600, size: 12, font });
  return await pdf.save();
}

Deno.test("a reader plugin reads a PDF by its words' positions", async () => {
  const text = await documentText(await ticket(), "application/pdf", { ocr: false });
  assert.equal(text.method, "pdf");
  const pages = readerPages(text.words);
  assert.equal(pages.length, 1);
  const lot = pages[0]!.items.find((i) => i.str === "Lot:")!;
  // 792 - 600 (baseline) - 12 (size): y is measured down from the top of the page.
  assert.deepEqual([lot.x, lot.y, lot.h], [72, 180, 12]);
  assert.ok(lot.w! > 10 && lot.w! < 30, `width ${lot.w}`);

  const runtime = new PluginRuntime();
  try {
    const noDb = { execute: () => Promise.reject(new Error("no database")) };
    const found = await readWithPlugins(
      runtime,
      "t1",
      "2026-11-20",
      [installation()],
      noDb as never,
      { name: "lot.pdf", text: text.text, pages },
    );
    assert.ok(found, "the reader matched");
    assert.equal(found.plugin, "lot-reader");
    const fields = found.raw.fields as Record<string, { value: unknown }>;
    assert.equal(fields.supplier_confirmation?.value, "A-99812");
    assert.match(String(fields.notes?.value), /^label 72,180,\d+,12 value 400,180,\d+,12$/);

    // Without positions (API 1.0 gave none) the same reader finds nothing.
    const blind = await readWithPlugins(
      runtime,
      "t1",
      "2026-11-20",
      [installation()],
      noDb as never,
      {
        name: "lot.pdf",
        text: text.text,
        pages: [],
      },
    );
    assert.equal(blind, null);
  } finally {
    runtime.close();
  }
});
