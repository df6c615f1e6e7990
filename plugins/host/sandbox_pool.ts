/**
 * @module plugins/host/sandbox_pool
 * A few Deno Workers (two by default, one per core of a Fly machine), each with every permission
 * denied except reading its own modules, that run the plugins' QuickJS sandboxes off the app's
 * thread. QuickJS stops a loop between bytecode steps, but one long native operation (a regexp
 * that backtracks for minutes, sorting or repeating a giant string) never reaches its interrupt
 * check. The worker is the wall: a call still running `timeMs` + `marginMs` after it started
 * there (plus the start-up budget on a cold start) gets its worker terminated, fails with a clear
 * message, and the next call starts a fresh worker. Calls of other plugins caught in the killed
 * worker run again in a new one if they had not yet written or fetched anything; otherwise they
 * fail saying why.
 *
 * Workers are kept and reused (starting one compiles the engine, about 100 ms); a plugin's
 * sandbox stays in the worker that loaded it. A workspace's sandboxes share a home worker (its
 * first goes to the worker with the fewest calls running): a write whose hooks run side by side
 * then waits for one worker thread to be scheduled, not for each, which on a loaded machine halved
 * what three hooks added to a write (docs/benchmarks.md). A round trip costs a fraction of a
 * millisecond (bench/plugins.ts measures it).
 *
 * This module keeps the books (which workers live, which sandbox lives where, one call at a time
 * per sandbox); a worker's start and kill are `_sandbox_slot.ts`, one call's messages, host
 * answers and kill timer `_sandbox_call.ts`.
 */
import type { HostFunction, SandboxLimits } from "./sandbox.ts";
import type { Preloaded } from "./read_ahead.ts";
import { DEFAULT_LIMITS, PluginError } from "./sandbox.ts";
import { type Flight, Slot } from "./_sandbox_slot.ts";
import { type CallRequest, dispatchCall, lostCallError, mayRunAgain } from "./_sandbox_call.ts";

export interface SandboxPoolOptions {
  /** Workers kept (default 2). */
  size?: number;
  /** How long past its time limit a call may run before its worker is killed, in ms. */
  marginMs?: number;
}

/** The plugin-facing side of one sandbox in the pool: the same calls as `Sandbox`. */
export interface PluginSandbox {
  readonly alive: boolean;
  /** Whether its last call answered, so its runtime is loaded in its worker. */
  readonly warm: boolean;
  call(
    name: string,
    args: unknown[],
    host: Record<string, HostFunction>,
    limits?: Partial<SandboxLimits>,
    /** `records.get` answers read ahead (read_ahead.ts), answered in the worker. */
    preloaded?: Preloaded,
  ): Promise<unknown>;
  dispose(): void;
}

export class SandboxPool {
  #slots: Slot[] = [];
  /** The worker each group's (a workspace's) sandboxes live in. */
  #homes = new Map<string, Slot>();
  #wasm: Promise<ArrayBuffer> | null = null;
  #ids = 0;
  #keys = 0;
  readonly #size: number;
  readonly #margin: number;
  /** Workers started and killed so far (for tests and the bench). */
  readonly stats = { started: 0, killed: 0 };
  #batches = 0;

  /** Messages the workers posted so far (each a batch of answers and host calls). */
  get batchesReceived(): number {
    return this.#batches;
  }

  constructor(options: SandboxPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? 2);
    this.#margin = options.marginMs ?? 250;
  }

  /**
   * A sandbox for `source`, labelled `label` in its errors. Sandboxes of one `group` (the app
   * passes the workspace) share a home worker, so that a write's hooks wake one thread, not all.
   */
  sandbox(
    label: string,
    source: string,
    limits: SandboxLimits = DEFAULT_LIMITS,
    group?: string,
  ): PluginSandbox {
    const key = `s${++this.#keys}`;
    let queue: Promise<unknown> = Promise.resolve();
    let disposed = false;
    // Whether the worker holds this sandbox's runtime loaded: a call that stopped it (a broken
    // limit, a failed start) leaves it cold, and a call that answered leaves it warm.
    const state = { warm: false };
    const loaded = () => this.#slots.some((slot) => slot.keys.has(key));
    return {
      get alive() {
        return !disposed;
      },
      get warm() {
        return !disposed && state.warm && loaded();
      },
      call: (name, args, host, more = {}, preloaded = []) => {
        // One call at a time per sandbox, as in-process: its kill timer starts when it starts.
        const request = {
          key,
          label,
          name,
          args,
          host,
          limits: { ...limits, ...more },
          preloaded,
          group,
        };
        const run = queue.then(() => this.#call(request, source, true, state, group));
        queue = run.catch(() => {});
        return run;
      },
      dispose: () => {
        disposed = true;
        for (const slot of this.#slots) {
          if (slot.keys.delete(key)) slot.send({ t: "dispose", key });
        }
      },
    };
  }

  /** Terminates every worker. */
  close(): void {
    for (const slot of this.#slots) this.#kill(slot, "the app is shutting down", null);
    this.#slots = [];
  }

  #wasmBytes(): Promise<ArrayBuffer> {
    return this.#wasm ??= Deno.readFile(
      new URL(import.meta.resolve("@jitl/quickjs-wasmfile-release-sync/wasm")),
    ).then((b) => b.buffer as ArrayBuffer);
  }

  async #slotFor(key: string, group: string | undefined): Promise<Slot> {
    const loaded = this.#slots.find((s) => s.keys.has(key));
    if (loaded) return loaded;
    const home = group === undefined ? undefined : this.#homes.get(group);
    if (home && !home.dead) return home;
    const slot = await this.#pick();
    if (group !== undefined) this.#homes.set(group, slot);
    return slot;
  }

  /** A worker for a sandbox with no home yet: a new one while fewer than `size`, else the least busy. */
  async #pick(): Promise<Slot> {
    if (this.#slots.length < this.#size) {
      const slot = new Slot(
        await this.#wasmBytes(),
        (s, why) => this.#kill(s, why, null),
        () => this.#batches++,
      );
      this.stats.started++;
      // Another call may have started a worker while this one read the engine's bytes.
      if (this.#slots.length < this.#size) {
        this.#slots.push(slot);
        return slot;
      }
      this.#kill(slot, "not needed", null);
    }
    return this.#slots.reduce((a, b) =>
      b.flights.size < a.flights.size ||
        (b.flights.size === a.flights.size && b.keys.size < a.keys.size)
        ? b
        : a
    );
  }

  #kill(slot: Slot, why: string, culprit: Flight | null): void {
    if (!slot.kill(why, culprit)) return;
    this.stats.killed++;
    this.#slots = this.#slots.filter((s) => s !== slot);
    for (const [group, home] of this.#homes) if (home === slot) this.#homes.delete(group);
  }

  async #call(
    request: Omit<CallRequest, "source" | "warm">,
    source: string,
    mayRetry: boolean,
    state: { warm: boolean },
    group: string | undefined,
  ): Promise<unknown> {
    const slot = await this.#slotFor(request.key, group);
    const fresh = !slot.keys.has(request.key);
    slot.keys.add(request.key);
    const warm = state.warm && !fresh;
    const settled = await dispatchCall(
      slot,
      ++this.#ids,
      { ...request, source: fresh ? source : undefined, warm },
      { marginMs: this.#margin, overran: (flight, why) => this.#kill(slot, why, flight) },
    ).catch((err) => {
      // The plugin's own error: its runtime survives unless the error says it was stopped.
      state.warm = !(err instanceof PluginError && err.stopped);
      throw err;
    });
    if ("value" in settled) {
      state.warm = true;
      return settled.value;
    }
    // The worker died under this call, and the sandbox with it.
    state.warm = false;
    if (mayRetry && mayRunAgain(settled)) return this.#call(request, source, false, state, group);
    throw lostCallError(request.label, settled);
  }
}
