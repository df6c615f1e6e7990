import assert from "node:assert/strict";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { Sheet } from "./layout.ts";
import { encodable } from "./encoding.ts";
import { drawInvoice, type InvoicePaper } from "./invoice.ts";
import { pdfFilename } from "./format.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import type { CompanyDetails } from "../domain/company.ts";

Deno.test("encodable() keeps WinAnsi text and replaces what the standard fonts cannot draw", async () => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  assert.equal(
    encodable(font, "Café Zürich, 28°F, “smart” – €5"),
    "Café Zürich, 28°F, “smart” – €5",
  );
  assert.equal(encodable(font, "Łódź Meats"), "Lódz Meats");
  assert.equal(encodable(font, "Żabka Šťastný Œuvre"), "Zabka Štastný Œuvre");
  assert.equal(encodable(font, "Beef 🥩 👍🏽 ok"), "Beef   ok");
  assert.equal(encodable(font, "北京 Foods\tLtd\nline"), "?? Foods Ltd line");
  for (const text of ["Łódź Meats 🥩", "北京", "Ħ\u200d\ufe0f"]) {
    font.encodeText(encodable(font, text)); // throws on any character outside the font
  }
});

Deno.test("Sheet.wrap() keeps lines within the width and breaks words that are too long", async () => {
  const sheet = await Sheet.create("t", "t, continued");
  const lines = sheet.wrap(`short words here ${"X".repeat(120)} end`, 100);
  assert.ok(lines.length > 3);
  for (const line of lines) assert.ok(sheet.regular.widthOfTextAtSize(line, 9) <= 100, line);
  assert.equal(lines.join("").replace(/\s/g, ""), `shortwordshere${"X".repeat(120)}end`);
});

Deno.test("drawInvoice() draws names outside WinAnsi (Łódź, emoji, CJK) without failing", async () => {
  const company: CompanyDetails = {
    company_name: "Łódź Meats 🥩",
    company_address: "ul. Piotrkowska 1",
    company_city: "Łódź",
    company_state: "",
    company_postal_code: "90-001",
    company_country: "Polska",
    company_phone: "",
    company_email: "",
    remittance_instructions: "IBAN PL61 1090 1014 0000 0712 1981 2874 ✅",
    invoice_footer: "Dziękujemy 🙏",
  };
  const paper: InvoicePaper = {
    number: "FV/2026/10/001",
    currency: "USD",
    state: "draft",
    invoiceDate: "Oct 5, 2026",
    shipDate: null,
    dueDate: null,
    terms: null,
    customerPo: null,
    salesOrder: null,
    customer: { name: "北京 Kaufhof Łańcut", address: [], contact: "" },
    lines: [["Kiełbasa 🌭 śląska", "", "1,000 KG", "$4.00/KG", "$4,000.00"]],
    subtotalCents: 400_000,
    taxCents: 0,
    totalCents: 400_000,
    paidCents: 0,
    balanceCents: 400_000,
  };
  const text = (await pdfPages(await drawInvoice(paper, company))).flatMap((p) => p.lines)
    .join("\n");
  assert.match(text, /Lódz Meats/);
  assert.match(text, /\?\? Kaufhof Lancut/);
  assert.match(text, /Kielbasa\s+slaska/);
  assert.match(text, /Status: Draft/);
  assert.match(text, /Dziekujemy/);
});

Deno.test("pdfFilename() keeps only safe characters of the record number", () => {
  assert.equal(pdfFilename("INV-50001", "invoice"), "INV-50001.pdf");
  assert.equal(pdfFilename('FV/2026 "10"\r\n;x', "invoice"), "FV-2026-10-x.pdf");
  assert.equal(pdfFilename("Łódź-7", "invoice"), "Lodz-7.pdf");
  assert.equal(pdfFilename("../..", "invoice"), "invoice.pdf");
});
