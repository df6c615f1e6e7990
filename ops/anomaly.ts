/**
 * @module ops/anomaly
 * The statistical anomaly detector behind the alert rules of kind `anomaly` (ops/alerts.ts). One
 * series (a tenant's error rate, its exports per interval, ...) is fed one sample per interval
 * (5 minutes) and keeps a state of a few dozen numbers, stored as JSON between evaluations, so
 * 10,000 tenants x a handful of signals stay a small table rather than weeks of samples.
 *
 * The rule, for a sample x in seasonal slot s (the hour of day for counts, one slot for rates):
 *   expected = EWMA of past normal samples of slot s      (alpha 0.05 per sample; 0.03 per
 *                                                          sample of an hour-of-day slot)
 *   scale    = max(1.25 x EWMA of |x - expected|,         (mean absolute deviation ~ 0.8 sigma)
 *                  sqrt(expected / n) for a count,         (Poisson noise)
 *                  sqrt(p (1 - p) / n) for a rate of n,    (binomial noise: 1 error in 3 requests
 *                                                          is no news)
 *                  minScale)
 *   z        = (x - expected) / scale
 * A sample is anomalous when z passes `threshold` in the watched direction and x differs from
 * expected by at least `minDelta`; an alert fires after `confirm` anomalous samples in a row and
 * resolves after `resolveAfter` normal ones. Anomalous samples move the baseline 10x slower, so a
 * spike does not teach the detector that spikes are normal, while a lasting shift is learnt in
 * a few hours. Nothing is judged during the warm-up (a day for seasonal series).
 *
 * Measured on the synthetic tenant-weeks of ops/synthetic.ts (ops/anomaly_test.ts and
 * `deno task bench`): recall and false alerts per tenant-week are printed there.
 */

/** How a series is judged. */
export interface DetectorOptions {
  /** `rate`: x is a share of `n` events (errors of requests); `count`: events per interval. */
  kind: "rate" | "count" | "level";
  /** Which way is bad. */
  direction: "up" | "down" | "both";
  /** Slots of the season: 24 (hour of day) for business counts, 1 for none. */
  slots: number;
  threshold: number;
  minDelta: number;
  minScale: number;
  confirm: number;
  resolveAfter: number;
  /** Samples before any judgement. */
  warmup: number;
  /** Samples with fewer events than this are skipped (too few requests to say anything). */
  minEvents: number;
}

/** Defaults per kind; a rule may override any of them. */
export const DETECTOR_DEFAULTS: Record<DetectorOptions["kind"], DetectorOptions> = {
  rate: {
    kind: "rate",
    direction: "up",
    slots: 1,
    threshold: 4,
    minDelta: 0.05,
    minScale: 0.005,
    confirm: 2,
    resolveAfter: 3,
    warmup: 24,
    minEvents: 20,
  },
  count: {
    kind: "count",
    direction: "up",
    slots: 24,
    threshold: 4,
    minDelta: 5,
    minScale: 1,
    confirm: 2,
    resolveAfter: 3,
    warmup: 288,
    minEvents: 0,
  },
  level: {
    kind: "level",
    direction: "up",
    slots: 1,
    threshold: 6,
    minDelta: 0,
    minScale: 0.01,
    confirm: 2,
    resolveAfter: 3,
    warmup: 24,
    minEvents: 0,
  },
};

/** What the detector remembers about one series between samples (JSON-safe). */
export interface DetectorState {
  expected: Array<number | null>;
  dev: number | null;
  seen: number;
  streak: number;
  calm: number;
  firing: boolean;
}

/** One sample's verdict. */
export interface Verdict {
  z: number;
  expected: number | null;
  anomalous: boolean;
  /** `fire` when the alert starts, `resolve` when it ends, else null. */
  change: "fire" | "resolve" | null;
  firing: boolean;
}

const ALPHA = 0.05;
/** Per sample of one hour-of-day slot: 12 samples a day, (1 - 0.03)^12 ~ 0.7 kept per day. */
const SLOT_ALPHA = 0.03;
const DEV_ALPHA = 0.05;
const SLOWER = 0.1;

/** A fresh state for `options`. */
export function newDetectorState(options: Pick<DetectorOptions, "slots">): DetectorState {
  return {
    expected: Array(options.slots).fill(null),
    dev: null,
    seen: 0,
    streak: 0,
    calm: 0,
    firing: false,
  };
}

function noiseScale(o: DetectorOptions, expected: number, n: number): number {
  if (o.kind === "rate") {
    const p = Math.min(Math.max(expected, 0.001), 0.999);
    return Math.sqrt(p * (1 - p) / Math.max(n, 1));
  }
  if (o.kind === "count") return Math.sqrt(Math.max(expected, 1));
  return 0;
}

/**
 * Feeds one sample: `x` (a rate, a count or a level), `n` the events behind a rate, `slot` the
 * seasonal slot (hour of day). Mutates and returns the verdict; `state` is then stored again.
 */
export function observe(
  state: DetectorState,
  o: DetectorOptions,
  x: number,
  n = 0,
  slot = 0,
): Verdict {
  const s = o.slots > 1 ? slot % o.slots : 0;
  if (o.minEvents > 0 && n < o.minEvents) {
    // Too few events to judge; a quiet interval also counts towards calming a firing alert.
    return settle(state, o, { z: 0, expected: state.expected[s] ?? null, anomalous: false });
  }
  const expected = state.expected[s];
  state.seen++;
  if (expected === null || expected === undefined) {
    state.expected[s] = x;
    return settle(state, o, { z: 0, expected: null, anomalous: false });
  }
  const residual = x - expected;
  const scale = Math.max(
    1.25 * (state.dev ?? 0),
    noiseScale(o, expected, n),
    o.minScale,
  );
  const z = residual / scale;
  const outward = o.direction === "up" ? z : o.direction === "down" ? -z : Math.abs(z);
  const anomalous = state.seen > o.warmup && outward >= o.threshold &&
    Math.abs(residual) >= o.minDelta;
  const slow = anomalous ? SLOWER : 1;
  const alpha = (o.slots > 1 ? SLOT_ALPHA : ALPHA) * slow;
  state.expected[s] = expected + alpha * residual;
  const dev = Math.abs(residual);
  state.dev = state.dev === null ? dev : state.dev + DEV_ALPHA * slow * (dev - state.dev);
  return settle(state, o, { z, expected, anomalous });
}

function settle(
  state: DetectorState,
  o: DetectorOptions,
  v: { z: number; expected: number | null; anomalous: boolean },
): Verdict {
  let change: Verdict["change"] = null;
  if (v.anomalous) {
    state.streak++;
    state.calm = 0;
    if (!state.firing && state.streak >= o.confirm) {
      state.firing = true;
      change = "fire";
    }
  } else {
    state.streak = 0;
    state.calm++;
    if (state.firing && state.calm >= o.resolveAfter) {
      state.firing = false;
      change = "resolve";
    }
  }
  return { ...v, change, firing: state.firing };
}
