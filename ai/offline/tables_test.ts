import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { readGoodsTable } from "./tables.ts";

const values = (text: string) =>
  readGoodsTable(toLines(text))?.lines.map((l) =>
    Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.value]))
  );

Deno.test("readGoodsTable() splits two headers OCR glued together and keeps the unit in brackets", () => {
  const lines = values([
    "Description                 Cases       Net Weight (kgfrice      Line Total",
    "Ground beef 81/19           121         3,146        4.47        14,062.62",
  ].join("\n"));
  assert.deepEqual(lines, [{
    description: "Ground beef 81/19",
    cases: 121,
    weight: 3146,
    weight_unit: "KG",
    price: 4.47,
    price_basis: "weight",
  }]);
});

Deno.test("readGoodsTable() drops a speck OCR read as a period after a description", () => {
  const lines = values([
    "Product Description     Net Lbs       Cases      Price       Extension",
    "Beef brisket 120A.      2,624         41         4.87        $12,778.88",
  ].join("\n"));
  assert.equal(lines?.[0]?.description, "Beef brisket 120A");
  assert.equal(lines?.[0]?.weight, 2624);
});

Deno.test("readGoodsTable() takes no glued header from a word merely like one", () => {
  // "Notes" is not a price column: a loose match needs a known head before it.
  const read = readGoodsTable(toLines([
    "Description        Notesx",
    "Ground beef 81/19  fresh",
  ].join("\n")));
  assert.equal(read, null);
});
