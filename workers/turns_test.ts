import assert from "node:assert/strict";
import { Turns } from "./turns.ts";

/** Holds the thread for `ms`, as a synchronous statement does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the thread is held */ }
}

/** Runs 40 items of 1 ms, each followed by `between()`; says whether a timer ran meanwhile. */
async function sweep(between: () => Promise<void>): Promise<{ timerRanDuring: boolean }> {
  let fired = false;
  const timer = setTimeout(() => (fired = true), 0);
  let done = 0;
  for (let i = 0; i < 40; i++) {
    busy(1);
    done++;
    await between();
  }
  clearTimeout(timer);
  assert.equal(done, 40, "every item handled");
  return { timerRanDuring: fired };
}

Deno.test("a sweep that takes turns lets a timer run before it ends, and handles every item", async () => {
  const turns = new Turns(5);
  assert.deepEqual(await sweep(() => turns.take()), { timerRanDuring: true });
  assert.ok(turns.yields >= 4 && turns.yields <= 10, `yielded ${turns.yields} times`);
});

Deno.test("without turns, awaiting settled promises holds the thread for the whole sweep", async () => {
  assert.deepEqual(await sweep(() => Promise.resolve()), { timerRanDuring: false });
});

Deno.test("a sweep within its budget does not yield", async () => {
  const turns = new Turns(1000);
  await sweep(() => turns.take());
  assert.equal(turns.yields, 0);
});
