import assert from "node:assert/strict";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { documentText } from "./text.ts";
import { pngHeader } from "../tests/helpers/images.ts";

async function pdfOfPages(n: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= n; i++) {
    pdf.addPage([300, 200]).drawText(`Bill of lading page number ${i} of ${n}`, {
      x: 20,
      y: 100,
      size: 12,
      font,
    });
  }
  return await pdf.save();
}

Deno.test("documentText() reads a PDF only as far as its page budget and says what was left", async () => {
  const text = await documentText(await pdfOfPages(7), "application/pdf", {
    ocr: false,
    maxPages: 3,
  });
  assert.equal(text.method, "pdf");
  assert.equal(text.pages, 7, "the document's page count stays true");
  assert.match(text.text, /page number 3 of 7/);
  assert.doesNotMatch(text.text, /page number 4 of 7/, "page 4 was not read");
  assert.equal(
    text.reason,
    "This PDF has 7 pages; only the first 3 were read (the limit per document). " +
      "Upload the other pages as separate documents if they matter.",
  );
  const within = await documentText(await pdfOfPages(3), "application/pdf", {
    ocr: false,
    maxPages: 3,
  });
  assert.equal(within.reason, undefined, "no warning when every page was read");
});

Deno.test("documentText() stops between pages when its signal aborts", async () => {
  const controller = new AbortController();
  controller.abort(new Error("out of time"));
  await assert.rejects(
    documentText(await pdfOfPages(2), "application/pdf", {
      ocr: false,
      signal: controller.signal,
    }),
    /out of time/,
  );
});

Deno.test("documentText() never decodes a stored image over the limits, and says why", async () => {
  const text = await documentText(pngHeader(20_000, 20_000), "image/png", { ocr: true });
  assert.equal(text.method, "none");
  assert.match(text.reason!, /20000 x 20000 pixels \(400 megapixels\); the limit is 40/);
});
