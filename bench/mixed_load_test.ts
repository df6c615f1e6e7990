import assert from "node:assert/strict";
import { closedLoopBound } from "./mixed_load.ts";

Deno.test("Little's law: 50 connections flat out at 1,000 req/s spend 50 ms per request, and a 25 ms p99 needs at least 2,000 req/s", () => {
  const bound = closedLoopBound(50, { requestsPerSecond: 1_000, p99Ms: 100 }, 25);
  assert.equal(bound.meanMs, 50);
  assert.equal(bound.tailRatio, 2);
  assert.equal(bound.necessaryRps, 2_000);
  assert.equal(bound.atThisShapeRps, 4_000, "at p99 = 2x the mean, the mean must be 12.5 ms");
});

Deno.test("Little's law: a run that already meets the target needs no more throughput at its shape", () => {
  const bound = closedLoopBound(50, { requestsPerSecond: 5_000, p99Ms: 20 }, 25);
  assert.equal(bound.meanMs, 10);
  assert.ok(bound.atThisShapeRps <= 5_000);
});
