import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { PDFDocument, PDFName } from "pdf-lib";
import { pageImages } from "./pdf_images.ts";

/** A one-page PDF drawing a 10×10 gray image whose Flate stream holds `inflated` bytes. */
async function pdfWithImage(inflated: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 200]);
  const pixels = new Uint8Array(inflated).fill(0x80);
  const image = doc.context.stream(deflateSync(pixels, { level: 9 }), {
    Type: "XObject",
    Subtype: "Image",
    Width: 10,
    Height: 10,
    ColorSpace: "DeviceGray",
    BitsPerComponent: 8,
    Filter: "FlateDecode",
  });
  page.node.setXObject(PDFName.of("Im0"), doc.context.register(image));
  return await doc.save();
}

const gc = (globalThis as { gc?: () => void }).gc;

Deno.test("pageImages() inflates a PDF image only as far as its declared pixels (a Flate bomb costs nothing)", async () => {
  const honest = await pageImages(await pdfWithImage(100), 0);
  assert.equal(honest.length, 1);
  // 10×10 pixels declared, 300 MB inside, about 300 KB on disk.
  const bomb = await pdfWithImage(300 * 1024 * 1024);
  assert.ok(bomb.length < 1024 * 1024, `${bomb.length}`);
  gc?.();
  const before = Deno.memoryUsage().rss;
  const images = await pageImages(bomb, 0);
  const grown = Deno.memoryUsage().rss - before;
  assert.ok(grown < 150 * 1024 * 1024, `grew ${Math.round(grown / 1024 / 1024)} MB`);
  // Whatever pdf.js reads of it is at most the declared 10×10 pixels.
  for (const png of images) assert.ok(png.length < 4096, `${png.length}`);
});
