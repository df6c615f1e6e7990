/**
 * @module ops/synthetic
 * Synthetic tenant-weeks with injected anomalies, to measure the detector of ops/anomaly.ts: the
 * test asserts the targets of issue 16 on them and `deno task bench` prints recall and false
 * alerts. Seeded, so a run is repeatable. Each tenant gets 2 days of warm-up then 7 judged days
 * of 5-minute samples: requests with a working-day shape and quiet weekends, errors at the
 * tenant's own base rate, invoices created in working hours; then error-rate jumps and invoice
 * bursts of 15 minutes to an hour at random times.
 */
import { DETECTOR_DEFAULTS, type DetectorOptions, newDetectorState, observe } from "./anomaly.ts";

/** Samples per day at one sample each 5 minutes. */
export const SAMPLES_PER_DAY = 288;
const WARMUP_DAYS = 2;
const DAYS = WARMUP_DAYS + 7;

/** A small seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(rand: () => number, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rand)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function binomial(rand: () => number, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rand() < p) k++;
  return k;
}

/** 0.25 at night, up to 1 in the afternoon of a working day; a third of that at weekends. */
function activity(i: number): number {
  const day = Math.floor(i / SAMPLES_PER_DAY);
  const hour = (i % SAMPLES_PER_DAY) / 12;
  const working = Math.max(0, Math.sin(Math.PI * (hour - 6) / 14));
  const weekend = day % 7 === 5 || day % 7 === 6 ? 0.35 : 1;
  return (0.25 + 0.75 * working) * weekend;
}

/** One series with the samples where an anomaly was injected. */
export interface SyntheticSeries {
  signal: "error_rate" | "invoices";
  x: number[];
  n: number[];
  /** Injected anomalies as [first, last] sample indexes. */
  injected: Array<[number, number]>;
}

function windows(rand: () => number, count: number, avoid: Array<[number, number]>) {
  const out: Array<[number, number]> = [];
  while (out.length < count) {
    const start = WARMUP_DAYS * SAMPLES_PER_DAY +
      Math.floor(rand() * (DAYS - WARMUP_DAYS - 0.2) * SAMPLES_PER_DAY);
    const end = start + 3 + Math.floor(rand() * 10);
    if ([...avoid, ...out].some(([a, b]) => start <= b + 36 && end >= a - 36)) continue;
    out.push([start, end]);
  }
  return out;
}

/** A tenant's error-rate and invoice series for one judged week, with `perSeries` anomalies. */
export function syntheticTenant(seed: number, perSeries = 2): SyntheticSeries[] {
  const rand = seeded(seed);
  const total = DAYS * SAMPLES_PER_DAY;
  const traffic = 80 + rand() * 320;
  const baseError = 0.002 + rand() * 0.02;
  const invoices = 0.5 + rand() * 5;
  const errorWindows = windows(rand, perSeries, []);
  const invoiceWindows = windows(rand, perSeries, []);
  const inside = (w: Array<[number, number]>, i: number) => w.some(([a, b]) => i >= a && i <= b);
  const errors: SyntheticSeries = { signal: "error_rate", x: [], n: [], injected: errorWindows };
  const invoiceSeries: SyntheticSeries = {
    signal: "invoices",
    x: [],
    n: [],
    injected: invoiceWindows,
  };
  for (let i = 0; i < total; i++) {
    const requests = poisson(rand, traffic * activity(i));
    const p = inside(errorWindows, i) ? baseError + 0.08 + rand() * 0.2 : baseError;
    errors.x.push(requests ? binomial(rand, requests, p) / requests : 0);
    errors.n.push(requests);
    const mean = invoices * activity(i) ** 2;
    invoiceSeries.x.push(poisson(rand, inside(invoiceWindows, i) ? mean * 4 + 12 : mean));
    invoiceSeries.n.push(0);
  }
  return [errors, invoiceSeries];
}

/** What the detector found on a set of synthetic tenants. */
export interface DetectorScore {
  tenants: number;
  injected: number;
  found: number;
  falseAlerts: number;
  recall: number;
  precision: number;
  falseAlertsPerTenantWeek: number;
}

/** Runs the detector with its defaults over `tenants` synthetic tenant-weeks and scores it. */
export function scoreDetector(tenants: number, seed = 16): DetectorScore {
  let injected = 0;
  let found = 0;
  let falseAlerts = 0;
  for (let t = 0; t < tenants; t++) {
    for (const series of syntheticTenant(seed * 1000 + t)) {
      const options: DetectorOptions = series.signal === "error_rate"
        ? DETECTOR_DEFAULTS.rate
        : DETECTOR_DEFAULTS.count;
      const state = newDetectorState(options);
      const fired: number[] = [];
      series.x.forEach((x, i) => {
        const hour = Math.floor((i % SAMPLES_PER_DAY) / 12);
        if (observe(state, options, x, series.n[i], hour).change === "fire") fired.push(i);
      });
      injected += series.injected.length;
      // Found: an alert fires during the anomaly or within the confirmation samples after it.
      const slack = options.confirm + 1;
      for (const [a, b] of series.injected) {
        if (fired.some((i) => i >= a && i <= b + slack)) found++;
      }
      falseAlerts += fired.filter((i) =>
        !series.injected.some(([a, b]) => i >= a && i <= b + slack)
      ).length;
    }
  }
  const alerts = found + falseAlerts;
  return {
    tenants,
    injected,
    found,
    falseAlerts,
    recall: injected ? found / injected : 1,
    precision: alerts ? found / alerts : 1,
    falseAlertsPerTenantWeek: falseAlerts / tenants,
  };
}
