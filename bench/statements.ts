/**
 * @module bench/statements
 * Which SQL statements the mixed load's time goes to: one bench server timing every statement
 * (BENCH_STATEMENT_TOTALS=1), the tenants provisioned and warmed as `deno task bench` does, then
 * the mix for a while (flat out, or offered at a rate), and the statements by total time, with
 * their count, mean and slowest. A developer's tool, outside `deno task bench`:
 *
 *   deno run -A bench/statements.ts [tenants=300] [seconds=10] [rate] [top=25] [--two]
 *
 * `--two`: two app processes on one port (SO_REUSEPORT) over the same data folder, as the mixed
 * load's two-process figure runs, and the statements of both summed: what sharing each tenant's
 * database file between processes costs per statement.
 *
 * Statements are keyed by their SQL text, so a statement built per call (an IN list of varying
 * length) shows once per shape. Times include reading the rows into JavaScript values.
 */
import { startBenchServer } from "./api_throughput.ts";
import { provisionMixedTenants, runMixedLoad, warmMixedLoad } from "./mixed_load.ts";
import { benchPort } from "./ports.ts";

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

/** Each process's totals (fetched from its own bare port), summed by SQL. */
async function totalsOf(ports: number[]): Promise<StatementTotal[]> {
  const sum = new Map<string, StatementTotal>();
  for (const port of ports) {
    for (const t of await (await fetch(`http://127.0.0.1:${port}/statements`)).json()) {
      const had = sum.get(t.sql);
      sum.set(
        t.sql,
        had
          ? {
            ...had,
            count: had.count + t.count,
            ms: had.ms + t.ms,
            maxMs: Math.max(had.maxMs, t.maxMs),
          }
          : t,
      );
    }
  }
  return [...sum.values()];
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => a !== "--two");
  const two = Deno.args.includes("--two");
  const [tenantCount = "300", seconds = "10", rate = "", top = "25"] = args;
  const port = benchPort();
  const env = {
    PORT: String(port),
    TENANT_POOL_SIZE: String(Math.max(Number(tenantCount), 16)),
    BENCH_STATEMENT_TOTALS: "1",
    BENCH_REUSE_PORT: two ? "1" : "0",
  };
  const server = await startBenchServer(env, { keepDataDir: true });
  const servers = [server];
  try {
    const tenants = await provisionMixedTenants(port, Number(tenantCount), { runs: 3 });
    await warmMixedLoad(server.ownPort, tenants);
    if (two) {
      // Both processes' bare routes share PORT + 1: each process's totals are read on its own
      // port instead (BENCH_OWN_PORT + 1, bench/server.ts), so each is asked once.
      const other = await startBenchServer({ ...env, DATA_DIR: server.dataDir }, {
        keepDataDir: true,
      });
      servers.push(other);
      await warmMixedLoad(other.ownPort, tenants);
    }
    await runMixedLoad(port, tenants, { run: 0, seconds: 3 });
    const statementPorts = servers.map((s) => s.ownPort + 1);
    await totalsOf(statementPorts);
    const result = await runMixedLoad(port, tenants, {
      run: 1,
      seconds: Number(seconds),
      ...(rate ? { rate: Number(rate) } : {}),
    });
    const totals = await totalsOf(statementPorts);
    console.log(
      `${tenantCount} tenants, ${two ? "two processes" : "one process"}, ${
        rate ? `${rate} req/s offered` : "flat out"
      }: ${
        result.requestsPerSecond.toFixed(0)
      } req/s (${result.requests} requests), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
    );
    console.log(statementTable(totals, Number(top)));
  } finally {
    for (const s of servers.reverse()) await s.stop();
    await Deno.remove(server.dataDir, { recursive: true }).catch(() => {});
  }
}
