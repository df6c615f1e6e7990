/**
 * @module bench/metrics_overhead
 * What counting requests for /metrics (and the alerts' tally) costs the authenticated route:
 * two bench servers, one with counting switched off (BENCH_NO_METRICS=1), measured with wrk in
 * alternating short runs (ABBA...) so the machine's drift falls on both; the figure is the median
 * of the per-pair ratios. And the anomaly detector's recall and false alerts on the synthetic
 * tenant-weeks of ops/synthetic.ts.
 */
import { benchTenant, startBenchServer } from "./api_throughput.ts";
import { runWrk, type WrkResult } from "./wrk.ts";
import { scoreDetector } from "../ops/synthetic.ts";

/** Throughput with and without counting, and the median ratio with/without. */
export interface MetricsOverhead {
  withMetrics: number[];
  without: number[];
  /** with/without of each pair, in the order measured. */
  ratios: number[];
  /** Median of with/without over the pairs: 0.98 means counting costs 2%. */
  ratio: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function api(port: number, token: string, seconds: number): Promise<WrkResult> {
  return await runWrk(`http://127.0.0.1:${port}/api/v1/me`, {
    seconds,
    headers: { Host: `bench.localhost:${port}`, Authorization: `Bearer ${token}` },
  });
}

/** Measures `pairs` alternating pairs of `seconds` each. */
export async function benchMetricsOverhead(
  opts: { pairs: number; seconds: number },
): Promise<MetricsOverhead> {
  const on = await startBenchServer();
  const off = await startBenchServer({ BENCH_NO_METRICS: "1" });
  try {
    const tokens = [await benchTenant(on.port, "bench"), await benchTenant(off.port, "bench")];
    // Warm both (JIT, pool, caches) before anything counts.
    await api(on.port, tokens[0]!, 1);
    await api(off.port, tokens[1]!, 1);
    const withMetrics: number[] = [];
    const without: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < opts.pairs; i++) {
      const first = i % 2 === 0;
      const a = first ? await api(on.port, tokens[0]!, opts.seconds) : null;
      const b = await api(off.port, tokens[1]!, opts.seconds);
      const c = a ?? await api(on.port, tokens[0]!, opts.seconds);
      withMetrics.push(c.requestsPerSecond);
      without.push(b.requestsPerSecond);
      ratios.push(c.requestsPerSecond / b.requestsPerSecond);
    }
    return { withMetrics, without, ratios, ratio: median(ratios) };
  } finally {
    await on.stop();
    await off.stop();
  }
}

/** The detector on `tenants` synthetic tenant-weeks. */
export function benchDetector(tenants: number) {
  const t0 = performance.now();
  const score = scoreDetector(tenants);
  return { ...score, ms: performance.now() - t0 };
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const d = benchDetector(quick ? 30 : 100);
  console.log(
    `detector: recall ${(d.recall * 100).toFixed(1)}%, precision ${
      (d.precision * 100).toFixed(1)
    }%,` +
      ` ${
        d.falseAlertsPerTenantWeek.toFixed(2)
      } false alerts per tenant-week (${d.tenants} tenants)`,
  );
  const m = await benchMetricsOverhead({ pairs: quick ? 3 : 6, seconds: quick ? 2 : 4 });
  console.log(m);
}
