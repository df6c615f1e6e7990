/**
 * @module plugins/host/_sandbox_slot
 * One sandbox worker's life (private to plugins/host, used by sandbox_pool.ts): a Deno Worker
 * started with every permission denied except reading its own two modules, handed the QuickJS
 * engine's bytes, the calls in flight on it, and its end. Killing it terminates the thread at
 * once (the one wall that also stops a long native operation QuickJS never interrupts) and tells
 * every call in flight why, and whether that call caused it.
 */
import type { FromWorker, ToWorker } from "./sandbox_worker.ts";

/** The worker's last word on a call. */
export type Done = Extract<FromWorker, { t: "done" }>;
/** A call's `host.*` call, to be answered. */
export type HostAsk = Extract<FromWorker, { t: "host" }>;

/** One call in flight on a worker, as its slot sees it. */
export interface Flight {
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

/** A sandbox worker, the plugin sandboxes loaded in it (by key) and its calls in flight. */
export class Slot {
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

  /** Posts `msg` to the worker unless it is dead. */
  send(msg: ToWorker): void {
    if (!this.dead) this.worker.postMessage(msg);
  }

  /**
   * Terminates the worker; each call in flight wakes with the reason (`culprit` is the call that
   * overran, if any). False when it was already dead.
   */
  kill(why: string, culprit: Flight | null): boolean {
    if (this.dead) return false;
    this.dead = true;
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
    if (msg.t === "start") return flight.arm(msg.cold);
    flight.mailbox.push(msg);
    flight.wake();
  }
}
