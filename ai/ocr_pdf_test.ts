/**
 * A scanned PDF (a page that is only a JPEG, as scanners write it, no text layer) is read by OCR
 * of its page image, offline, into a load draft.
 */
import assert from "node:assert/strict";
import { PDFDocument } from "pdf-lib";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../tests/helpers/documents.ts";
import { launchBrowser } from "../tests/e2e/browser.ts";
import { pageImages, stopOcr } from "./ocr.ts";
import { documentText } from "./text.ts";

async function scannedBolPdf(format: "jpeg" | "png"): Promise<Uint8Array> {
  const browser = await launchBrowser();
  let shot: Uint8Array;
  try {
    const page = await browser.newPage({ width: 850, height: 700 });
    await page.setContent(`<body style="font-family:sans-serif;font-size:18px;padding:40px">
      <h1>BILL OF LADING</h1>
      <p>BOL Number: 551203</p>
      <p>Seal #: S90017</p>
      <p>Carrier: Northbound Reefer MC 290678</p>
      <p>Ship Date: 04/02/2026 07:30</p>
      <p>Shipper: Heartland Pork Co. EST 17564</p></body>`);
    shot = new Uint8Array(
      await page.screenshot(format === "jpeg" ? { type: "jpeg", quality: 90 } : { type: "png" }),
    );
  } finally {
    await browser.close();
  }
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
  } finally {
    await worker.stop();
    await stopOcr();
    await server.close();
  }
});
