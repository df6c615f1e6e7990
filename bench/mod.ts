/**
 * @module bench/mod
 * `deno task bench`: every benchmark of the project in one run, printed as figures beside their
 * targets and as ratios to the bare Hono route measured in the same run. Not a pass/fail test.
 * `deno task bench --quick` shortens the runs (fewer tenants, shorter wrk runs).
 */
import { benchTenant, benchTenantWithId, measureApi, startBenchServer } from "./api_throughput.ts";
import { measureRecords, seedBusiness } from "./records.ts";
import type { WrkResult } from "./wrk.ts";
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
    const nosniffRatio = f.api.requestsPerSecond / f.bareNosniff.requestsPerSecond;
    row(
      "  bare Hono route + nosniff middleware (same run)",
      `${fmt(f.bareNosniff.requestsPerSecond, 0)} req/s (${
        fmt(f.bareNosniff.requestsPerSecond / f.bare.requestsPerSecond * 100, 1)
      }% of bare): api is ${fmt(nosniffRatio * 100, 1)}% of it`,
      "",
      null,
    );

    // The brokerage: 10,000 POs with lines and 5,000 invoices in one tenant.
    const counts = quick
      ? { purchaseOrders: 2000, invoices: 1000 }
      : { purchaseOrders: 10_000, invoices: 5_000 };
    // Its own server process (same machine, same run), so the figures do not carry the heap of
    // the platform runs above.
    const recordsServer = await startBenchServer();
    let seedMs = 0;
    let r;
    try {
      const records = await benchTenantWithId(recordsServer.port, "records");
      const seedStart = performance.now();
      await seedBusiness(`${recordsServer.dataDir}/tenants/${records.tenantId}.db`, counts);
      seedMs = performance.now() - seedStart;
      r = await measureRecords(recordsServer.port, "records", records.token, quick ? 3 : 8);
    } finally {
      await recordsServer.stop();
    }
    const pct = (x: WrkResult) =>
      `${fmt((x.requestsPerSecond / f.bare.requestsPerSecond) * 100, 1)}% of bare`;
    const line = (x: WrkResult) =>
      `${fmt(x.requestsPerSecond, 0)} req/s, p50 ${fmt(x.p50Ms, 2)} ms, p99 ${fmt(x.p99Ms, 2)} ms${
        x.non2xx ? `, NON-2XX ${x.non2xx}` : ""
      }`;
    row(
      `tenant with ${counts.purchaseOrders} POs, ${counts.invoices} invoices`,
      `seeded in ${fmt(seedMs / 1000, 1)} s`,
      "",
      null,
    );
    row(
      "PO list, filter + sort, 50 rows (50 conns)",
      `${line(r.list)} (${pct(r.list)})`,
      "p99 <= 10 ms, >= 5000 req/s",
      r.list.p99Ms <= 10 && r.list.requestsPerSecond >= 5000 && !r.list.non2xx,
    );
    row("  same, one connection", line(r.listSingle), "", null);
    row(
      "dashboard page (50 conns)",
      `${line(r.dashboard)} (${pct(r.dashboard)})`,
      "p99 <= 15 ms",
      r.dashboard.p99Ms <= 15 && !r.dashboard.non2xx,
    );
    row("  same, one connection", line(r.dashboardSingle), "", null);
    row(
      "global search (50 conns)",
      `${line(r.search)} (${pct(r.search)})`,
      "p99 <= 10 ms",
      r.search.p99Ms <= 10 && !r.search.non2xx,
    );
    row("  same, one connection", line(r.searchSingle), "", null);
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
  `server RSS, pool full (${p.poolSize} open), ${n} tenants served`,
  `${fmt(p.rssMiBPoolFull)} MiB (at start ${fmt(p.rssMiBBaseline)} MiB, +${
    fmt(p.rssMiBPerTenant * 1024, 1)
  } KiB per further tenant)`,
  "",
  null,
);
row(
  "server RSS for 10,000 tenants (extrapolated)",
  `${fmt(p.rssMiBFor10kExtrapolated)} MiB`,
  "<= 300 MiB",
  p.rssMiBFor10kExtrapolated <= 300,
);

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log("\nProjectMeats benchmarks (2 cores, loopback, one run)\n");
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  "));
