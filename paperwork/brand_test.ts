import assert from "node:assert/strict";
import { PDFDocument, PDFName } from "pdf-lib";
import { pdfPages } from "../domain/documents/pdf.ts";
import { brandPaper } from "./brand.ts";
import { Sheet } from "./layout.ts";

/** A real 1×1 PNG (pdf-lib decodes it). */
const PIXEL = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  ),
  (ch) => ch.charCodeAt(0),
);

async function letter(): Promise<Uint8Array> {
  const sheet = await Sheet.create("Invoice INV-1", "Invoice INV-1, continued");
  sheet.letterhead({
    company_name: "Prairie Protein Brokers",
    company_address: "400 Stockyards Blvd",
    company_city: "Omaha",
    company_state: "NE",
    company_postal_code: "68107",
    company_country: "USA",
    company_phone: "402-555-0100",
    company_email: "billing@prairie.example",
    remittance_instructions: "",
    invoice_footer: "",
  }, "INVOICE");
  return await sheet.doc.save();
}

function imagesOn(doc: PDFDocument): number {
  const resources = doc.getPages()[0]!.node.Resources();
  const xobjects = resources?.lookupMaybe(PDFName.of("XObject"), Object as never);
  return xobjects ? (xobjects as unknown as { keys(): unknown[] }).keys().length : 0;
}

Deno.test("brandPaper() names the product, adds the logo, and leaves the letterhead's text as it was", async () => {
  const plain = await letter();
  const branded = await brandPaper(plain, {
    productName: "Prairie Trade Desk",
    primary: "#1f6f43",
    logo: { bytes: PIXEL, contentType: "image/png" },
  });
  const doc = await PDFDocument.load(branded, { updateMetadata: false });
  assert.equal(doc.getProducer(), "Prairie Trade Desk");
  assert.equal(imagesOn(doc), 1);
  assert.equal(imagesOn(await PDFDocument.load(plain)), 0);
  const lines = async (bytes: Uint8Array) => (await pdfPages(bytes)).flatMap((p) => p.lines);
  assert.deepEqual(await lines(branded), await lines(plain));
});

Deno.test("brandPaper() sends the paper without a logo that cannot be decoded", async () => {
  const broken = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
  const doc = await PDFDocument.load(
    await brandPaper(await letter(), {
      productName: "Desk",
      primary: "#1f6f43",
      logo: { bytes: broken, contentType: "image/png" },
    }),
    { updateMetadata: false },
  );
  assert.equal(doc.getProducer(), "Desk");
  assert.equal(imagesOn(doc), 0);
});
