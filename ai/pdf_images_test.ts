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

/** A PDF of `count` empty pages in one flat page tree (about 100 bytes a page). */
function pdfOfPages(count: number): Uint8Array {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""];
  const kids: string[] = [];
  for (let i = 0; i < count; i++) {
    objects.push("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>");
    kids.push(`${i + 3} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${count} >>`;
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("") +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

Deno.test("pageImages() parses a PDF of many pages once, not once per page OCR asks about", async () => {
  const pdf = pdfOfPages(20_000);
  let started = performance.now();
  assert.deepEqual(await pageImages(pdf, 0), []);
  const first = performance.now() - started;
  started = performance.now();
  for (let page = 1; page <= 10; page++) assert.deepEqual(await pageImages(pdf, page), []);
  const next = performance.now() - started;
  // Each later page costs a lookup; parsing again would cost about `first` each (10 × first).
  assert.ok(
    next < first * 2,
    `first page ${Math.round(first)} ms, next ten ${Math.round(next)} ms`,
  );
});

Deno.test("pageImages() leaves a PDF image past the pixel budget undecoded on pdf.js's path too", async () => {
  // 7000×7000 gray (49 megapixels, over the 40 of the budget), PNG-predicted so that pdf-lib's
  // path hands it to pdf.js: about 60 KB on disk.
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 200]);
  const [w, h] = [7000, 7000];
  const image = doc.context.stream(deflateSync(new Uint8Array((w + 1) * h), { level: 9 }), {
    Type: "XObject",
    Subtype: "Image",
    Width: w,
    Height: h,
    ColorSpace: "DeviceGray",
    BitsPerComponent: 8,
    Filter: "FlateDecode",
    DecodeParms: { Predictor: 15, Columns: w },
  });
  page.node.setXObject(PDFName.of("Im0"), doc.context.register(image));
  page.node.set(
    PDFName.of("Contents"),
    doc.context.register(doc.context.stream("q 200 0 0 200 0 0 cm /Im0 Do Q")),
  );
  const pdf = await doc.save();
  assert.ok(pdf.length < 200 * 1024, `${pdf.length}`);
  gc?.();
  const before = Deno.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 5);
  try {
    assert.deepEqual(await pageImages(pdf, 0), []);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const grown = peak - before;
  assert.ok(grown < 150 * 1024 * 1024, `grew ${Math.round(grown / 1024 / 1024)} MB`);
});
