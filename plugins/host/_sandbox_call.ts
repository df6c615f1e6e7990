/**
 * @module plugins/host/_sandbox_call
 * One plugin call on a sandbox worker (private to plugins/host, used by sandbox_pool.ts): sends
 * it, arms its kill timer (`timeMs` + margin, plus the start-up budget on a cold start), answers its `host.*` calls in the caller's own async flow (so a hook
 * inside a write transaction reads as it did in-process), and settles with the plugin's answer,
 * its error, or the news that the worker died under it. Whether a lost call may run again is
 * decided here too: only when it caused nothing (no write, no fetch) and did not cause the kill.
 *
 * The kill timer starts when the call starts. A warm sandbox on a worker with no other call in
 * flight starts as soon as the worker reads the message, so the timer is armed at sending and the
 * worker sends no `start` message: the app's thread wakes once per call instead of twice (measured
 * in docs/benchmarks.md). Behind another call, or cold, the worker says `start` as before.
 */
import type { HostFunction, SandboxLimits } from "./sandbox.ts";
import { PluginError, START_MS } from "./sandbox.ts";
import type { Flight, HostAsk, Slot } from "./_sandbox_slot.ts";
import type { ToWorker } from "./sandbox_worker.ts";

/** Host calls that change something; a call that made one is never run twice. */
const EFFECTS = new Set(["records.create", "records.update", "fetch"]);

/** What to run: the sandbox (by key, with its source when the worker has not loaded it yet). */
export interface CallRequest {
  key: string;
  label: string;
  source: string | undefined;
  name: string;
  args: unknown[];
  host: Record<string, HostFunction>;
  limits: SandboxLimits;
  /** Whether the sandbox's runtime is known to be loaded in the worker (no start-up budget). */
  warm: boolean;
}

/** A call that ended because its worker died. */
export interface LostCall {
  lost: { why: string; culprit: boolean };
  effects: boolean;
}

/**
 * Runs `request` on `slot` as call `id`. Resolves `{ value }` with the plugin's answer or
 * `LostCall` when the worker died; throws the plugin's own error. `overran` is asked to kill the
 * worker when the call outlives its budget.
 */
export async function dispatchCall(
  slot: Slot,
  id: number,
  request: CallRequest,
  opts: { marginMs: number; overran: (flight: Flight, why: string) => void },
): Promise<{ value: unknown } | LostCall> {
  const { limits, host, label } = request;
  const flight: Flight = {
    id,
    mailbox: [],
    wake: () => {},
    effects: false,
    arm: (cold) => {
      clearTimeout(flight.timer);
      const budget = limits.timeMs + opts.marginMs + (cold ? START_MS : 0);
      flight.timer = setTimeout(
        () => opts.overran(flight, `it ran longer than ${limits.timeMs} ms`),
        budget,
      );
    },
  };
  // Alone on a warm sandbox's worker, the call starts on arrival: arm now, ask no `start`.
  const announce = !request.warm || slot.flights.size > 0;
  slot.flights.set(flight.id, flight);
  if (!announce) flight.arm(false);
  slot.send({
    t: "call",
    id: flight.id,
    key: request.key,
    label,
    source: request.source,
    name: request.name,
    args: request.args,
    hostNames: Object.keys(host),
    limits,
    announce,
  });
  try {
    while (true) {
      const msg = flight.mailbox.shift();
      if (!msg) {
        if (flight.lost) return { lost: flight.lost, effects: flight.effects };
        await new Promise<void>((resolve) => (flight.wake = resolve));
        continue;
      }
      if (msg.t === "done") {
        if (msg.ok) return { value: msg.value };
        throw new PluginError(msg.error ?? `${label} failed.`, msg.stopped ?? false);
      }
      if (EFFECTS.has(msg.fn)) flight.effects = true;
      slot.send(await answerHost(flight.id, msg, host));
    }
  } finally {
    clearTimeout(flight.timer);
    slot.flights.delete(flight.id);
  }
}

async function answerHost(
  id: number,
  msg: HostAsk,
  host: Record<string, HostFunction>,
): Promise<ToWorker> {
  try {
    const fn = Object.hasOwn(host, msg.fn) ? host[msg.fn]! : null;
    if (!fn) throw new Error(`There is no host function ${msg.fn}.`);
    return { t: "answer", id, seq: msg.seq, ok: true, value: await fn(msg.args) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { t: "answer", id, seq: msg.seq, ok: false, error };
  }
}

/** Whether a lost call may run again in a new worker: it neither caused the kill nor changed anything. */
export function mayRunAgain(call: LostCall): boolean {
  return !call.lost.culprit && !call.effects;
}

/** The error a lost call fails with. */
export function lostCallError(label: string, call: LostCall): PluginError {
  if (call.lost.culprit) return new PluginError(`${label} was stopped: ${call.lost.why}.`, true);
  return new PluginError(
    `${label} was interrupted: another plugin's call in its sandbox worker was stopped (${call.lost.why}). Try again.`,
    true,
  );
}
