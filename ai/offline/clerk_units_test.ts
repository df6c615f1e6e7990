/**
 * Weights and prices in different units on one line, and goods headers written the short way:
 * how a clerk reads a packer's table priced per kilogram with its weights in pounds (never the
 * price per kilogram times the pounds), a column named by a unit and its qualifier, and an
 * abbreviation's plural. Each example is written for this test, in words of its own.
 */
import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { readGoodsTable } from "./tables.ts";

const read = (rows: string[]) =>
  readGoodsTable(toLines(rows.join("\n")))?.lines.map((l) =>
    Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.value]))
  );
const whys = (rows: string[]) =>
  readGoodsTable(toLines(rows.join("\n")))?.lines.map((l) => l.weight?.why ?? "");

Deno.test("a price per kilo beside pounds multiplies kilograms, never the pounds as printed", () => {
  const rows = [
    "Goods                       Boxes     Pounds         Price per Kilo     Value",
    "Pork shoulder picnic        36        1,322.8        3.40               2,040.00",
    "Beef outside flat           20          881.8        7.25               2,900.00",
    "Total                                                                   4,940.00",
  ];
  const got = read(rows);
  // 1,322.8 lb is 600 kg, 600 x 3.40 = 2,040.00: the amount gives the kilos back exactly.
  assert.deepEqual(
    got?.map((l) => [l.weight, l.weight_unit, l.price, l.price_basis]),
    [[600, "KG", 3.4, "weight"], [400, "KG", 7.25, "weight"]],
  );
  // The weight is the reader's arithmetic, not what was printed: the reviewer is told.
  assert.match(whys(rows)?.[0] ?? "", /converted from lb to kg/);
  // With no amount to check against, the pounds are converted to the hundredth.
  const bare = read([
    "Goods                       Boxes     Pounds         Price per Kilo",
    "Pork shoulder picnic        36        1,000          3.40",
  ]);
  assert.deepEqual([bare?.[0]?.weight, bare?.[0]?.weight_unit], [453.59, "KG"]);
});

Deno.test("a price printed per pound beside a kilo column, and a table with both units", () => {
  // The unit printed with the price itself counts as much as the header's.
  const cell = read([
    "Goods                       Boxes     Kilos          Price          Value",
    "Turkey breast fillet        50        453.6          2.00 USD/lb    2,000.00",
  ]);
  assert.deepEqual([cell?.[0]?.weight, cell?.[0]?.weight_unit], [1000, "LB"]);
  // Net kilos and net pounds side by side: the column in the price's unit is the line's weight.
  const both = read([
    "Goods                  Boxes    Net Pounds    Net Kilos    Price per Kilo    Value",
    "Lamb leg bone-in       25       1,102.3       500.0        9.10              4,550.00",
  ]);
  assert.deepEqual([both?.[0]?.weight, both?.[0]?.weight_unit, both?.[0]?.price], [500, "KG", 9.1]);
});

Deno.test("numbers that add up as printed are not converted by a header's unit word", () => {
  // Price x weight as printed is the amount: the header's "per lb" does not outweigh the numbers.
  const got = read([
    "Goods                       Boxes     Weight (kg)    Price per Lb    Value",
    "Veal top round              10        250            8.00            2,000.00",
  ]);
  assert.deepEqual([got?.[0]?.weight, got?.[0]?.weight_unit], [250, "KG"]);
});

Deno.test("a weight header of a unit and its qualifier is one column", () => {
  const got = read([
    "Ctn Qty   Goods                        Kg Nominal    Kg Net     Price/kg    Value",
    "120       Chicken thigh boneless        2,400         2,388.5    2.10        5,015.85",
  ]);
  assert.deepEqual([got?.[0]?.weight, got?.[0]?.cases], [2388.5, 120]);
});

Deno.test("a short header written as a plural names its column", () => {
  const boxes = read([
    "Tag      Goods                     Bxs      Weight     Price     Value",
    "7716     Pork belly skin-on        44       2,200      2.50      5,500.00",
  ]);
  assert.equal(boxes?.[0]?.cases, 44);
});

Deno.test("a currency written in a header does not hide its column", () => {
  const got = read([
    "Goods                     Boxes    Weight     Cost CAD",
    "Pork back ribs            60       1,800      3.25",
  ]);
  assert.deepEqual([got?.[0]?.price, got?.[0]?.weight], [3.25, 1800]);
});
