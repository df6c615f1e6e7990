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
  // The caller keeps each series' handle; here a map by method and route.
  const counted = new Map<string, ReturnType<typeof keyedCounter.open>>();
  const timed = new Map<string, ReturnType<typeof keyedHistogram.open>>();
  for (const [route, method, seconds] of OBSERVED) {
    counter.inc({ route, method });
    histogram.observe({ route, method }, seconds);
    const key = `${method} ${route}`;
    if (!counted.has(key)) counted.set(key, keyedCounter.open({ route, method }));
    if (!timed.has(key)) timed.set(key, keyedHistogram.open({ route, method }));
    keyedCounter.inc(counted.get(key)!);
    keyedHistogram.observe(timed.get(key)!, seconds);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
});

Deno.test("removeWhere drops only the matching series, and a later observation starts it afresh", async () => {
  const registry = new Registry();
  const h = new KeyedHistogram<"tenant">("t_tenant_seconds", "Seconds.", BOUNDS, registry);
  const acme = h.open({ tenant: "acme" });
  const other = h.open({ tenant: "other" });
  h.observe(acme, 0.003);
  h.observe(other, 0.5);
  h.removeWhere((labels) => labels.tenant === "acme");
  assert.deepEqual(h.labelSets(), [{ tenant: "other" }]);
  assert.doesNotMatch(await registry.metrics(), /acme/);
  h.observe(h.open({ tenant: "acme" }), 2);
  const text = await registry.metrics();
  assert.match(text, /t_tenant_seconds_count\{tenant="acme"\} 1\n/);
  assert.match(text, /t_tenant_seconds_bucket\{le="1",tenant="acme"\} 0\n/);
  assert.match(text, /t_tenant_seconds_bucket\{le="\+Inf",tenant="acme"\} 1\n/);
  assert.match(text, /t_tenant_seconds_count\{tenant="other"\} 1\n/, "other is untouched");
});

Deno.test("remove drops one series by its handle and leaves the others", async () => {
  const registry = new Registry();
  const c = new KeyedCounter<"route">("t_total", "Requests.", registry);
  const a = c.open({ route: "/a" });
  const b = c.open({ route: "/b" });
  c.inc(a);
  c.inc(b);
  c.inc(b);
  c.remove(a);
  assert.equal(
    await registry.metrics(),
    '# HELP t_total Requests.\n# TYPE t_total counter\nt_total{route="/b"} 2\n',
  );
});

Deno.test("a histogram observation on a bound falls in that bound's bucket (le), above all in +Inf", async () => {
  const registry = new Registry();
  const h = new KeyedHistogram<"route">("t_seconds", "Seconds.", [0.002, 0.005], registry);
  const s = h.open({ route: "/a" });
  for (const v of [0.002, 0.0021, 0.005, 9]) h.observe(s, v);
  assert.deepEqual(s.buckets, [1, 2, 1]);
  assert.equal(s.count, 4);
  assert.match(await registry.metrics(), /t_seconds_bucket\{le="0.005",route="\/a"\} 3\n/);
});
