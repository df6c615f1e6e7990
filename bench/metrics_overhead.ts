/**
 * @module bench/metrics_overhead
 * What counting requests for /metrics (and the alerts' tally) costs the authenticated route,
 * measured in one run of one server process: the bench server answers the same app on two ports,
 * one counting and one not (BENCH_UNCOUNTED_PORT, bench/server.ts), so both sides share the JIT,
 * the pool, the tenant and the token. wrk alternates short runs between the ports in interleaved
 * pairs (ABBA...: the first of a pair swaps each time) so the machine's drift falls on both; the
 * figure is the median of the per-pair ratios with its interquartile range, over enough pairs
 * (20 by default) for the median to settle. And the anomaly detector's recall and false alerts on
 * the synthetic tenant-weeks of ops/synthetic.ts.
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
  /** The 25th and 75th percentiles of the pair ratios: how settled the median is. */
  quartiles: [number, number];
}

/** The q-quantile of `values` (linear between ranks). */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

async function api(port: number, token: string, seconds: number): Promise<WrkResult> {
  return await runWrk(`http://127.0.0.1:${port}/api/v1/me`, {
    seconds,
    headers: { Host: `bench.localhost:${port}`, Authorization: `Bearer ${token}` },
  });
}

/** The default measurement: 20 interleaved pairs of 2-second runs (6 of 1 s with `quick`). */
export const OVERHEAD_RUNS = { full: { pairs: 20, seconds: 2 }, quick: { pairs: 6, seconds: 1 } };

/** Measures `pairs` interleaved pairs of `seconds` each, in one server process. */
export async function benchMetricsOverhead(
  opts: { pairs: number; seconds: number },
): Promise<MetricsOverhead> {
  const uncounted = 60000 + Math.floor(Math.random() * 5000);
  const server = await startBenchServer({ BENCH_UNCOUNTED_PORT: String(uncounted) });
  try {
    const token = await benchTenant(server.port, "bench");
    const on = () => api(server.port, token, opts.seconds);
    const off = () => api(uncounted, token, opts.seconds);
    // Warm both paths (JIT, pool, caches) before anything counts.
    await api(server.port, token, 1);
    await api(uncounted, token, 1);
    const withMetrics: number[] = [];
    const without: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < opts.pairs; i++) {
      const [a, b] = i % 2 === 0 ? [await on(), await off()] : [null, await off()];
      const c = a ?? await on();
      withMetrics.push(c.requestsPerSecond);
      without.push(b!.requestsPerSecond);
      ratios.push(c.requestsPerSecond / b!.requestsPerSecond);
    }
    return {
      withMetrics,
      without,
      ratios,
      ratio: quantile(ratios, 0.5),
      quartiles: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    };
  } finally {
    await server.stop();
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
  const m = await benchMetricsOverhead(quick ? OVERHEAD_RUNS.quick : OVERHEAD_RUNS.full);
  console.log(
    `with counting / without: ${(m.ratio * 100).toFixed(1)}% (median of ${m.ratios.length} ` +
      `interleaved pairs in one process; quartiles ${(m.quartiles[0] * 100).toFixed(1)}% to ` +
      `${(m.quartiles[1] * 100).toFixed(1)}%)`,
  );
}
