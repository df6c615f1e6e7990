/**
 * @module plugins/host/_sandbox_slot
 * One sandbox worker's life (private to plugins/host, used by sandbox_pool.ts): a Deno Worker
 * started with every permission denied except reading its own two modules, handed the QuickJS
 * engine's bytes, the calls in flight on it, and its end. Killing it terminates the thread at
 * once (the one wall that also stops a long native operation QuickJS never interrupts) and tells
 * every call in flight why, and whether that call caused it.
 *
 * Messages to the worker leave in one batch per turn of the app's microtasks (the side-by-side
 * checks of one write reach the worker as one message, so it wakes once). Each call in flight has
 * a place in memory shared with the worker, where the worker writes when the call started and
 * whether it started cold: the call's kill timer reads it (`startOf`), so no message is needed
 * for the timer to count from the call's real start.
 */
import { PluginError } from "./sandbox.ts";
import type { FromWorker, ToWorker } from "./sandbox_worker.ts";

/** The worker's last word on a call. */
export type Done = Extract<FromWorker, { t: "done" }>;
/** A call's `host.*` call, to be answered. */
export type HostAsk = Extract<FromWorker, { t: "host" }>;

/**
 * Calls in flight on one worker at most. The app keeps at most 200 sandboxes (runtime.ts), each
 * with one call in flight at a time, so this is never reached there.
 */
const STAMPS = 1024;

/** One call in flight on a worker, as its slot sees it. */
export interface Flight {
  id: number;
  mailbox: (HostAsk | Done)[];
  wake: () => void;
  effects: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** Set when the worker died under the call: the reason, and whether this call caused it. */
  lost?: { why: string; culprit: boolean };
}

/** A sandbox worker, the plugin sandboxes loaded in it (by key) and its calls in flight. */
export class Slot {
  readonly worker: Worker;
  readonly keys = new Set<string>();
  readonly flights = new Map<number, Flight>();
  dead = false;
  /** Per call in flight, written by the worker: [start in ms since the epoch or 0, 1 if cold]. */
  readonly #stamps = new BigInt64Array(new SharedArrayBuffer(STAMPS * 2 * 8));
  readonly #free = Array.from({ length: STAMPS }, (_, i) => STAMPS - 1 - i);
  #outbox: ToWorker[] = [];

  constructor(
    wasm: ArrayBuffer,
    onDeath: (slot: Slot, why: string) => void,
    /** Told of each message (a batch) the worker posts. */
    onBatch: () => void = () => {},
  ) {
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
    this.worker.onmessage = (event: MessageEvent<FromWorker[]>) => {
      onBatch();
      for (const msg of event.data) this.#receive(msg);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      onDeath(this, `the sandbox worker failed (${event.message})`);
    };
    this.send({ t: "init", wasm: wasm.slice(0), stamps: this.#stamps.buffer });
  }

  /** Queues `msg` for the worker (sent with the others of this turn) unless it is dead. */
  send(msg: ToWorker): void {
    if (this.dead) return;
    this.#outbox.push(msg);
    if (this.#outbox.length === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const batch = this.#outbox;
    this.#outbox = [];
    if (!this.dead && batch.length > 0) this.worker.postMessage(batch);
  }

  /** A place for a new call's start stamp, cleared. */
  claimStamp(): number {
    const i = this.#free.pop();
    if (i === undefined) {
      throw new PluginError(`More than ${STAMPS} calls are waiting on one sandbox worker.`, false);
    }
    Atomics.store(this.#stamps, 2 * i, 0n);
    Atomics.store(this.#stamps, 2 * i + 1, 0n);
    return i;
  }

  /** Gives a finished call's place back. */
  releaseStamp(i: number): void {
    this.#free.push(i);
  }

  /** When the call at place `i` started in the worker (ms since the epoch), or null if not yet. */
  startOf(i: number): { at: number; cold: boolean } | null {
    const at = Number(Atomics.load(this.#stamps, 2 * i));
    if (at === 0) return null;
    return { at, cold: Atomics.load(this.#stamps, 2 * i + 1) === 1n };
  }

  /**
   * Terminates the worker; each call in flight wakes with the reason (`culprit` is the call that
   * overran, if any). False when it was already dead.
   */
  kill(why: string, culprit: Flight | null): boolean {
    if (this.dead) return false;
    this.dead = true;
    this.#outbox = [];
    this.worker.terminate();
    for (const flight of this.flights.values()) {
      clearTimeout(flight.timer);
      flight.lost = { why, culprit: flight === culprit };
      flight.wake();
    }
    return true;
  }

  #receive(msg: FromWorker): void {
    if (msg.t === "ready") return;
    const flight = this.flights.get(msg.id);
    if (!flight) return;
    flight.mailbox.push(msg);
    flight.wake();
  }
}
