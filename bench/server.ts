/**
 * @module bench/server
 * The process wrk measures: the real app on PORT and, in the same process, a bare Hono route on
 * PORT+1, so both figures share the runtime and the machine's state in one run.
 */
import { Hono } from "hono";
import { loadConfig } from "../config.ts";
import { createServices } from "../services.ts";
import { createApp } from "../app.ts";
import { join } from "node:path";
import { LocalDatabaseProvider } from "../tenants/database_provider.ts";
import { type PauseEvents, tracePauses } from "./pause_trace.ts";
import { startBackgroundCheckpoints } from "../db/checkpointer.ts";
import { observeSlowStatements } from "../db/local_client.ts";

const config = loadConfig();
// As main.ts: WAL checkpoints on a thread of their own. BENCH_SQLITE_CHECKPOINTS=1 leaves them to
// SQLite (inside the commit that fills the log), the "before" of bench/pauses.ts.
// Checkpoints done on the thread are counted in the pause trace (through a late-bound `traced`).
let checkpointed: ((ms: number, frames: number) => void) | null = null;
if (Deno.env.get("BENCH_SQLITE_CHECKPOINTS") !== "1") {
  startBackgroundCheckpoints({
    onCheckpoint: (r) => r.skipped || checkpointed?.(r.ms, r.checkpointedFrames),
  });
}
// BENCH_PLAIN_TENANTS=1: tenant databases without encryption at rest, the baseline that
// bench/encryption.ts measures the encrypted ones against. Only here; the app has no such switch.
const plainTenants = Deno.env.get("BENCH_PLAIN_TENANTS") === "1";
const services = await createServices(
  config,
  plainTenants ? { provider: new LocalDatabaseProvider(join(config.DATA_DIR, "tenants")) } : {},
);
// BENCH_NO_METRICS=1: requests are not counted (no metrics, no alert tally), the "without" of
// bench/metrics_overhead.ts. Only here; the app has no such switch.
if (Deno.env.get("BENCH_NO_METRICS") === "1") services.metrics.observeRequest = () => {};
// BENCH_UNCOUNTED_PORT: the same app in this same process also answers there with counting off,
// so bench/metrics_overhead.ts compares with and without in one process (same JIT, pool, tenant
// and token), alternating runs between the two ports. Each listener sets the switch as a request
// arrives; the runs never overlap, so every request of a run is counted or not as its port says.
const uncountedPort = Number(Deno.env.get("BENCH_UNCOUNTED_PORT") ?? 0);
// BENCH_TOGGLE_MS: counting switches on and off every that many ms on PORT while a single wrk run
// goes on (on, off, off, on, ...: each pair of blocks swaps which goes first), and each switch
// notes the block's length, the process's CPU time and the requests it answered. GET /blocks on
// PORT+1 hands the notes over (bench/metrics_overhead.ts): pairs 100 ms apart, not seconds.
const toggleMs = Number(Deno.env.get("BENCH_TOGGLE_MS") ?? 0);
let counting = true;
let answered = 0;
if (uncountedPort || toggleMs) {
  const observe = services.metrics.observeRequest.bind(services.metrics);
  // Named parameters, not a rest array: the switch itself must not allocate per request.
  services.metrics.observeRequest = (method, route, status, tenant, seconds) => {
    if (counting) observe(method, route, status, tenant, seconds);
  };
}
const app = createApp(services);
// BENCH_TRACE_PAUSES=1: requests, event-loop stalls and slow statements are traced, GET /pauses on
// PORT+1 hands them over (bench/pauses.ts).
const traced = Deno.env.get("BENCH_TRACE_PAUSES") === "1"
  ? tracePauses((req: Request, info: Deno.ServeHandlerInfo) => app.fetch(req, info), services.pool)
  : null;
checkpointed = traced?.checkpointed ?? null;
// BENCH_REUSE_PORT=1: several bench processes listen on one port (SO_REUSEPORT) and the kernel
// spreads connections over them: the two-process figure of the mixed load.
const reusePort = Deno.env.get("BENCH_REUSE_PORT") === "1";
Deno.serve(
  { port: config.PORT, hostname: "127.0.0.1", reusePort, onListen() {} },
  uncountedPort
    ? (req, info) => {
      counting = true;
      return app.fetch(req, info);
    }
    : toggleMs
    ? (req, info) => {
      answered++;
      return app.fetch(req, info);
    }
    : traced
    ? traced.handler
    : (req, info) => app.fetch(req, info),
);
/** One block of BENCH_TOGGLE_MS: counting or not, its length, CPU and requests. */
interface Block {
  /** Blocks 4k and 4k+3 count, 4k+1 and 4k+2 do not. */
  index: number;
  counting: boolean;
  ms: number;
  cpuNs: number;
  requests: number;
}
const blocks: Block[] = [];
if (toggleMs) {
  // CPU of every thread of this process so far (the HTTP layer, GC helpers), in nanoseconds.
  const cpuNs = () => {
    let total = 0;
    for (const task of Deno.readDirSync("/proc/self/task")) {
      try {
        total += Number(
          Deno.readTextFileSync(`/proc/self/task/${task.name}/schedstat`).split(" ")[0],
        );
      } catch { /* the thread ended meanwhile */ }
    }
    return total;
  };
  let index = 0;
  let last = { at: performance.now(), cpu: cpuNs(), answered };
  setInterval(() => {
    const now = { at: performance.now(), cpu: cpuNs(), answered };
    blocks.push({
      index,
      counting,
      ms: now.at - last.at,
      cpuNs: now.cpu - last.cpu,
      requests: now.answered - last.answered,
    });
    // Nobody fetches the notes of an idle server for long: keep the last ten minutes at most.
    if (blocks.length > 600_000 / toggleMs) blocks.shift();
    last = now;
    index++;
    counting = index % 4 === 0 || index % 4 === 3;
  }, toggleMs);
}
if (uncountedPort) {
  Deno.serve({ port: uncountedPort, hostname: "127.0.0.1", onListen() {} }, (req, info) => {
    counting = false;
    return app.fetch(req, info);
  });
}

// BENCH_OWN_PORT: this process alone also serves the app there (no SO_REUSEPORT), so the mixed
// load can warm each process of a two-process run in turn (bench/mixed_load.ts warmMixedLoad).
const ownPort = Number(Deno.env.get("BENCH_OWN_PORT") ?? 0);
if (ownPort) {
  Deno.serve(
    { port: ownPort, hostname: "127.0.0.1", onListen() {} },
    (req, info) => app.fetch(req, info),
  );
}

// BENCH_STATEMENT_TOTALS=1: every statement of every tenant and the control database timed and
// summed by its SQL; GET /statements on PORT+1 hands the totals over and starts again
// (bench/statements.ts). Not with BENCH_TRACE_PAUSES, which observes the slow ones itself.
const statementTotals = new Map<string, { count: number; ms: number; maxMs: number }>();
if (Deno.env.get("BENCH_STATEMENT_TOTALS") === "1" && !traced) {
  observeSlowStatements({
    thresholdMs: 0,
    observe(sql, _startedAt, ms) {
      let total = statementTotals.get(sql);
      if (!total) statementTotals.set(sql, total = { count: 0, ms: 0, maxMs: 0 });
      total.count++;
      total.ms += ms;
      if (ms > total.maxMs) total.maxMs = ms;
    },
  });
}

const bare = new Hono();
bare.get("/", (c) => c.json({ hello: "world" }));
bare.get("/statements", (c) => {
  const totals = [...statementTotals].map(([sql, t]) => ({ sql, ...t }));
  statementTotals.clear();
  return c.json(totals);
});
bare.get("/blocks", (c) => c.json(blocks.splice(0)));
bare.get("/pauses", (c) => {
  const events: PauseEvents | null = traced?.pauses() ?? null;
  (globalThis as { gc?: () => void }).gc?.(); // its --trace-gc line marks the same instant
  // ?reset: only the instant, so serialising what came before does not stall the next trace.
  return c.json(c.req.query("reset") === undefined ? events : { resetAt: events?.resetAt });
});
// The same route plus the one header every response of the app must carry (nosniff), added the
// cheapest way a Hono app can: a middleware that sets it on the finished response. On Deno a
// response with any header beyond content-type leaves the runtime's fastest path, so this is the
// fair floor for any app that sends nosniff.
bare.use("/nosniff", async (c, next) => {
  await next();
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});
bare.get("/nosniff", (c) => c.json({ hello: "world" }));
Deno.serve(
  { port: config.PORT + 1, hostname: "127.0.0.1", reusePort, onListen() {} },
  bare.fetch,
);
// The same bare routes on a port of this process alone (BENCH_OWN_PORT + 1): with two processes on
// PORT + 1, a benchmark asks each for its own notes there (bench/statements.ts --two).
if (ownPort) {
  Deno.serve({ port: ownPort + 1, hostname: "127.0.0.1", onListen() {} }, bare.fetch);
}
// The memory benchmark asks for a full collection before it reads RSS (SIGUSR1 would start the inspector), so that it measures what
// the process keeps rather than garbage not yet collected.
Deno.addSignalListener("SIGUSR2", () => (globalThis as { gc?: () => void }).gc?.());
console.log("ready");
