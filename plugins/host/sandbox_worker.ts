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
 * answers or are done. Only reads wait while plugin code runs, though: a call that never yields
 * (a long native operation) gets the worker killed, and the answers of calls that finished before
 * it, and their writes and fetches, must have reached the host by then. When a call's plugin code
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

function flush(): void {
  if (outbox.length > 0) scope.postMessage(outbox.splice(0));
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
 * cold) goes where the host's kill timer reads it. Before plugin code runs, finished calls'
 * answers and host calls that change something leave: if that code never yields, the host kills
 * the worker, and those must not be lost with it. Reads may wait.
 */
function pauseOf(id: number, stamp: number, cold: boolean): CallPause {
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
      if (outbox.some((m) => m.t !== "host" || !READS.has(m.fn))) flush();
    },
    waiting: () => {
      paused = true;
      stopped();
    },
  };
}

function hostFor(
  id: number,
  names: string[],
  preloaded: [string, unknown][] = [],
): Record<string, HostFunction> {
  const host: Record<string, HostFunction> = {};
  // Answers read ahead by the host (plugins/host/read_ahead.ts): the same answer the host would
  // send, from the same transaction, without a round trip. Anything else travels to the host.
  const ahead = new Map(preloaded);
  for (const fn of names) {
    host[fn] = (args) =>
      fn === "records.get" && ahead.has(JSON.stringify(args))
        ? Promise.resolve(ahead.get(JSON.stringify(args)))
        : new Promise((resolve, reject) => {
          const n = ++seq;
          waiting.set(`${id}:${n}`, { resolve, reject });
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
    const pause = pauseOf(msg.id, msg.stamp, !box.alive); // a cold start has its own budget
    try {
      const value = await box.call(
        msg.name,
        msg.args,
        hostFor(msg.id, msg.hostNames, msg.preloaded),
        msg.limits,
        pause,
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
