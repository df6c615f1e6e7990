import assert from "node:assert/strict";
import { Counter, Histogram, Registry } from "prom-client";
import { KeyedCounter, KeyedHistogram } from "./keyed_metrics.ts";

const BOUNDS = [0.002, 0.005, 0.01, 0.25, 1];
const OBSERVED: Array<[string, string, number]> = [
  ["/a", "GET", 0.001],
  ["/a", "GET", 0.002],
  ["/a", "GET", 0.3],
  ["/b", "POST", 7],
  ["/a", "GET", 0.0049],
  ["/b", "POST", 0.01],
];

Deno.test("the keyed counter and histogram print what prom-client's print for the same observations", async () => {
  const theirs = new Registry();
  const counter = new Counter({
    name: "t_requests_total",
    help: "Requests.",
    labelNames: ["route", "method"],
    registers: [theirs],
  });
  const histogram = new Histogram({
    name: "t_seconds",
    help: "Seconds.",
    labelNames: ["route", "method"],
    buckets: BOUNDS,
    registers: [theirs],
  });
  const ours = new Registry();
  const keyedCounter = new KeyedCounter<"route" | "method">("t_requests_total", "Requests.", ours);
  const keyedHistogram = new KeyedHistogram<"route" | "method">(
    "t_seconds",
    "Seconds.",
    BOUNDS,
    ours,
  );
  for (const [route, method, seconds] of OBSERVED) {
    counter.inc({ route, method });
    histogram.observe({ route, method }, seconds);
    keyedCounter.inc(`${method} ${route}`, () => ({ route, method }));
    keyedHistogram.observe(`${method} ${route}`, () => ({ route, method }), seconds);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
});

Deno.test("removeWhere drops only the matching series, and a later observation starts it afresh", async () => {
  const registry = new Registry();
  const h = new KeyedHistogram<"tenant">("t_tenant_seconds", "Seconds.", BOUNDS, registry);
  h.observe("acme", () => ({ tenant: "acme" }), 0.003);
  h.observe("other", () => ({ tenant: "other" }), 0.5);
  h.removeWhere((labels) => labels.tenant === "acme");
  assert.deepEqual(h.labelSets(), [{ tenant: "other" }]);
  assert.doesNotMatch(await registry.metrics(), /acme/);
  h.observe("acme", () => ({ tenant: "acme" }), 2);
  const text = await registry.metrics();
  assert.match(text, /t_tenant_seconds_count\{tenant="acme"\} 1\n/);
  assert.match(text, /t_tenant_seconds_bucket\{le="1",tenant="acme"\} 0\n/);
  assert.match(text, /t_tenant_seconds_bucket\{le="\+Inf",tenant="acme"\} 1\n/);
});
