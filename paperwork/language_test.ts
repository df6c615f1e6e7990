import assert from "node:assert/strict";
import { paperWords } from "./language.ts";

Deno.test("paperWords() translates labels, numbered titles and page numbers, never values", () => {
  const es = paperWords("es");
  assert.equal(es("Bill to"), "Facturar a");
  assert.equal(es("INVOICE"), "Factura", "upper-case labels are found (the sheet upper-cases)");
  assert.equal(es("Invoice INV-1"), "Factura INV-1");
  assert.equal(es("Invoice INV-1, continued"), "Factura INV-1 (continuación)");
  assert.equal(es("Page 2 of 3"), "Página 2 de 3");
  assert.equal(es("Prairie Protein Brokers"), "Prairie Protein Brokers");
  assert.equal(paperWords("en")("Bill to"), "Bill to");
});

Deno.test("paperWords() lets the workspace's own words win in every language", () => {
  const words = (text: string) => text === "Carrier" ? "Trucker" : text;
  assert.equal(paperWords("es", words)("Carrier"), "Trucker");
  assert.equal(paperWords("es", words)("Pickup"), "Recogida");
});
