/**
 * @module bench/pause_trace
 * What the bench server was doing when a request was slow (BENCH_TRACE_PAUSES=1, read by
 * bench/pauses.ts). Kept in memory, handed over by `GET /pauses` on the bare port:
 * - every request's start, end and path (the server side of its latency);
 * - event-loop stalls: a 2 ms timer that notes how late it fired (a late timer is a task that
 *   held the thread: a synchronous commit, a collection, a long render);
 * - slow statements and connection opens (db/local_client.ts observeSlowStatements), a COMMIT
 *   among them being SQLite's automatic WAL checkpoint, which runs inside the commit;
 * - the pool's opens and evictions at each request's start and end.
 * Garbage collections come from V8's own `--trace-gc` lines on the server's stdout; each reset is
 * followed by a full collection (`gc()`, "testing" in the trace) that lines V8's clock up with
 * this one.
 */
import { observeSlowStatements } from "../db/local_client.ts";
import type { TenantPool } from "../tenants/pool.ts";

export interface TracedRequest {
  at: number;
  ms: number;
  path: string;
  /** Pool opens (cold tenants) that happened while it ran. */
  opens: number;
}

export interface PauseEvents {
  /** performance.now() when the trace was last reset. */
  since: number;
  /** performance.now() of this reset (the next trace's `since`), handed over with the events. */
  resetAt?: number;
  requests: TracedRequest[];
  /**
   * Timer lateness over 4 ms: when the stall began, how long it lasted, and of that how long this
   * thread ran (`cpuMs`) and waited for a core other processes had (`waitMs`, the kernel's
   * run-queue wait from /proc/thread-self/schedstat): on a shared machine a stall can be no work
   * of ours at all.
   */
  stalls: Array<{ at: number; ms: number; cpuMs: number; waitMs: number }>;
  statements: Array<{ at: number; ms: number; sql: string }>;
  /** Checkpoints db/checkpointer.ts ran on its thread (not skipped), with their frames. */
  checkpoints?: Array<{ ms: number; frames: number }>;
}

const TICK_MS = 2;

/** This thread's time on a core and waiting for one, in nanoseconds since it started. */
function schedstat(): { runNs: number; waitNs: number } {
  const [run, wait] = Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ");
  return { runNs: Number(run), waitNs: Number(wait) };
}

/** Wraps `handler` to trace it; `pauses()` answers and resets the trace. */
export function tracePauses<A extends unknown[]>(
  handler: (req: Request, ...rest: A) => Response | Promise<Response>,
  pool: TenantPool,
): {
  handler: (req: Request, ...rest: A) => Promise<Response>;
  pauses: () => PauseEvents;
  checkpointed: (ms: number, frames: number) => void;
} {
  let events: PauseEvents = {
    since: performance.now(),
    requests: [],
    stalls: [],
    statements: [],
    checkpoints: [],
  };
  observeSlowStatements({
    thresholdMs: 2,
    observe: (sql, at, ms) => events.statements.push({ at, ms, sql: sql.slice(0, 80) }),
  });
  let expected = performance.now() + TICK_MS;
  let last = schedstat();
  setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    const sched = schedstat();
    if (late > 4) {
      events.stalls.push({
        at: expected,
        ms: late,
        cpuMs: (sched.runNs - last.runNs) / 1e6,
        waitMs: (sched.waitNs - last.waitNs) / 1e6,
      });
    }
    last = sched;
    expected = now + TICK_MS;
  }, TICK_MS);
  return {
    async handler(req, ...rest) {
      const at = performance.now();
      const opens = pool.opens;
      try {
        return await handler(req, ...rest);
      } finally {
        const ms = performance.now() - at;
        const url = req.url;
        const path = url.slice(url.indexOf("/", 8), url.indexOf("?") >>> 0);
        events.requests.push({ at, ms, path: `${req.method} ${path}`, opens: pool.opens - opens });
      }
    },
    pauses() {
      const resetAt = performance.now();
      const out = { ...events, resetAt };
      events = { since: resetAt, requests: [], stalls: [], statements: [], checkpoints: [] };
      return out;
    },
    checkpointed(ms: number, frames: number) {
      events.checkpoints!.push({ ms, frames });
    },
  };
}
