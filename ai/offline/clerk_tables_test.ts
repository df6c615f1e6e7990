/**
 * Goods tables as a clerk reads them on paperwork from abroad or from packers with their own
 * forms: numbers with decimal commas, headers in Spanish, French or Portuguese, a catch weight
 * beside a nominal one, and prices that print their own unit. Each example is written for this
 * test, in words of its own.
 */
import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { readGoodsTable } from "./tables.ts";
import { decimalComma, pointDecimal } from "./table_numbers.ts";

const read = (rows: string[]) =>
  readGoodsTable(toLines(rows.join("\n")))?.lines.map((l) =>
    Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.value]))
  );
const confidences = (rows: string[]) =>
  readGoodsTable(toLines(rows.join("\n")))?.lines.map((l) => l.price?.confidence);

Deno.test("decimal commas are decided by the table's own numbers, never against a US one", () => {
  assert.equal(decimalComma(["120", "2.268,000", "4,85", "10.999,80"]), true);
  assert.equal(decimalComma(["45", "1 020,5", "12,40"]), true);
  // A US table: commas group thousands, periods end in cents.
  assert.equal(decimalComma(["1,234", "2.50", "$3,085.00"]), false);
  // Whole numbers only: nothing says either way, the US reading stays.
  assert.equal(decimalComma(["1,200", "40", "18,144"]), false);
  // One US figure anywhere and the table is not read the European way.
  assert.equal(decimalComma(["7,25", "$1,044.00"]), false);
  assert.equal(pointDecimal("11.000,00 €"), "11000.00 €");
  assert.equal(pointDecimal("1 020,5"), "1020.5");
  assert.equal(pointDecimal("18.144,000 kg"), "18144.000 kg");
  // And the table reads so: 18.144,000 kg is eighteen thousand kilograms, not eighteen.
  const got = read([
    "Article             Cartons     Poids net (kg)     Prix/kg     Total",
    "Jarret de porc      800         18.144,000         2,15        39.009,60",
  ]);
  assert.deepEqual([got?.[0]?.weight, got?.[0]?.price], [18144, 2.15]);
});

Deno.test("a Spanish table with dots for thousands and a comma before the decimals", () => {
  const rows = [
    "Clave   Descripción del artículo      Bultos    Peso Neto (kg)    Precio/kg    Importe",
    "4410    Lomo de cerdo sin hueso       120       2.268,000         4,85         10.999,80",
    "4417    Pecho de res                  80        1.814,400         6,10         11.067,84",
    "IVA 0%                                                                       0,00",
  ];
  assert.deepEqual(read(rows), [
    {
      description: "Lomo de cerdo sin hueso",
      cases: 120,
      weight: 2268,
      weight_unit: "KG",
      price: 4.85,
      price_basis: "weight",
    },
    {
      description: "Pecho de res",
      cases: 80,
      weight: 1814.4,
      weight_unit: "KG",
      price: 6.1,
      price_basis: "weight",
    },
  ]);
  // Price x weight = amount held on both lines.
  assert.deepEqual(confidences(rows), [0.97, 0.97]);
});

Deno.test("a French table with spaces for thousands and a unit price per case", () => {
  const rows = [
    "Réf.     Libellé                   Qté colis    Poids (kg)    Prix par colis    Montant HT",
    "CB-12    Entrecôte de génisse      45           1 020,5       281,20            12 654,00",
    "BV-03    Bavette d'aloyau          30           612,25        322,45            9 673,50",
    "Montant total                                                                   22 327,50",
  ];
  assert.deepEqual(
    read(rows)?.map((l) => [l.description, l.cases, l.weight, l.price, l.price_basis]),
    [
      ["Entrecôte de génisse", 45, 1020.5, 281.2, "case"],
      ["Bavette d'aloyau", 30, 612.25, 322.45, "case"],
    ],
  );
  assert.deepEqual(confidences(rows), [0.97, 0.97]);
});

Deno.test("a Portuguese table is read too", () => {
  const got = read([
    "Descrição               Caixas     Peso líquido (kg)    Preço unitário    Valor total",
    "Picanha bovina          60         1.350,75             38,90             52.544,18",
  ]);
  assert.equal(got?.[0]?.weight, 1350.75);
  assert.equal(got?.[0]?.price, 38.9);
  assert.equal(got?.[0]?.cases, 60);
});

Deno.test("a US table keeps its thousands commas beside European-looking headers", () => {
  const got = read([
    "Descripción                Cajas      Peso (lb)     Precio      Importe",
    "Chuck roll choice          410        18,144        2.15        39,009.60",
  ]);
  assert.deepEqual([got?.[0]?.cases, got?.[0]?.weight, got?.[0]?.price], [410, 18144, 2.15]);
});

Deno.test("the catch weight is the line's weight, not the nominal one beside it", () => {
  const got = read([
    "Item      Description              Cs     Act. Wt      Net Wt     Price      Ext.",
    "22810     Pork loin boneless       40     1,584.6      1,600      2.10       3,327.66",
    "22814     Pork butt bone-in        38     2,301.2      2,280      1.55       3,566.86",
  ]);
  assert.deepEqual(got?.map((l) => l.weight), [1584.6, 2301.2]);
  // With no amount to prove it, the header alone names the weight.
  const catchWt = read([
    "Description              Cases     Catch Wt     Price/lb",
    "Beef shank cross cut     25        1,013        3.05",
  ]);
  assert.equal(catchWt?.[0]?.weight, 1013);
});

Deno.test("a price printed with its own unit sets what it multiplies", () => {
  const rows = [
    "Description                  Boxes     Net Lbs     Unit Price           Amount",
    "Chicken wings jumbo          50        2,000       $48.00/cs            $2,400.00",
    "Chicken thighs bnls          40        1,600       2.15 USD/lb          $3,440.00",
    "Turkey breast deli           12        480         52.50 per carton     $630.00",
  ];
  assert.deepEqual(
    read(rows)?.map((l) => [l.price, l.price_basis]),
    [[48, "case"], [2.15, "weight"], [52.5, "case"]],
  );
  assert.deepEqual(confidences(rows), [0.97, 0.97, 0.97]);
  // No amount column: the printed unit alone decides.
  const bare = read([
    "Description                  Boxes     Net Lbs     Cost",
    "Pork bellies skin-on         20        1,210       $61.75/box",
  ]);
  assert.deepEqual([bare?.[0]?.price, bare?.[0]?.price_basis], [61.75, "case"]);
});
