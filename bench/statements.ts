/**
 * @module bench/statements
 * Which SQL statements the mixed load's time goes to: one bench server timing every statement
 * (BENCH_STATEMENT_TOTALS=1), the tenants provisioned and warmed as `deno task bench` does, then
 * the mix for a while (flat out, or offered at a rate), and the statements by total time, with
 * their count, mean and slowest. A developer's tool, outside `deno task bench`:
 *
 *   deno run -A bench/statements.ts [tenants=300] [seconds=10] [rate] [top=25]
 *
 * Statements are keyed by their SQL text, so a statement built per call (an IN list of varying
 * length) shows once per shape. Times include reading the rows into JavaScript values.
 */
import { startBenchServer } from "./api_throughput.ts";
import { provisionMixedTenants, runMixedLoad, warmMixedLoad } from "./mixed_load.ts";

interface StatementTotal {
  sql: string;
  count: number;
  ms: number;
  maxMs: number;
}

/** The totals as a table, largest first, with each one's share of all statement time. */
export function statementTable(totals: StatementTotal[], top: number): string {
  const all = totals.reduce((sum, t) => sum + t.ms, 0);
  const rows = [...totals].sort((a, b) => b.ms - a.ms).slice(0, top).map((t) =>
    `${(t.ms / all * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${
      String(t.count).padStart(7)
    } x  mean ${(t.ms / t.count * 1000).toFixed(0).padStart(6)} us  max ${
      t.maxMs.toFixed(1).padStart(6)
    } ms  ${t.sql.replace(/\s+/g, " ").slice(0, 110)}`
  );
  return [`all statements: ${all.toFixed(0)} ms`, ...rows].join("\n");
}

if (import.meta.main) {
  const [tenantCount = "300", seconds = "10", rate = "", top = "25"] = Deno.args;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = await startBenchServer({
    PORT: String(port),
    TENANT_POOL_SIZE: String(Math.max(Number(tenantCount), 16)),
    BENCH_STATEMENT_TOTALS: "1",
  });
  try {
    const tenants = await provisionMixedTenants(port, Number(tenantCount), { runs: 3 });
    await warmMixedLoad(server.ownPort, tenants);
    await runMixedLoad(port, tenants, { run: 0, seconds: 3 });
    await fetch(`http://127.0.0.1:${port + 1}/statements`).then((r) => r.body?.cancel());
    const result = await runMixedLoad(port, tenants, {
      run: 1,
      seconds: Number(seconds),
      ...(rate ? { rate: Number(rate) } : {}),
    });
    const totals: StatementTotal[] = await (await fetch(`http://127.0.0.1:${port + 1}/statements`))
      .json();
    console.log(
      `${tenantCount} tenants, ${rate ? `${rate} req/s offered` : "flat out"}: ${
        result.requestsPerSecond.toFixed(0)
      } req/s (${result.requests} requests), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
    );
    console.log(statementTable(totals, Number(top)));
  } finally {
    await server.stop();
  }
}
