/**
 * @module bench/mod
 * `deno task bench`: every benchmark of the project in one run, printed as figures beside their
 * targets and as ratios to the bare Hono route measured in the same run. Not a pass/fail test.
 * `deno task bench --quick` shortens the runs (fewer tenants, shorter wrk runs).
 */
import { benchTenant, measureApi, startBenchServer } from "./api_throughput.ts";
import { benchProvisioning } from "./provisioning.ts";
import { hasWrk } from "./wrk.ts";
import { fmt } from "./stats.ts";

const quick = Deno.args.includes("--quick");
const rows: string[][] = [];
const row = (name: string, value: string, target: string, ok: boolean | null) =>
  rows.push([name, value, target, ok === null ? "" : ok ? "met" : "MISSED"]);

if (await hasWrk()) {
  const server = await startBenchServer();
  try {
    const token = await benchTenant(server.port, "bench");
    const f = await measureApi(server.port, "bench", token, "/api/v1/me", quick ? 3 : 8);
    const ratio = f.api.requestsPerSecond / f.bare.requestsPerSecond;
    row(
      "bare Hono route",
      `${fmt(f.bare.requestsPerSecond, 0)} req/s, p99 ${fmt(f.bare.p99Ms, 2)} ms`,
      "baseline",
      null,
    );
    row(
      "authenticated tenant API (GET /api/v1/me, bearer)",
      `${fmt(f.api.requestsPerSecond, 0)} req/s, p99 ${
        fmt(f.api.p99Ms, 2)
      } ms, non-2xx ${f.api.non2xx}`,
      ">= 70% of bare",
      ratio >= 0.7,
    );
    row("  ratio api / bare", `${fmt(ratio * 100, 1)}%`, ">= 70%", ratio >= 0.7);
  } finally {
    await server.stop();
  }
} else {
  console.error("wrk is not installed (apt-get install -y wrk): skipping the HTTP figures.");
}

const n = quick ? 200 : 1000;
const p = await benchProvisioning(n);
row(
  `signup, mean over ${n} tenants (scrypt N=1024)`,
  `${fmt(p.signupMsMean, 2)} ms (p99 ${fmt(p.signupMsP99, 2)})`,
  "<= 20 ms",
  p.signupMsMean <= 20,
);
row(
  "  + password hash at production cost (N=32768)",
  `${fmt(p.passwordHashMs, 1)} ms`,
  "deliberately slow",
  null,
);
row(
  `migrate ${n} empty tenant databases`,
  `${fmt(p.migrateAllFromEmptyMs / 1000, 2)} s (${fmt(p.migrateAllFromEmptyMs / n, 2)} ms each)`,
  "",
  null,
);
row(
  "cold tenant first request",
  `p50 ${fmt(p.coldFirstRequestMsP50, 2)} ms, p99 ${fmt(p.coldFirstRequestMsP99, 2)} ms`,
  "<= 10 ms",
  p.coldFirstRequestMsP99 <= 10,
);
row(
  `RSS with ${n} tenants open`,
  `${fmt(p.rssMiBPoolFull)} MiB (baseline ${fmt(p.rssMiBBaseline)} MiB)`,
  "",
  null,
);
row(
  "RSS for 10,000 tenants (extrapolated)",
  `${fmt(p.rssMiBFor10kExtrapolated)} MiB`,
  "<= 300 MiB",
  p.rssMiBFor10kExtrapolated <= 300,
);

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log("\nProjectMeats benchmarks (2 cores, loopback, one run)\n");
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
