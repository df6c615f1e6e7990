import assert from "node:assert/strict";
import { Turns } from "./turns.ts";

/** Holds the thread for `ms`, as a synchronous statement does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the thread is held */ }
}

/**
 * Runs 40 items (by default each holding the thread 1 ms), each followed by `between()`; says
 * whether a timer ran meanwhile.
 */
async function sweep(
  between: () => Promise<void>,
  item: () => void = () => busy(1),
): Promise<{ timerRanDuring: boolean }> {
  let fired = false;
  const timer = setTimeout(() => (fired = true), 0);
  let done = 0;
  for (let i = 0; i < 40; i++) {
    item();
    done++;
    await between();
  }
  clearTimeout(timer);
  assert.equal(done, 40, "every item handled");
  return { timerRanDuring: fired };
}

Deno.test("a sweep that takes turns lets a timer run before it ends, and handles every item", async () => {
  // Counted on a clock of the test's (each item 1 ms), so a loaded machine cannot change the count.
  let clock = 0;
  const turns = new Turns(5, () => clock);
  assert.deepEqual(await sweep(() => turns.take(), () => clock++), { timerRanDuring: true });
  assert.equal(turns.yields, 8, "a turn each time 5 ms were held");
});

Deno.test("without turns, awaiting settled promises holds the thread for the whole sweep", async () => {
  assert.deepEqual(await sweep(() => Promise.resolve()), { timerRanDuring: false });
});

Deno.test("a sweep within its budget does not yield", async () => {
  let clock = 0;
  const turns = new Turns(1000, () => clock);
  await sweep(() => turns.take(), () => clock++);
  assert.equal(turns.yields, 0);
});
