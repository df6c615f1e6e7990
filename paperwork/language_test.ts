import assert from "node:assert/strict";
import { paperWords } from "./language.ts";
import { drawRateConfirmation, type RateConfirmationPaper } from "./rate_confirmation.ts";
import type { Words } from "./layout.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { pdfPages } from "../domain/documents/pdf.ts";

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

Deno.test("a rate confirmation drawn for a Spanish carrier has its labels and stop lines in Spanish", async () => {
  const paper: RateConfirmationPaper = {
    number: "L-30001",
    carrier: [],
    setpoint: "28°F",
    facts: [["Load number", "L-30001"], ["Reefer set point", "28°F"]],
    pickup: ["Prairie dock 4", "Pickup appointment: Oct 7, 2026 08:00", "Receiving hours: 04-12"],
    delivery: [],
    freightCents: 325_000,
    terms: null,
    notes: "",
  };
  const company = { company_name: "Prairie Protein Brokers" } as CompanyDetails;
  const text = async (words?: Words) =>
    (await pdfPages(await drawRateConfirmation(paper, company, words)))[0]!.lines.join("\n");
  const es = await text(paperWords("es"));
  for (
    const spanish of [
      "CONFIRMACIÓN DE TARIFA",
      "Transportista por asignar",
      "Cita de recogida: Oct 7, 2026 08:00",
      "Horario de recepción: 04-12",
      "Por confirmar",
      "Según lo acordado",
      "Al firmar, el transportista acepta",
      "Firma:",
      "Página 1 de 1",
    ]
  ) assert.ok(es.includes(spanish), `${spanish}\nnot in: ${es}`);
  assert.doesNotMatch(es, /Pickup appointment|To be advised|As agreed|By signing|Page 1 of 1/);
  const en = await text();
  assert.match(en, /Pickup appointment: Oct 7, 2026 08:00/);
  assert.match(en, /Carrier to be assigned/);
});
