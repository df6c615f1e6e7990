/**
 * A scanned PDF (a page that is only an image, no text layer) is read by OCR of its page image,
 * offline, into a load draft: JPEG and Flate pages (read by pdf-lib), and black-and-white CCITT
 * fax and colour JPEG 2000 pages as copiers write them (decoded by pdf.js; the fixtures are made
 * by ai/fixtures/scans/make.sh).
 */
import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { PDFDocument } from "pdf-lib";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import {
  scannedBolImage,
  startWorker,
  uploadFile,
  waitForDocument,
} from "../tests/helpers/documents.ts";
import { stopOcr } from "./ocr.ts";
import { pageImages } from "./pdf_images.ts";
import { documentText } from "./text.ts";

async function scannedBolPdf(format: "jpeg" | "png"): Promise<Uint8Array> {
  const shot = await scannedBolImage({
    bol: "551203",
    seal: "S90017",
    carrier: "Northbound Reefer MC 290678",
    shipDate: "04/02/2026 07:30",
    shipper: "Heartland Pork Co. EST 17564",
  }, format);
  const pdf = await PDFDocument.create();
  // A JPEG stays DCT-encoded in the PDF; a PNG becomes Flate-compressed RGB pixels.
  const image = format === "jpeg" ? await pdf.embedJpg(shot) : await pdf.embedPng(shot);
  const page = pdf.addPage([image.width, image.height]);
  page.drawImage(image, { x: 0, y: 0, width: image.width, height: image.height });
  return await pdf.save();
}

Deno.test("a scanned PDF whose page is Flate-compressed pixels is read by OCR too", async () => {
  const pdf = await scannedBolPdf("png");
  const images = await pageImages(pdf, 0);
  assert.equal(images.length, 1);
  assert.deepEqual([...images[0]!.subarray(1, 4)], [0x50, 0x4e, 0x47], "rebuilt as a PNG");
  const text = await documentText(pdf, "application/pdf", { ocr: true });
  assert.match(text.text, /551203/);
  await stopOcr();
});

const scan = (name: string) => Deno.readFile(new URL(`./fixtures/scans/${name}`, import.meta.url));

/** A PNG's header fields and the share of its 1-bit pixels that are white. */
function oneBitPng(png: Uint8Array): { bits: number; white: number } {
  const view = new DataView(png.buffer, png.byteOffset);
  const idat: Uint8Array[] = [];
  let bits = 0, width = 0;
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    if (type === "IHDR") (width = view.getUint32(at + 8), bits = png[at + 16]!);
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = new Uint8Array(inflateSync(new Uint8Array(idat.flatMap((c) => [...c]))));
  const stride = Math.ceil(width / 8) + 1; // filter byte, then the row
  let ones = 0, all = 0;
  for (let row = 0; row + stride <= raw.length; row += stride) {
    for (let x = 0; x < width; x++) {
      ones += (raw[row + 1 + (x >> 3)]! >> (7 - (x & 7))) & 1;
      all++;
    }
  }
  return { bits, white: ones / all };
}

Deno.test("a black-and-white scan in CCITT Group 4 fax encoding is decoded and read", async () => {
  const pdf = await scan("bol_ccitt_g4.pdf");
  const images = await pageImages(pdf, 0);
  assert.equal(images.length, 1);
  const { bits, white } = oneBitPng(images[0]!);
  assert.equal(bits, 1, "stays one bit per pixel");
  assert.ok(white > 0.9, `black text on white paper, not inverted (${white} white)`);
  const text = await documentText(pdf, "application/pdf", { ocr: true });
  assert.match(text.text, /BOL Number: 551204/);
  assert.match(text.text, /MC 290678/);
  await stopOcr();
});

Deno.test("a colour scan in JPEG 2000 is decoded and read", async () => {
  const pdf = await scan("bol_jpx.pdf");
  const images = await pageImages(pdf, 0);
  assert.equal(images.length, 1);
  assert.deepEqual([...images[0]!.subarray(1, 4)], [0x50, 0x4e, 0x47], "rebuilt as a PNG");
  const text = await documentText(pdf, "application/pdf", { ocr: true });
  assert.match(text.text, /BOL Number: 551205/);
  await stopOcr();
});

Deno.test("a scanned PDF is read by OCR of its page image into a load draft", async () => {
  const pdf = await scannedBolPdf("jpeg");
  assert.equal((await pageImages(pdf, 0)).length, 1, "the page is one JPEG");
  const text = await documentText(pdf, "application/pdf", { ocr: true });
  assert.notEqual(text.method, "pdf", "there is no text layer to read");
  assert.match(text.text, /551203/);

  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const up = await uploadFile(server, api, "scanned-bol.pdf", pdf);
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review", doc.status_message);
    assert.equal(doc.classification, "bill_of_lading");
    assert.equal(doc.draft.fields.bol_number.value, "551203");
    assert.equal(doc.draft.parties.carrier_id.mc_number, "290678");

    // A copier's black-and-white scan takes the same road.
    const fax = await uploadFile(server, api, "copier-bol.pdf", await scan("bol_ccitt_g4.pdf"));
    assert.equal(fax.status, 202, JSON.stringify(fax.body));
    const faxDoc = await waitForDocument(api, fax.body.id);
    assert.equal(faxDoc.status, "review", faxDoc.status_message);
    assert.equal(faxDoc.classification, "bill_of_lading");
    assert.equal(faxDoc.draft.fields.bol_number.value, "551204");
    assert.equal(faxDoc.draft.fields.setpoint_temp_f.value, 28);
  } finally {
    await worker.stop();
    await stopOcr();
    await server.close();
  }
});
