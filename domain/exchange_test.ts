/** Exchange-rate arithmetic: parsing rates, converting cents exactly, rounding half to even. */
import assert from "node:assert/strict";
import { addUnconverted, convertCents, parseRate, rateText, type Unconverted } from "./exchange.ts";

Deno.test("parseRate() reads a decimal rate into millionths and refuses what is not one", () => {
  assert.equal(parseRate("0.7312"), 731_200);
  assert.equal(parseRate("18.05"), 18_050_000);
  assert.equal(parseRate("1"), 1_000_000);
  assert.equal(parseRate(" 1.371234 "), 1_371_234);
  assert.equal(parseRate("0,7312"), 731_200, "a decimal comma reads as a point");
  for (const bad of ["", "0", "0.000000", "-1.2", "1.2345678", "abc", "1e3", "1.2.3"]) {
    assert.equal(parseRate(bad), null, bad);
  }
});

Deno.test("rateText() writes millionths back without trailing zeros", () => {
  assert.equal(rateText(731_200), "0.7312");
  assert.equal(rateText(18_000_000), "18");
  assert.equal(rateText(1_371_234), "1.371234");
  assert.equal(rateText(parseRate("0.05")!), "0.05");
});

Deno.test("convertCents() converts exactly and rounds half to even at the cent", () => {
  // CAD 30,000.00 at 0.7312 = USD 21,936.00 exactly.
  assert.equal(convertCents(3_000_000, 731_200), 2_193_600);
  // 1 cent at 0.5 is half a cent: to the even neighbour, 0; 3 cents at 0.5 = 1.5 -> 2.
  assert.equal(convertCents(1, 500_000), 0);
  assert.equal(convertCents(3, 500_000), 2);
  assert.equal(convertCents(5, 500_000), 2);
  // Just past half goes up, just below goes down.
  assert.equal(convertCents(1, 500_001), 1);
  assert.equal(convertCents(1, 499_999), 0);
  // Negative amounts (credits) round the same way, mirrored.
  assert.equal(convertCents(-3, 500_000), -2);
  assert.equal(convertCents(-1, 500_001), -1);
  // MXN 1,000,000.00 at 0.054321 = USD 54,321.00.
  assert.equal(convertCents(100_000_000, 54_321), 5_432_100);
  // An amount whose product passes 2^53 still converts exactly (no float in between).
  assert.equal(convertCents(9_007_199_254_740, 18_050_000), 162_579_946_548_057);
  assert.equal(convertCents(0, 731_200), 0);
  assert.equal(convertCents(12_345, 1_000_000), 12_345, "the identity rate changes nothing");
});

Deno.test("addUnconverted() keeps one sum per currency", () => {
  const list: Unconverted[] = [];
  addUnconverted(list, "CAD", 100);
  addUnconverted(list, "MXN", 5);
  addUnconverted(list, "CAD", 50);
  assert.deepEqual(list, [{ currency: "CAD", cents: 150 }, { currency: "MXN", cents: 5 }]);
});
