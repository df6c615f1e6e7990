/**
 * @module plugins/host/sandbox_worker
 * The inside of one sandbox worker (started by sandbox_pool.ts with every permission denied but
 * reading its own two modules): the QuickJS sandboxes of many plugins, compiled from the engine
 * bytes the host sends first. Each call runs in its plugin's `Sandbox`; its `host.*` calls travel
 * to the host as messages and their answers come back the same way. The worker holds no tenant
 * data and no handle on anything: if the host terminates it, only the calls in it are lost.
 */
import {
  type HostFunction,
  loadEngine,
  PluginError,
  Sandbox,
  type SandboxLimits,
} from "./sandbox.ts";

/** Host to worker. */
export type ToWorker =
  | { t: "init"; wasm: ArrayBuffer }
  | {
    t: "call";
    id: number;
    key: string;
    label: string;
    source?: string;
    name: string;
    args: unknown[];
    hostNames: string[];
    limits: SandboxLimits;
    /** Say `start` when the call begins (the host could not arm its kill timer at sending). */
    announce: boolean;
  }
  | { t: "answer"; id: number; seq: number; ok: boolean; value?: unknown; error?: string }
  | { t: "dispose"; key: string };

/** Worker to host. */
export type FromWorker =
  | { t: "ready" }
  | { t: "start"; id: number; cold: boolean }
  | { t: "host"; id: number; seq: number; fn: string; args: unknown[] }
  | { t: "done"; id: number; ok: boolean; value?: unknown; error?: string; stopped?: boolean };

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const sandboxes = new Map<string, Sandbox>();
const waiting = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
let engine: Promise<unknown> | null = null;
let seq = 0;

function hostFor(id: number, names: string[]): Record<string, HostFunction> {
  const host: Record<string, HostFunction> = {};
  for (const fn of names) {
    host[fn] = (args) =>
      new Promise((resolve, reject) => {
        const n = ++seq;
        waiting.set(`${id}:${n}`, { resolve, reject });
        scope.postMessage({ t: "host", id, seq: n, fn, args });
      });
  }
  return host;
}

async function run(msg: Extract<ToWorker, { t: "call" }>): Promise<void> {
  await engine;
  let box = sandboxes.get(msg.key);
  if (!box) {
    if (msg.source === undefined) {
      scope.postMessage({
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
  // A cold start has its own budget: say so even when the host did not ask.
  if (msg.announce || !box.alive) scope.postMessage({ t: "start", id: msg.id, cold: !box.alive });
  try {
    const value = await box.call(msg.name, msg.args, hostFor(msg.id, msg.hostNames), msg.limits);
    scope.postMessage({ t: "done", id: msg.id, ok: true, value });
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    const stopped = err instanceof PluginError ? err.stopped : true;
    scope.postMessage({ t: "done", id: msg.id, ok: false, error, stopped });
  }
}

scope.onmessage = (event) => {
  const msg = event.data;
  if (msg.t === "init") {
    engine = loadEngine(msg.wasm).then(() => scope.postMessage({ t: "ready" }));
  } else if (msg.t === "call") {
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
};
