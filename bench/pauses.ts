/**
 * @module bench/pauses
 * Where the mixed load's slow requests go, by cause: one bench server with `--trace-gc` and
 * BENCH_TRACE_PAUSES=1 (bench/pause_trace.ts), a few tenants, the mix offered below saturation
 * (connections pause between requests), then every event-loop stall and every request over 20 ms
 * laid beside what happened meanwhile: garbage collections (scavenges or mark-compacts), slow
 * statements (a COMMIT that ran SQLite's WAL checkpoint, a connection open), tenant opens, or
 * none of those (JavaScript of the app itself: rendering, JSON). Raw percentiles swing on a
 * shared machine; the causes do not. A developer's tool, outside `deno task bench`:
 *
 *   deno run -A bench/pauses.ts [tenants=200] [seconds=20] [rate] [KEY=VALUE ...] [--v8=FLAG ...]
 *
 * Without a rate, a 5-second flat-out run finds the throughput and half of it is offered (as
 * bench/mixed_load.ts's paced figure). KEY=VALUE goes to the server's environment, `--v8=` flags
 * to V8 (e.g. `--v8=--max-semi-space-size=32`), so settings can be compared run against run.
 * `--profile` also takes a V8 CPU profile of the paced run (sampled every 250 µs, written to a
 * temporary file) and prints its long tasks with the functions that ran in them
 * (bench/long_tasks.ts): what a stall was, not only what overlapped it. `PAUSES_DUMP=<file>` in
 * this tool's own environment writes the run's raw events (every request's start, length and
 * path; every stall; slow statements) there as JSON, for questions the summary does not answer.
 */
import { startBenchServer } from "./api_throughput.ts";
import { provisionMixedTenants, runMixedLoad, warmMixedLoad } from "./mixed_load.ts";
import type { PauseEvents } from "./pause_trace.ts";
import { type CpuProfile, describeLongTasks, longTasks } from "./long_tasks.ts";
import { inspector } from "./profile_mixed.ts";
import { benchPort } from "./ports.ts";

/** One collection from a `--trace-gc` line, on the server's performance.now() clock. */
export interface Collection {
  kind: string;
  start: number;
  ms: number;
  heapAfterMb: number;
  /** V8's reason, e.g. "allocation failure", "finalize incremental marking via task". */
  reason: string;
}

/** A process's resident memory in MB (every tenant open in its pool after the run). */
function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The CPU time (ms) of a process's main thread, the one that runs JavaScript and SQL. */
function threadCpuMs(pid: number): number {
  return Number(Deno.readTextFileSync(`/proc/${pid}/task/${pid}/schedstat`).split(" ")[0]) / 1e6;
}

/** How long the server is left alone between the trace's reset and the run. */
const SETTLE_MS = 3000;

const GC_LINE =
  /\s(\d+) ms: ([A-Za-z][A-Za-z -]*?(?: \(reduce\))?) ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB,.*?([\d.]+) \/ ([\d.]+) ms/;

/**
 * The collections V8 traced between the last two resets of the trace (the first at `from` on the
 * server's performance.now() clock), moved onto that clock. Each reset asks for a full
 * collection right after it ("testing" in the trace): the first one's start is `from` there.
 */
export function collectionsBetween(
  stdout: string,
  from: number,
): { gcs: Collection[]; markMs: number } {
  const all = [];
  for (const line of stdout.split("\n")) {
    const m = GC_LINE.exec(line);
    if (!m) continue;
    const reason = /current mu = [\d.]+\) (.*?);/.exec(line)?.[1] ?? "";
    all.push({
      kind: m[2]!,
      end: Number(m[1]),
      ms: Number(m[7]),
      heapAfterMb: Number(m[5]),
      reason,
    });
  }
  const marks = all.filter((gc) => gc.reason === "testing");
  if (marks.length < 2) throw new Error(`expected two marking collections, saw ${marks.length}`);
  const [first, second] = [marks.at(-2)!, marks.at(-1)!];
  const offset = first.end - first.ms - from;
  const gcs = all.filter((gc) => gc.end > first.end && gc.end - gc.ms < second.end - second.ms).map(
    (
      gc,
    ) => ({
      kind: gc.kind,
      start: gc.end - gc.ms - offset,
      ms: gc.ms,
      heapAfterMb: gc.heapAfterMb,
      reason: gc.reason,
    }),
  );
  return { gcs, markMs: first.ms };
}

interface Interval {
  at: number;
  ms: number;
}
const overlaps = (a: Interval, b: Interval) => a.at < b.at + b.ms + 1 && b.at < a.at + a.ms + 1;

/** What overlapped `span`: the largest collection or slow statement, else the app's own work. */
export function causeOf(
  span: Interval,
  gcs: Collection[],
  statements: PauseEvents["statements"],
): string {
  let best = { label: "app JavaScript (no collection, no slow statement)", ms: 0 };
  for (const gc of gcs) {
    if (overlaps(span, { at: gc.start, ms: gc.ms }) && gc.ms > best.ms) {
      best = { label: `GC ${gc.kind}`, ms: gc.ms };
    }
  }
  for (const s of statements) {
    if (overlaps(span, s) && s.ms > best.ms) {
      const kind = /^COMMIT/i.test(s.sql)
        ? "COMMIT over 2 ms (a checkpoint, or a log restart's sync)"
        : s.sql === "(open)"
        ? "connection open"
        : "slow statement";
      best = { label: kind, ms: s.ms };
    }
  }
  return best.label;
}

function tally(rows: Array<{ cause: string; ms: number; cpuMs?: number }>): string {
  const by = new Map<string, { n: number; sum: number; max: number; cpu: number }>();
  for (const r of rows) {
    const t = by.get(r.cause) ?? { n: 0, sum: 0, max: 0, cpu: 0 };
    t.n++;
    t.sum += r.ms;
    t.cpu += r.cpuMs ?? 0;
    t.max = Math.max(t.max, r.ms);
    by.set(r.cause, t);
  }
  return [...by].sort((a, b) => b[1].sum - a[1].sum).map(([cause, t]) =>
    `  ${String(t.n).padStart(5)} x  sum ${t.sum.toFixed(0).padStart(6)} ms  max ${
      t.max.toFixed(1).padStart(6)
    } ms${
      rows[0]?.cpuMs === undefined ? "" : `  on-core ${t.cpu.toFixed(0).padStart(5)} ms`
    }  ${cause}`
  ).join("\n");
}

/** A stall is the neighbours' when this thread spent most of it waiting for a core. */
function stallCause(
  s: PauseEvents["stalls"][number],
  gcs: Collection[],
  statements: PauseEvents["statements"],
): string {
  if (s.waitMs > s.cpuMs) return "waiting for a core (other processes)";
  return causeOf(s, gcs, statements);
}

/**
 * How much of the stalls' time request handlers were running (the union of their spans inside
 * each stall): a stall that handlers fill is requests queued behind each other, one they leave
 * empty is other work on the thread.
 */
export function handlerCoverage(
  stalls: ReadonlyArray<{ at: number; ms: number }>,
  requests: ReadonlyArray<{ at: number; ms: number }>,
): { stallMs: number; handlerMs: number } {
  let stallMs = 0;
  let handlerMs = 0;
  for (const stall of stalls) {
    const from = stall.at;
    const to = stall.at + stall.ms;
    stallMs += stall.ms;
    const spans = requests
      .filter((r) => r.at < to && r.at + r.ms > from)
      .map((r) => [Math.max(from, r.at), Math.min(to, r.at + r.ms)] as const)
      .sort((a, b) => a[0] - b[0]);
    let reached = from;
    for (const [start, end] of spans) {
      const begin = Math.max(start, reached);
      if (end > begin) {
        handlerMs += end - begin;
        reached = end;
      }
    }
  }
  return { stallMs, handlerMs };
}

function gcSummary(gcs: Collection[]): string {
  const by = new Map<string, number[]>();
  for (const gc of gcs) {
    const key = `${gc.kind} (${gc.reason.replace(/ in old space requested| \(.*\)/g, "")})`;
    by.set(key, [...by.get(key) ?? [], gc.ms]);
  }
  return [...by].map(([kind, ms]) => {
    const sorted = ms.sort((a, b) => a - b);
    const sum = sorted.reduce((a, b) => a + b, 0);
    return `  ${kind}: ${sorted.length} x, sum ${sum.toFixed(0)} ms, median ${
      sorted[sorted.length >> 1]!.toFixed(1)
    } ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
  }).join("\n") + `\n  heap after the last: ${gcs.at(-1)?.heapAfterMb ?? "?"} MB`;
}

if (import.meta.main) {
  const positional = Deno.args.filter((a) => !a.includes("=") && !a.startsWith("--"));
  const [tenantCount = "200", seconds = "20", rateArg] = positional;
  const env = Object.fromEntries(
    Deno.args.filter((a) => /^[A-Z_]+=/.test(a)).map((a) => a.split(/=(.*)/s).slice(0, 2)),
  );
  const v8Flags = Deno.args.filter((a) => a.startsWith("--v8=")).map((a) => a.slice(5));
  const profiling = Deno.args.includes("--profile");
  const inspectPort = profiling ? 9300 + Math.floor(Math.random() * 500) : undefined;
  const port = benchPort();
  let stdout = "";
  const server = await startBenchServer({
    TENANT_POOL_SIZE: "1024",
    ...env,
    PORT: String(port),
    BENCH_TRACE_PAUSES: "1",
  }, { v8Flags: ["--trace-gc", ...v8Flags], onStdout: (t) => (stdout += t), inspectPort });
  try {
    const tenants = await provisionMixedTenants(port, Number(tenantCount), { runs: 3 });
    await warmMixedLoad(server.ownPort, tenants);
    let rate = Number(rateArg ?? 0);
    if (!rate) {
      const flat = await runMixedLoad(port, tenants, { run: 0, seconds: 5 });
      rate = Math.max(1, Math.round(flat.requestsPerSecond / 2));
      console.log(`flat out: ${flat.requestsPerSecond.toFixed(0)} req/s, p99 ${flat.p99Ms} ms`);
    }
    const pauses = (query = "") =>
      fetch(`http://127.0.0.1:${port + 1}/pauses${query}`).then((r) => r.json());
    // Attaching the profiler and starting it hold the thread for a few hundred ms (V8 logs every
    // compiled function): done a second before the trace starts, so that stall is not traced.
    const cdp = inspectPort ? await inspector(inspectPort) : null;
    let profiledFrom = 0;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
      await cdp.send("Profiler.start");
      profiledFrom = performance.now();
      await new Promise((r) => setTimeout(r, 1000));
    }
    const resetSentAt = performance.now();
    const lead = profiledFrom ? resetSentAt - profiledFrom : 0;
    const from = (await pauses("?reset") as PauseEvents).resetAt!; // the trace covers the paced run alone
    // The reset's full collection (over a heap of 1,000 tenants, over a second) leaves work behind
    // it (finalizers of the native handles it freed, sweeping): the server settles before the
    // run, and what it did meanwhile, with no request, is counted apart.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const runFrom = from + (performance.now() - resetSentAt);
    const load = [(await Deno.readTextFile("/proc/loadavg")).split(" ")[0]];
    const cpuBefore = threadCpuMs(server.pid);
    const paced = await runMixedLoad(port, tenants, { run: 1, seconds: Number(seconds), rate });
    const cpuMs = threadCpuMs(server.pid) - cpuBefore;
    const profile = cdp ? (await cdp.send<{ profile: CpuProfile }>("Profiler.stop")).profile : null;
    cdp?.close();
    load.push((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]);
    const events: PauseEvents = await pauses();
    const dump = Deno.env.get("PAUSES_DUMP");
    if (dump) await Deno.writeTextFile(dump, JSON.stringify(events));
    await new Promise((r) => setTimeout(r, 300)); // the marking collection's line reaches stdout
    const { gcs, markMs } = collectionsBetween(stdout, from);
    // The trace's own marking collection holds the thread right after the reset: not the app's.
    const after = (x: { at: number }) => x.at > runFrom;
    const settling = events.stalls.filter((s) =>
      s.at > from + markMs + 5 && !after(s) && s.ms > 10
    );
    console.log(
      `stalls over 10 ms while the server settled after the trace's full collection (${markMs} ms` +
        `, no request): ${settling.length}${
          settling.length
            ? ` (${
              settling.map((s) =>
                `${s.ms.toFixed(0)} ms (${s.cpuMs.toFixed(0)} on core) at +${
                  (s.at - from).toFixed(0)
                } ms`
              )
                .join(", ")
            })`
            : ""
        }`,
    );
    events.stalls = events.stalls.filter(after);
    events.requests = events.requests.filter(after);
    const slow = events.requests.filter((r) => r.ms > 20);
    const stalls = events.stalls.filter((s) => s.ms > 10);
    console.log(
      `${tenantCount} tenants, offered ${rate} req/s for ${seconds} s, load ${
        load.join(" -> ")
      }: ` +
        `${
          paced.requestsPerSecond.toFixed(0)
        } req/s, p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms, ` +
        `non-2xx ${paced.non2xx}; server resident ${rssMb(server.pid).toFixed(0)} MB`,
    );
    console.log(
      `the server's JavaScript thread: ${(cpuMs / 1000).toFixed(2)} s on a core, ${
        (cpuMs / Math.max(1, paced.requests)).toFixed(2)
      } ms per request (what the neighbours do not inflate, unlike the percentiles)`,
    );
    console.log(`collections during the run:\n${gcSummary(gcs)}`);
    console.log(
      `statements over 2 ms: ${events.statements.length}` +
        (events.statements.length ? "\n" : "") +
        tally(events.statements.map((s) => ({
          cause: s.sql.slice(0, 60).replace(/\s+/g, " "),
          ms: s.ms,
        }))).split("\n").slice(0, 12).join("\n"),
    );
    const done = events.checkpoints ?? [];
    console.log(
      `checkpoints on the checkpointer's thread: ${done.length}` +
        (done.length
          ? `, ${done.reduce((a, c) => a + c.frames, 0)} frames, ${
            done.reduce((a, c) => a + c.ms, 0).toFixed(0)
          } ms in all, max ${Math.max(...done.map((c) => c.ms)).toFixed(1)} ms`
          : ""),
    );
    const coverage = handlerCoverage(stalls, events.requests);
    console.log(
      `event-loop stalls over 10 ms: ${coverage.stallMs.toFixed(0)} ms in all, of which request ` +
        `handlers ran for ${coverage.handlerMs.toFixed(0)} ms (the rest is the thread's other ` +
        "work: collections, after-commit work, timers, the runtime)",
    );
    console.log(`event-loop stalls over 10 ms: ${stalls.length}, by cause:`);
    console.log(tally(stalls.map((s) => ({
      cause: stallCause(s, gcs, events.statements),
      ms: s.ms,
      cpuMs: s.cpuMs,
    }))));
    const onCore = stalls.filter((s) => s.cpuMs >= 10);
    console.log(`stalls with 10 ms or more on the core: ${onCore.length}, by cause:`);
    console.log(tally(onCore.map((s) => ({
      cause: causeOf(s, gcs, events.statements),
      ms: s.cpuMs,
      cpuMs: s.cpuMs,
    }))));
    // The longest stalls on the core, with the requests that were in flight across them.
    for (const st of [...onCore].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5)) {
      const inFlight = events.requests.filter((r) => overlaps(r, st)).map((r) =>
        `${r.path.replace(/\/[0-9a-z]{26}/gi, "/:id")} ${r.ms.toFixed(0)} ms`
      );
      console.log(
        `  stall at +${((st.at - runFrom) / 1000).toFixed(2)} s: ${
          st.cpuMs.toFixed(0)
        } ms on core (${causeOf(st, gcs, events.statements)}); in flight: ${
          inFlight.join(", ") || "no request (a timer or background task)"
        }`,
      );
    }
    console.log(
      `requests over 20 ms (server side): ${slow.length} of ${events.requests.length}, by cause:`,
    );
    console.log(tally(slow.map((r) => ({
      cause: r.opens ? "tenant open" : causeOf(r, gcs, events.statements),
      ms: r.ms,
    }))));
    const byPath = new Map<string, number>();
    for (const r of slow) {
      const route = r.path.replace(/\/[0-9a-z]{26}/gi, "/:id");
      byPath.set(route, (byPath.get(route) ?? 0) + 1);
    }
    console.log(`slow requests by route: ${JSON.stringify(Object.fromEntries(byPath))}`);
    if (profile) {
      const file = await Deno.makeTempFile({ prefix: "pauses-", suffix: ".cpuprofile" });
      await Deno.writeTextFile(file, JSON.stringify(profile));
      console.log(
        `CPU profile of the paced run: ${file} (Chrome DevTools opens it); the trace's reset at ` +
          `+${(lead / 1000).toFixed(2)} s in it, the run from +${
            ((lead + runFrom - from) / 1000).toFixed(2)
          } s`,
      );
      // From the run's start, give or take the few ms of a request; the settling is left out.
      const tasks = longTasks(profile, 10)
        .map((t) => ({ ...t, at: t.at - lead - (runFrom - from) }))
        .filter((t) => t.at > 0);
      console.log(
        `long tasks in the CPU profile (>= 10 ms without going idle): ${tasks.length}, ${
          tasks.reduce((a, t) => a + t.ms, 0).toFixed(0)
        } ms in all; the longest:\n${describeLongTasks(tasks)}`,
      );
    }
    if (Deno.env.get("PAUSES_OUT")) {
      await Deno.writeTextFile(Deno.env.get("PAUSES_OUT")!, JSON.stringify({ events, gcs }));
    }
  } finally {
    await server.stop();
  }
}
