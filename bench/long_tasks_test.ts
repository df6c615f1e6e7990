import { deepEqual as assertEquals } from "node:assert/strict";
import { type CpuProfile, longTasks } from "./long_tasks.ts";

const frame = (functionName: string, url = "", lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

// root -> idle; root -> handler -> query (native); root -> (garbage collector)
const nodes = [
  { id: 1, callFrame: frame("(root)"), children: [2, 3, 5] },
  { id: 2, callFrame: frame("(idle)") },
  { id: 3, callFrame: frame("handler", "file:///work/main/routes/x.ts", 9), children: [4] },
  { id: 4, callFrame: frame("js_next") },
  { id: 5, callFrame: frame("(garbage collector)") },
];

/** A profile of `runs`: [node id, how many 1 ms samples] in order. */
function profileOf(runs: Array<[number, number]>): CpuProfile {
  const samples = runs.flatMap(([id, n]) => Array.from({ length: n }, () => id));
  return {
    nodes,
    startTime: 0,
    endTime: samples.length * 1000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

Deno.test("longTasks() finds stretches without idle samples and what ran in them", () => {
  const tasks = longTasks(
    profileOf([[2, 5], [3, 4], [4, 8], [2, 3], [3, 3], [2, 2], [5, 13], [2, 1]]),
    10,
  );
  // A sample's time is the sum of the deltas up to it: the first busy sample is at 6 ms.
  assertEquals(tasks.map((t) => [t.at, t.ms]), [[26, 13], [6, 12]]);
  const [gc, query] = tasks;
  assertEquals(gc!.inclusive, [{ fn: "(garbage collector)", ms: 13 }]);
  assertEquals(query!.inclusive, [
    { fn: "handler routes/x.ts:10", ms: 12 },
    { fn: "js_next", ms: 8 },
  ]);
  assertEquals(query!.self, [
    { fn: "js_next", ms: 8 },
    { fn: "handler routes/x.ts:10", ms: 4 },
  ]);
  assertEquals(tasks.map((t) => t.gapMs), [0, 0]);
});

Deno.test("longTasks() says how much of a task was a gap in sampling (the thread off the core)", () => {
  const profile = profileOf([[2, 2], [3, 3], [2, 1]]);
  profile.timeDeltas[3] = 30_000; // the sample after the second handler sample came 30 ms later
  const [task] = longTasks(profile, 10);
  assertEquals([task!.ms, task!.gapMs], [32, 30]);
});

Deno.test("longTasks() leaves out stretches shorter than the threshold", () => {
  assertEquals(longTasks(profileOf([[3, 9], [2, 1], [4, 9]]), 10), []);
});
