import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../tests/helpers/documents.ts";
import { launchBrowser } from "../tests/e2e/browser.ts";
import { stopOcr } from "./ocr.ts";

/** A "scanned" BOL: a page rendered by Chromium to a PNG, no text layer at all. */
async function scannedBol(): Promise<Uint8Array> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ width: 850, height: 700 });
    await page.setContent(`<body style="font-family:sans-serif;font-size:18px;padding:40px">
      <h1>BILL OF LADING</h1>
      <p>BOL Number: 778812</p>
      <p>Seal #: S44120</p>
      <p>Carrier: Polar Express Trucking MC 123456</p>
      <p>Ship Date: 03/14/2026 08:00</p>
      <p>Shipper: Prairie Packing Co. EST 245C</p></body>`);
    return new Uint8Array(await page.screenshot({ type: "png" }));
  } finally {
    await browser.close();
  }
}

Deno.test("a scanned BOL image is read offline with tesseract.js into a load draft", async () => {
  const png = await scannedBol();
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const up = await uploadFile(server, api, "scan.png", png);
    assert.equal(up.status, 202);
    assert.equal(up.body.content_type, "image/png");
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review", doc.status_message);
    assert.equal(doc.classification, "bill_of_lading");
    assert.equal(doc.draft.fields.bol_number.value, "778812");
    assert.equal(doc.draft.parties.carrier_id.mc_number, "123456");
  } finally {
    await worker.stop();
    await stopOcr();
    await server.close();
  }
});

Deno.test("with OCR switched off an image is kept with a clear needs-OCR status", async () => {
  const server = await startTestServer({ OCR_ENABLED: "false" });
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const png = new Uint8Array([
      ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13],
      ...new TextEncoder().encode("IHDR"),
      ...[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    const up = await uploadFile(server, api, "scan.png", png);
    assert.equal(up.status, 202);
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "needs_ocr");
    assert.match(doc.status_message, /OCR/);
  } finally {
    await worker.stop();
    await server.close();
  }
});
