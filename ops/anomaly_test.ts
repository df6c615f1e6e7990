import assert from "node:assert/strict";
import { DETECTOR_DEFAULTS, newDetectorState, observe } from "./anomaly.ts";
import { scoreDetector, seeded } from "./synthetic.ts";

Deno.test("the detector finds >= 90% of injected anomalies with <= 1 false alert per tenant-week", () => {
  const score = scoreDetector(40);
  console.log(
    `recall ${(score.recall * 100).toFixed(1)}%, precision ${
      (score.precision * 100).toFixed(1)
    }%,` +
      ` ${score.falseAlertsPerTenantWeek.toFixed(2)} false alerts per tenant-week`,
  );
  assert.equal(score.injected, 160);
  assert.ok(score.recall >= 0.9, `recall ${score.recall}`);
  assert.ok(score.falseAlertsPerTenantWeek <= 1, `false alerts ${score.falseAlertsPerTenantWeek}`);
});

Deno.test("observe() stays quiet on noise, fires on a lasting jump and resolves when it ends", () => {
  const o = DETECTOR_DEFAULTS.rate;
  const state = newDetectorState(o);
  const rand = seeded(7);
  const changes: Array<[number, string]> = [];
  for (let i = 0; i < 200; i++) {
    const p = i >= 100 && i < 110 ? 0.3 : 0.01 + (rand() - 0.5) * 0.01;
    const v = observe(state, o, p, 200);
    if (v.change) changes.push([i, v.change]);
  }
  assert.deepEqual(changes, [[101, "fire"], [112, "resolve"]]);
  assert.equal(state.firing, false);
  assert.ok(state.expected[0]! < 0.03, "the spike did not become the baseline");
});

Deno.test("observe() does not judge a rate behind too few events, nor during warm-up", () => {
  const o = DETECTOR_DEFAULTS.rate;
  const state = newDetectorState(o);
  for (let i = 0; i < 10; i++) observe(state, o, 0.01, 200);
  assert.equal(observe(state, o, 0.9, 200).anomalous, false, "still warming up");
  for (let i = 0; i < 80; i++) observe(state, o, 0.01, 200);
  // 2 errors out of 3 requests is no news.
  const few = observe(state, o, 0.67, 3);
  assert.equal(few.anomalous, false);
  assert.equal(observe(state, o, 0.67, 300).anomalous, true);
});

Deno.test("a seasonal count is judged against its own hour: a busy afternoon is normal, the same at night is not", () => {
  const o = DETECTOR_DEFAULTS.count;
  const state = newDetectorState(o);
  const rand = seeded(3);
  for (let i = 0; i < 288 * 3; i++) {
    const hour = Math.floor((i % 288) / 12);
    observe(
      state,
      o,
      hour >= 9 && hour < 17 ? 20 + Math.round(rand() * 4) : Math.round(rand()),
      0,
      hour,
    );
  }
  assert.equal(observe(state, o, 22, 0, 14).anomalous, false);
  assert.equal(observe(state, o, 22, 0, 3).anomalous, true);
});
