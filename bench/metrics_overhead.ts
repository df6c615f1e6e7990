/**
 * @module bench/metrics_overhead
 * What counting requests for /metrics (and the alerts' tally) costs the authenticated route
 * (`GET /api/v1/me` with a bearer token), always in one server process, so both sides share the
 * JIT, the pool, the tenant and the token. Two forms:
 * - blocks (`benchMetricsOverheadBlocks`, the figure of `deno task bench`): one wrk run while the
 *   server switches counting on and off every 100 ms (BENCH_TOGGLE_MS, bench/server.ts) and notes
 *   each block's requests and CPU; a pair is two neighbouring blocks, so whatever else the machine
 *   does falls on both alike, and a minute gives some 200-300 pairs;
 * - runs (`benchMetricsOverhead`): the server answers on a second port with counting off
 *   (BENCH_UNCOUNTED_PORT) and wrk alternates 2-second runs between the ports (ABBA: the first of
 *   a pair swaps each time), 30 pairs. On the shared two-core machine a pair swings by tens of
 *   percent, so this form is kept for comparison with earlier figures.
 * Each gives medians of the per-pair ratios with their quartiles, for two figures:
 * - throughput with/without, what the issue's target names;
 * - the server's CPU time per request (all its threads, from /proc/<pid>/task/<tid>/schedstat in
 *   nanoseconds), without/with: the throughput a CPU-bound server keeps. Other processes disturb
 *   it less than throughput, since it counts the time a request costs, not how much of the
 *   machine the server got.
 * Also the cost of one `observeRequest` call in isolation, and the anomaly detector's recall and
 * false alerts on the synthetic tenant-weeks of ops/synthetic.ts.
 *
 *   deno run -A bench/metrics_overhead.ts [--quick] [--aa] [--blocks-only] [--block-seconds=N]
 *     [--pairs=N] [--pairs-detail]
 *
 * `--aa` measures with counting off on both sides: what the method reports when nothing differs.
 */
import { benchTenant, processCpuNs, startBenchServer } from "./api_throughput.ts";
import { runWrk, type WrkResult } from "./wrk.ts";
import { scoreDetector } from "../ops/synthetic.ts";
import { Metrics } from "../ops/metrics.ts";

/** Throughput and CPU per request with and without counting, and their per-pair ratios. */
export interface MetricsOverhead {
  withMetrics: number[];
  without: number[];
  /** with/without throughput of each pair, in the order measured. */
  ratios: number[];
  /** Median of with/without over the pairs: 0.98 means counting costs 2%. */
  ratio: number;
  /** The 25th and 75th percentiles of the pair ratios: how settled the median is. */
  quartiles: [number, number];
  /** Server CPU µs per request of each run, with and without counting (NaN without /proc). */
  cpuWith: number[];
  cpuWithout: number[];
  /** Median over the pairs of without/with CPU per request: the throughput kept, CPU-bound. */
  cpuRatio: number;
  cpuQuartiles: [number, number];
}

/** The q-quantile of `values` (linear between ranks). */
export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

interface Run {
  wrk: WrkResult;
  /** Server CPU µs per request completed. */
  cpuUs: number;
}

/** The default measurement: 30 interleaved pairs of 2-second runs (6 of 1 s with `quick`). */
export const OVERHEAD_RUNS = { full: { pairs: 30, seconds: 2 }, quick: { pairs: 6, seconds: 1 } };

/** One paired sample: the same work measured with counting on and off, close together in time. */
interface Pair {
  rateWith: number;
  rateWithout: number;
  /** CPU µs per request. */
  cpuWith: number;
  cpuWithout: number;
}

/** Both methods' figures from their pairs: medians of the per-pair ratios with their quartiles. */
function summarizePairs(pairs: Pair[]): MetricsOverhead {
  const ratios = pairs.map((p) => p.rateWith / p.rateWithout);
  // Kept as "work per CPU": above 1 when counting is cheaper, like the throughput ratio.
  const cpuRatios = pairs.map((p) => p.cpuWithout / p.cpuWith);
  return {
    withMetrics: pairs.map((p) => p.rateWith),
    without: pairs.map((p) => p.rateWithout),
    ratios,
    cpuWith: pairs.map((p) => p.cpuWith),
    cpuWithout: pairs.map((p) => p.cpuWithout),
    ratio: quantile(ratios, 0.5),
    quartiles: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    cpuRatio: quantile(cpuRatios, 0.5),
    cpuQuartiles: [quantile(cpuRatios, 0.25), quantile(cpuRatios, 0.75)],
  };
}

/**
 * Measures `pairs` interleaved pairs of `seconds` each, in one server process. With `sameSides`
 * neither port counts (an A/A run): the figures then show the method's own bias and spread.
 */
export async function benchMetricsOverhead(
  opts: { pairs: number; seconds: number; sameSides?: boolean },
): Promise<MetricsOverhead> {
  const uncounted = 60000 + Math.floor(Math.random() * 5000);
  const server = await startBenchServer({
    BENCH_UNCOUNTED_PORT: String(uncounted),
    ...(opts.sameSides ? { BENCH_NO_METRICS: "1" } : {}),
  });
  try {
    const token = await benchTenant(server.port, "bench");
    const run = async (port: number, seconds: number): Promise<Run> => {
      const before = await processCpuNs(server.pid);
      const wrk = await runWrk(`http://127.0.0.1:${port}/api/v1/me`, {
        seconds,
        headers: { Host: `bench.localhost:${port}`, Authorization: `Bearer ${token}` },
      });
      const cpuUs = (await processCpuNs(server.pid) - before) / 1000 / wrk.requests;
      return { wrk, cpuUs };
    };
    const on = () => run(server.port, opts.seconds);
    const off = () => run(uncounted, opts.seconds);
    // Warm both paths (JIT, pool, caches) before anything counts.
    await run(server.port, 1);
    await run(uncounted, 1);
    const pairs: Pair[] = [];
    for (let i = 0; i < opts.pairs; i++) {
      const [a, b] = i % 2 === 0 ? [await on(), await off()] : [null, await off()];
      const c = a ?? await on();
      pairs.push({
        rateWith: c.wrk.requestsPerSecond,
        rateWithout: b.wrk.requestsPerSecond,
        cpuWith: c.cpuUs,
        cpuWithout: b.cpuUs,
      });
    }
    return summarizePairs(pairs);
  } finally {
    await server.stop();
  }
}

/** One block of the server's BENCH_TOGGLE_MS notes (bench/server.ts). */
interface Block {
  index: number;
  counting: boolean;
  ms: number;
  cpuNs: number;
  requests: number;
}

/** The default of the block form: one 60-second wrk run, counting switched every 100 ms. */
export const BLOCK_RUNS = {
  full: { seconds: 60, blockMs: 100 },
  quick: { seconds: 15, blockMs: 100 },
};

/**
 * The same comparison interleaved far finer: one wrk run on one port while the server switches
 * counting on and off every `blockMs` (on, off, off, on, ...) and notes each block's requests and
 * CPU. A pair is two neighbouring blocks, 100 ms apart, so what the machine does meanwhile falls
 * on both alike; a minute gives some 300 pairs. Blocks with under half the median's requests (the
 * run's edges, a stall) and their partners are left out.
 */
export async function benchMetricsOverheadBlocks(
  opts: { seconds: number; blockMs: number; sameSides?: boolean },
): Promise<MetricsOverhead> {
  const server = await startBenchServer({
    BENCH_TOGGLE_MS: String(opts.blockMs),
    ...(opts.sameSides ? { BENCH_NO_METRICS: "1" } : {}),
  });
  const blocks = async () =>
    await (await fetch(`http://127.0.0.1:${server.port + 1}/blocks`)).json() as Block[];
  try {
    const token = await benchTenant(server.port, "bench");
    const wrk = (seconds: number) =>
      runWrk(`http://127.0.0.1:${server.port}/api/v1/me`, {
        seconds,
        headers: { Host: `bench.localhost:${server.port}`, Authorization: `Bearer ${token}` },
      });
    await wrk(2);
    await blocks();
    await wrk(opts.seconds);
    const noted = await blocks();
    const least = quantile(noted.map((b) => b.requests), 0.5) / 2;
    const pairs: Pair[] = [];
    const rate = (x: Block) => x.requests / x.ms * 1000;
    const cpu = (x: Block) => x.cpuNs / 1000 / x.requests;
    for (let i = 0; i + 1 < noted.length; i++) {
      const [a, b] = [noted[i]!, noted[i + 1]!];
      // Pairs are blocks 2k and 2k+1: one counting, one not.
      if (a.index % 2 !== 0 || b.index !== a.index + 1 || a.counting === b.counting) continue;
      if (a.requests < least || b.requests < least) continue;
      const [on, off] = a.counting ? [a, b] : [b, a];
      pairs.push({
        rateWith: rate(on),
        rateWithout: rate(off),
        cpuWith: cpu(on),
        cpuWithout: cpu(off),
      });
    }
    return summarizePairs(pairs);
  } finally {
    await server.stop();
  }
}

/**
 * Nanoseconds per `observeRequest` call in isolation: 3 routes, 50 tenants (top 20 named), the
 * series all made, as a running server's steady state. The median of `rounds`.
 */
export function benchObserveCost(calls = 1_000_000, rounds = 5): number {
  const metrics = new Metrics(20);
  const routes = ["/api/v1/me", "/api/v1/customers/:id", "/api/v1/purchase_orders"];
  const tenants = Array.from({ length: 50 }, (_, i) => `tenant-${i}`);
  const observe = (n: number) => {
    for (let i = 0; i < n; i++) {
      metrics.observeRequest("GET", routes[i % 3]!, 200, tenants[i % 50], 0.0012);
    }
  };
  observe(200_000);
  const ns: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    observe(calls);
    ns.push((performance.now() - t0) * 1e6 / calls);
  }
  metrics.close();
  return quantile(ns, 0.5);
}

/** The detector on `tenants` synthetic tenant-weeks. */
export function benchDetector(tenants: number) {
  const t0 = performance.now();
  const score = scoreDetector(tenants);
  return { ...score, ms: performance.now() - t0 };
}

/** The overhead's two figures in one line. */
export function describeOverhead(m: MetricsOverhead, unit = "interleaved"): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const us = (xs: number[]) => quantile(xs, 0.5).toFixed(2);
  return `throughput ${pct(m.ratio)} (quartiles ${pct(m.quartiles[0])} to ${
    pct(m.quartiles[1])
  }); server CPU per request ${us(m.cpuWith)} µs with, ${us(m.cpuWithout)} µs without: ${
    pct(m.cpuRatio)
  } kept (quartiles ${pct(m.cpuQuartiles[0])} to ${
    pct(m.cpuQuartiles[1])
  }); median of ${m.ratios.length} ${unit} pairs in one process`;
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
  console.log(`observeRequest: ${benchObserveCost().toFixed(0)} ns per call in isolation`);
  const pairs = Number(Deno.args.find((a) => a.startsWith("--pairs="))?.slice(8) ?? 0);
  const runs = quick ? OVERHEAD_RUNS.quick : OVERHEAD_RUNS.full;
  // --aa: counting off on both ports, to see what the method reports when nothing differs.
  const sameSides = Deno.args.includes("--aa");
  const what = sameSides ? "A/A, neither counting" : "with counting / without";
  const blockSeconds = Number(
    Deno.args.find((a) => a.startsWith("--block-seconds="))?.slice(16) ?? 0,
  );
  const blockRun = quick ? BLOCK_RUNS.quick : BLOCK_RUNS.full;
  const blocks = await benchMetricsOverheadBlocks({
    ...blockRun,
    ...(blockSeconds ? { seconds: blockSeconds } : {}),
    sameSides,
  });
  console.log(`${what}, 100 ms blocks in one wrk run: ${describeOverhead(blocks, "block")}`);
  if (Deno.args.includes("--blocks-only")) Deno.exit(0);
  const m = await benchMetricsOverhead({ ...runs, ...(pairs ? { pairs } : {}), sameSides });
  console.log(`${what}, ${runs.seconds} s wrk runs: ${describeOverhead(m)}`);
  if (Deno.args.includes("--pairs-detail")) {
    m.ratios.forEach((ratio, i) =>
      console.log(
        `pair ${i + 1}: ${m.withMetrics[i]!.toFixed(0)} / ${m.without[i]!.toFixed(0)} req/s ` +
          `(${(ratio * 100).toFixed(1)}%), ${m.cpuWith[i]!.toFixed(2)} / ${
            m.cpuWithout[i]!.toFixed(2)
          } µs CPU`,
      )
    );
  }
}
