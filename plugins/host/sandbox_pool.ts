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
 * sandbox stays in the worker that loaded it, and a new one goes to the worker with the fewest
 * calls running. The host's answers to `host.*` calls are computed in the caller's own async flow
 * (the call waits on a mailbox), so a hook inside a write transaction reads as it did in-process.
 * A round trip costs a fraction of a millisecond (bench/plugins.ts measures it).
 */
import type { HostFunction, SandboxLimits } from "./sandbox.ts";
import { DEFAULT_LIMITS, PluginError, START_MS } from "./sandbox.ts";
import type { FromWorker, ToWorker } from "./sandbox_worker.ts";

export interface SandboxPoolOptions {
  /** Workers kept (default 2). */
  size?: number;
  /** How long past its time limit a call may run before its worker is killed, in ms. */
  marginMs?: number;
}

/** Host calls that change something; a call that made one is never run twice. */
const EFFECTS = new Set(["records.create", "records.update", "fetch"]);

type Done = Extract<FromWorker, { t: "done" }>;
type HostAsk = Extract<FromWorker, { t: "host" }>;

interface Flight {
  id: number;
  mailbox: (HostAsk | Done)[];
  wake: () => void;
  effects: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** Arms the kill timer when the worker says the call started. */
  arm: (cold: boolean) => void;
  /** Set when the worker died under the call: the reason, and whether this call caused it. */
  lost?: { why: string; culprit: boolean };
}

class Slot {
  readonly worker: Worker;
  readonly keys = new Set<string>();
  readonly flights = new Map<number, Flight>();
  dead = false;

  constructor(wasm: ArrayBuffer, onDeath: (slot: Slot, why: string) => void) {
    const url = new URL("./sandbox_worker.ts", import.meta.url);
    this.worker = new Worker(url, {
      type: "module",
      deno: {
        permissions: {
          read: [url, new URL("./sandbox.ts", import.meta.url)],
          write: false,
          net: false,
          env: false,
          run: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    } as WorkerOptions);
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      onDeath(this, `the sandbox worker failed (${event.message})`);
    };
    this.send({ t: "init", wasm: wasm.slice(0) });
  }

  send(msg: ToWorker): void {
    if (!this.dead) this.worker.postMessage(msg);
  }

  #receive(msg: FromWorker): void {
    if (msg.t === "ready") return;
    const flight = this.flights.get(msg.id);
    if (!flight) return;
    if (msg.t === "start") return flight.arm(msg.cold);
    flight.mailbox.push(msg);
    flight.wake();
  }
}

/** The plugin-facing side of one sandbox in the pool: the same calls as `Sandbox`. */
export interface PluginSandbox {
  readonly alive: boolean;
  call(
    name: string,
    args: unknown[],
    host: Record<string, HostFunction>,
    limits?: Partial<SandboxLimits>,
  ): Promise<unknown>;
  dispose(): void;
}

export class SandboxPool {
  #slots: Slot[] = [];
  #wasm: Promise<ArrayBuffer> | null = null;
  #ids = 0;
  #keys = 0;
  readonly #size: number;
  readonly #margin: number;
  /** Workers started and killed so far (for tests and the bench). */
  readonly stats = { started: 0, killed: 0 };

  constructor(options: SandboxPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? 2);
    this.#margin = options.marginMs ?? 250;
  }

  /** A sandbox for `source`, labelled `label` in its errors. */
  sandbox(label: string, source: string, limits: SandboxLimits = DEFAULT_LIMITS): PluginSandbox {
    const key = `s${++this.#keys}`;
    let queue: Promise<unknown> = Promise.resolve();
    let disposed = false;
    return {
      get alive() {
        return !disposed;
      },
      call: (name, args, host, more = {}) => {
        // One call at a time per sandbox, as in-process: its kill timer starts when it starts.
        const run = queue.then(() =>
          this.#call(key, label, source, name, args, host, { ...limits, ...more }, true)
        );
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

  async #slotFor(key: string): Promise<Slot> {
    const home = this.#slots.find((s) => s.keys.has(key));
    if (home) return home;
    if (this.#slots.length < this.#size) {
      const slot = new Slot(await this.#wasmBytes(), (s, why) => this.#kill(s, why, null));
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
    if (slot.dead) return;
    slot.dead = true;
    slot.worker.terminate();
    this.stats.killed++;
    this.#slots = this.#slots.filter((s) => s !== slot);
    for (const flight of slot.flights.values()) {
      clearTimeout(flight.timer);
      flight.lost = { why, culprit: flight === culprit };
      flight.wake();
    }
  }

  async #call(
    key: string,
    label: string,
    source: string,
    name: string,
    args: unknown[],
    host: Record<string, HostFunction>,
    limits: SandboxLimits,
    mayRetry: boolean,
  ): Promise<unknown> {
    const slot = await this.#slotFor(key);
    const fresh = !slot.keys.has(key);
    slot.keys.add(key);
    const flight: Flight = {
      id: ++this.#ids,
      mailbox: [],
      wake: () => {},
      effects: false,
      arm: (cold) => {
        const budget = limits.timeMs + this.#margin + (cold ? START_MS : 0);
        flight.timer = setTimeout(
          () => this.#kill(slot, `it ran longer than ${limits.timeMs} ms`, flight),
          budget,
        );
      },
    };
    slot.flights.set(flight.id, flight);
    slot.send({
      t: "call",
      id: flight.id,
      key,
      label,
      source: fresh ? source : undefined,
      name,
      args,
      hostNames: Object.keys(host),
      limits,
    });
    try {
      while (true) {
        const msg = flight.mailbox.shift();
        if (!msg) {
          if (flight.lost) break;
          await new Promise<void>((resolve) => (flight.wake = resolve));
          continue;
        }
        if (msg.t === "done") {
          if (msg.ok) return msg.value;
          throw new PluginError(msg.error ?? `${label} failed.`, msg.stopped ?? false);
        }
        // A host call, answered here in the caller's own async flow.
        if (EFFECTS.has(msg.fn)) flight.effects = true;
        let answer: ToWorker;
        try {
          const fn = Object.hasOwn(host, msg.fn) ? host[msg.fn]! : null;
          if (!fn) throw new Error(`There is no host function ${msg.fn}.`);
          answer = {
            t: "answer",
            id: flight.id,
            seq: msg.seq,
            ok: true,
            value: await fn(msg.args),
          };
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          answer = { t: "answer", id: flight.id, seq: msg.seq, ok: false, error };
        }
        slot.send(answer);
      }
    } finally {
      clearTimeout(flight.timer);
      slot.flights.delete(flight.id);
    }
    // The worker died under this call.
    const lost = flight.lost!;
    if (lost.culprit) throw new PluginError(`${label} was stopped: ${lost.why}.`, true);
    if (mayRetry && !flight.effects) {
      return this.#call(key, label, source, name, args, host, limits, false);
    }
    throw new PluginError(
      `${label} was interrupted: another plugin's call in its sandbox worker was stopped (${lost.why}). Try again.`,
      true,
    );
  }
}
