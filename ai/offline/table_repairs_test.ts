import assert from "node:assert/strict";
import { digitsThroughMarks, priceSlip, repairDescription } from "./table_repairs.ts";

Deno.test("digitsThroughMarks() reads digits OCR broke with marks or spaces, and leaves clean numbers alone", () => {
  assert.equal(digitsThroughMarks("18),455"), 18455);
  assert.equal(digitsThroughMarks("52 ,310"), 52310);
  assert.equal(digitsThroughMarks("1,2)04.75"), 1204.75);
  // A clean number is parseNumber's, not a repair; a word is no number.
  assert.equal(digitsThroughMarks("18,455"), null);
  assert.equal(digitsThroughMarks("lb 18"), null);
});

Deno.test("priceSlip() knows a price that lost or gained a character, and not one that differs", () => {
  assert.ok(priceSlip("$.40", 8.4), "a leading 8 read as the dollar sign");
  assert.ok(priceSlip(".95", 3.95), "the leading digit lost");
  assert.ok(priceSlip("4619", 4.19), "the period read as a 6");
  assert.ok(priceSlip("389", 3.29), "the period lost and one digit misread");
  assert.ok(!priceSlip("3.10", 3.0), "clean digits that differ stay as printed");
  assert.ok(!priceSlip("$1.95", 3.95), "a different first digit is not a lost one");
  assert.ok(!priceSlip("48", 4.19), "too few digits for the price");
});

Deno.test("repairDescription() repairs lean points and B/S, and nothing that merely looks like them", () => {
  assert.deepEqual(repairDescription("Pork trim 7OCL"), { text: "Pork trim 70CL", repaired: true });
  assert.equal(repairDescription("Beef trim 8eCL fresh").text, "Beef trim 80CL fresh");
  assert.equal(repairDescription("Beef trim g@cL").text, "Beef trim 90CL");
  assert.equal(repairDescription("Turkey thigh BIS").text, "Turkey thigh B/S");
  for (const kept of ["Sirloin 12OZ", "Pig feet BIG", "Veal 75CL", "Chicken wings BISCUIT"]) {
    assert.deepEqual(repairDescription(kept), { text: kept, repaired: false });
  }
});
