import assert from "node:assert/strict";
import { handlerCoverage } from "./pauses.ts";

Deno.test("handler coverage counts the time handlers ran inside stalls once, however they overlap", () => {
  const stalls = [{ at: 100, ms: 20 }, { at: 200, ms: 10 }];
  const requests = [
    { at: 95, ms: 10 }, // 100-105 inside the first stall
    { at: 103, ms: 4 }, // 103-107: overlaps the one before, adds 105-107
    { at: 115, ms: 30 }, // 115-120 inside, the rest after it
    { at: 150, ms: 5 }, // between the stalls
  ];
  assert.deepEqual(handlerCoverage(stalls, requests), { stallMs: 30, handlerMs: 12 });
  assert.deepEqual(handlerCoverage([], requests), { stallMs: 0, handlerMs: 0 });
});
