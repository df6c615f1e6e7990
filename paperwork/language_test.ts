import assert from "node:assert/strict";
import { paperWords } from "./language.ts";
import { drawRateConfirmation, type RateConfirmationPaper } from "./rate_confirmation.ts";
import type { Words } from "./layout.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import { words } from "../customization/terms.ts";
import { type Configuration, DEFAULT_CONFIGURATION } from "../customization/document/schema.ts";

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

/** Loads renamed Shipment (envío, masculine), carriers Hauler (transportadora, feminine). */
function renamedConfig(): Configuration {
  const config = structuredClone(DEFAULT_CONFIGURATION);
  config.terminology.record_types = {
    loads: {
      singular: "Shipment",
      plural: "Shipments",
      fields: {},
      languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
    },
    carriers: {
      singular: "Hauler",
      plural: "Haulers",
      fields: {},
      languages: {
        es: { singular: "Transportadora", plural: "Transportadoras", gender: "feminine" },
      },
    },
  };
  return config;
}

Deno.test("paperWords() writes a sentence naming a renamed type with the workspace's Spanish names and genders", () => {
  const sentence = "By signing, the carrier accepts this load at the rate above.";
  const config = renamedConfig();
  assert.equal(
    paperWords("es", (text) => words(config, text), config)(sentence),
    "Al firmar, la transportadora acepta este envío a la tarifa indicada.",
  );
  // Only loads renamed: the carrier keeps its translation and gender.
  const loadsOnly = renamedConfig();
  delete loadsOnly.terminology.record_types.carriers;
  assert.equal(
    paperWords("es", (text) => words(loadsOnly, text), loadsOnly)(sentence),
    "Al firmar, el transportista acepta este envío a la tarifa indicada.",
  );
  // Without the workspace's configuration, or with no rename, the translation as it is.
  assert.equal(
    paperWords("es")(sentence),
    "Al firmar, el transportista acepta esta carga a la tarifa indicada.",
  );
  assert.equal(
    paperWords("es", undefined, DEFAULT_CONFIGURATION)(sentence),
    "Al firmar, el transportista acepta esta carga a la tarifa indicada.",
  );
  // In English the workspace's words rename it, as on its pages.
  assert.equal(
    paperWords("en", (text) => words(config, text), config)(sentence),
    "By signing, the hauler accepts this shipment at the rate above.",
  );
  // Labels are untouched by the sentence's rule.
  assert.equal(paperWords("es", (text) => words(config, text), config)("Pickup"), "Recogida");
});
