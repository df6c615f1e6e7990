import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import {
  scannedBolImage,
  startWorker,
  uploadFile,
  waitForDocument,
} from "../tests/helpers/documents.ts";
import { stopOcr, tsvLines } from "./ocr.ts";

/** A "scanned" BOL: a page rendered by Chromium to a PNG, no text layer at all. */
function scannedBol(): Promise<Uint8Array> {
  return scannedBolImage({
    bol: "778812",
    seal: "S44120",
    carrier: "Polar Express Trucking MC 123456",
    shipDate: "03/14/2026 08:00",
    shipper: "Prairie Packing Co. EST 245C",
  });
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

Deno.test("tsvLines() groups tesseract's TSV words by block, paragraph and line, with their boxes", () => {
  const tsv = [
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t",
    "4\t1\t1\t1\t1\t0\t100\t200\t400\t30\t-1\t",
    "5\t1\t1\t1\t1\t1\t100\t200\t90\t30\t96.1\tBOL",
    "5\t1\t1\t1\t1\t2\t200\t201\t120\t29\t91.5\t778812",
    "5\t1\t1\t1\t1\t3\t330\t200\t10\t30\t20.0\t ",
    "5\t1\t2\t1\t1\t1\t900\t200\t80\t30\t95.0\tSeal",
    "5\t1\t1\t1\t2\t1\t100\t250\t70\t30\t93.0\tShip",
  ].join("\n");
  assert.deepEqual(tsvLines(tsv), [
    [{ text: "BOL", x: 100, y: 200, w: 90, h: 30 }, {
      text: "778812",
      x: 200,
      y: 201,
      w: 120,
      h: 29,
    }],
    [{ text: "Seal", x: 900, y: 200, w: 80, h: 30 }],
    [{ text: "Ship", x: 100, y: 250, w: 70, h: 30 }],
  ]);
  assert.deepEqual(tsvLines(""), []);
});
