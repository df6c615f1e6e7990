/**
 * @module plugins/host/sandbox_worker
 * The inside of one sandbox worker (started by sandbox_pool.ts with every permission denied but
 * reading its own two modules): the QuickJS sandboxes of many plugins, compiled from the engine
 * bytes the host sends first. Each call runs in its plugin's `Sandbox`; its `host.*` calls travel
 * to the host as messages and their answers come back the same way. The worker holds no tenant
 * data and no handle on anything: if the host terminates it, only the calls in it are lost.
 *
 * Messages travel in batches, both ways: waking a thread costs far more than the message (on a
 * loaded machine, a wait in the scheduler's queue each time), so the worker collects what its
 * calls say while any of them can still run, and posts it in one message once all wait for host
 * answers or are done. Only what can be redone waits while plugin code runs, though: a call that
 * never yields (a long native operation) gets the worker killed, and the writes and fetches asked
 * before it, and the answers of calls that made them, must have reached the host by then; a call
 * that only read is run again in a new worker (sandbox_pool.ts), so its answer may wait and a
 * write's side-by-side checks come back in one message. When a call's plugin code
 * first runs, the worker writes the time (and whether it starts cold) into memory shared with the
 * host, which reads it when the call's kill timer fires: the timer counts from the call's real
 * start, behind other calls too, without a `start` message.
 */
import {
  type CallPause,
  type HostFunction,
  loadEngine,
  PluginError,
  Sandbox,
  type SandboxLimits,
} from "./sandbox.ts";

/** Host to worker (posted as a list). */
export type ToWorker =
  | { t: "init"; wasm: ArrayBuffer; stamps: SharedArrayBuffer }
  | {
    t: "call";
    id: number;
    /** The call's place in the shared start stamps (see `Slot.startOf`). */
    stamp: number;
    key: string;
    label: string;
    source?: string;
    name: string;
    args: unknown[];
    hostNames: string[];
    limits: SandboxLimits;
    /** `records.get` answers the host read ahead, by the call's arguments as JSON. */
    preloaded?: [string, unknown][];
    /** The sandbox's group (its workspace): see `mustLeave`. */
    group?: string;
  }
  | { t: "answer"; id: number; seq: number; ok: boolean; value?: unknown; error?: string }
  | { t: "dispose"; key: string };

/** Worker to host (posted as a list). */
export type FromWorker =
  | { t: "ready" }
  | { t: "host"; id: number; seq: number; fn: string; args: unknown[] }
  | { t: "done"; id: number; ok: boolean; value?: unknown; error?: string; stopped?: boolean };

interface WorkerScope {
  postMessage(message: FromWorker[]): void;
  onmessage: ((event: MessageEvent<ToWorker[]>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const sandboxes = new Map<string, Sandbox>();
const waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
let engine: Promise<unknown> | null = null;
/** Per call: [start in ms since the epoch, 1 if cold], read by the host's kill timer. */
let stamps: BigInt64Array<ArrayBufferLike> = new BigInt64Array(0);
let seq = 0;

/** Host calls that change nothing: they may wait in the outbox while another call starts. */
const READS = new Set(["records.get", "records.list", "log"]);

/** Calls that can run now (not waiting for host answers): while any can, messages wait. */
let running = 0;
const outbox: FromWorker[] = [];
/**
 * Calls that asked the host to change something (write or fetch). Such a call cannot run again
 * if the worker is killed, so its answer must have left before other plugin code runs.
 */
const changed = new Set<number>();
/** The group (workspace) of each call in flight that has one. */
const groups = new Map<number, string>();

function flush(): void {
  if (outbox.length === 0) return;
  for (const m of outbox) {
    if (m.t !== "done") continue;
    changed.delete(m.id);
    groups.delete(m.id);
  }
  scope.postMessage(outbox.splice(0));
}

/**
 * Whether `m` must leave before plugin code of group `next` runs, since it must not be lost with
 * the worker if that code never yields: a change, or the answer of a call that made one, or any
 * answer before another workspace's code (or code of no group) runs. The answer of a call that
 * only read may wait for its own workspace's other calls (a write's side-by-side checks then come
 * back in one message): if one of them gets the worker killed, it runs again in a new worker
 * (sandbox_pool.ts), and that write is refused anyway.
 */
function mustLeave(m: FromWorker, next: string | undefined): boolean {
  if (m.t === "host") return !READS.has(m.fn);
  if (m.t !== "done") return false;
  return changed.has(m.id) || next === undefined || groups.get(m.id) !== next;
}

function post(message: FromWorker): void {
  outbox.push(message);
  if (running === 0) flush();
}

function stopped(): void {
  if (--running === 0) flush();
}

/**
 * One call's pauses. When its plugin code first runs, the call's start (and whether it starts
 * cold) goes where the host's kill timer reads it. Before plugin code runs, host calls that change
 * something and the answers of calls that made one leave: if that code never yields, the host
 * kills the worker, and those must not be lost with it. Reads, and answers of calls that only
 * read (run again if lost), may wait.
 */
function pauseOf(
  id: number,
  stamp: number,
  cold: boolean,
  group: string | undefined,
): CallPause {
  let started = false;
  let paused = false;
  let told = false;
  return {
    // Said as soon as the plugin settles (not a few microtasks later, when another sandbox's
    // code may already be running): the next `running` sends it before that code starts.
    settled: (outcome) => {
      if (told) return;
      told = true;
      if ("value" in outcome) return post({ t: "done", id, ok: true, value: outcome.value });
      const err = outcome.error;
      const error = err instanceof Error ? err.message : String(err);
      const stopped = err instanceof PluginError ? err.stopped : true;
      post({ t: "done", id, ok: false, error, stopped });
    },
    running: () => {
      if (!started) {
        started = true;
        Atomics.store(stamps, 2 * stamp + 1, cold ? 1n : 0n);
        Atomics.store(stamps, 2 * stamp, BigInt(Date.now()));
      }
      if (paused) (paused = false, running++);
      if (outbox.some((m) => mustLeave(m, group))) flush();
    },
    waiting: () => {
      paused = true;
      stopped();
    },
  };
}

function hostFor(id: number, names: string[]): Record<string, HostFunction> {
  const host: Record<string, HostFunction> = {};
  for (const fn of names) {
    host[fn] = (args) =>
      new Promise((resolve, reject) => {
        const n = ++seq;
        waiting.set(`${id}:${n}`, { resolve, reject });
        if (!READS.has(fn)) changed.add(id);
        post({ t: "host", id, seq: n, fn, args });
      });
  }
  return host;
}

/** Runs one call; counted in `running` by the caller until it ends. */
async function run(msg: Extract<ToWorker, { t: "call" }>): Promise<void> {
  try {
    await engine;
    let box = sandboxes.get(msg.key);
    if (!box) {
      if (msg.source === undefined) {
        post({
          t: "done",
          id: msg.id,
          ok: false,
          error: `${msg.label} is not loaded in this worker.`,
          stopped: true,
        });
        return;
      }
      box = new Sandbox(msg.label, msg.source, msg.limits);
      sandboxes.set(msg.key, box);
    }
    // A cold start has its own budget.
    const pause = pauseOf(msg.id, msg.stamp, !box.alive, msg.group);
    try {
      const value = await box.call(
        msg.name,
        msg.args,
        hostFor(msg.id, msg.hostNames),
        msg.limits,
        pause,
        // Reads the host made ahead are answered inside, without a message (read_ahead.ts).
        msg.preloaded && new Map(msg.preloaded),
      );
      pause.settled({ value }); // told already; a second word is ignored
    } catch (err) {
      pause.settled({ error: err }); // told already unless it failed before running
    }
  } finally {
    stopped();
  }
}

function receive(msg: ToWorker): void {
  if (msg.t === "init") {
    stamps = new BigInt64Array(msg.stamps);
    engine = loadEngine(msg.wasm).then(() => post({ t: "ready" }));
  } else if (msg.t === "call") {
    running++;
    if (msg.group !== undefined) groups.set(msg.id, msg.group);
    run(msg);
  } else if (msg.t === "answer") {
    const w = waiting.get(`${msg.id}:${msg.seq}`);
    waiting.delete(`${msg.id}:${msg.seq}`);
    if (msg.ok) w?.resolve(msg.value);
    else w?.reject(new Error(msg.error ?? "Failed."));
  } else if (msg.t === "dispose") {
    sandboxes.get(msg.key)?.dispose();
    sandboxes.delete(msg.key);
  }
}

scope.onmessage = (event) => {
  for (const msg of event.data) receive(msg);
};
