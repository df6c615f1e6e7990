import assert from "node:assert/strict";
import { lineFields } from "../catalog.ts";
import { isCells, pasteLines } from "./paste_lines.ts";

const fields = lineFields().filter((f) => !f.computed);
const refs = { products: [["p1", "BEEF-8119"], ["p2", "PORK-BELLY"]] as Array<[string, string]> };

Deno.test("pasteLines() maps a header row from a spreadsheet to the line fields", () => {
  const text = "Product\tDescription\tCases\tWeight\tUnit\tPrice\n" +
    "beef-8119\tBeef trim 81/19\t800\t40,000\tlb\t$2.10\n" +
    "\tChuck rolls\t10\t\t\t55\n\n";
  assert.deepEqual(pasteLines(text, fields, "description", refs), [
    {
      product_id: "p1",
      description: "Beef trim 81/19",
      cases: "800",
      weight: "40000",
      weight_unit: "LB",
      price: "2.10",
    },
    {
      product_id: "",
      description: "Chuck rolls",
      cases: "10",
      weight: "",
      weight_unit: "",
      price: "55",
    },
  ]);
});

Deno.test("pasteLines() without a header fills fields in order from the cell pasted into", () => {
  const text = "Trim\t800\t40000\r\nBellies\t20\t1000\r\n";
  assert.deepEqual(pasteLines(text, fields, "description"), [
    { description: "Trim", cases: "800", weight: "40000" },
    { description: "Bellies", cases: "20", weight: "1000" },
  ]);
  assert.deepEqual(pasteLines("2.5\tper case", fields, "price"), [
    { price: "2.5", price_basis: "case" },
  ]);
});

Deno.test("isCells() tells spreadsheet cells from one pasted value", () => {
  assert.equal(isCells("40,000"), false);
  assert.equal(isCells("40,000\n"), false);
  assert.equal(isCells("a\tb"), true);
  assert.equal(isCells("a\nb"), true);
});
