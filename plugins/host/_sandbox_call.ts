/**
 * @module plugins/host/_sandbox_call
 * One plugin call on a sandbox worker (private to plugins/host, used by sandbox_pool.ts): sends
 * it, arms its kill timer (`timeMs` + margin, plus the start-up budget on a cold start), answers
 * its `host.*` calls in the caller's own async flow (so a hook inside a write transaction reads as
 * it did in-process), and settles with the plugin's answer, its error, or the news that the worker
 * died under it. Whether a lost call may run again is
 * decided here too: only when it caused nothing (no write, no fetch) and did not cause the kill.
 *
 * The kill timer counts from the call's start in the worker, which the worker writes into memory
 * shared with the host (`Slot.startOf`): armed at sending for the least the call may take, it
 * reads the start when it fires and waits on for what is left, or for a whole budget while the
 * call has not started (behind other calls in its worker). No `start` message wakes the app's
 * thread (measured in docs/benchmarks.md), and the worker is killed no later than before.
 */
import type { HostFunction, SandboxLimits } from "./sandbox.ts";
import { PluginError, START_MS } from "./sandbox.ts";
import type { Flight, HostAsk, Slot } from "./_sandbox_slot.ts";
import type { ToWorker } from "./sandbox_worker.ts";
import type { Preloaded } from "./read_ahead.ts";

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
  /** `records.get` answers read ahead, which the worker gives without asking (read_ahead.ts). */
  preloaded: Preloaded;
  /** The sandbox's group (its workspace), whose finished reads may wait for one another. */
  group: string | undefined;
  /** Whether the sandbox's runtime is known to be loaded in the worker (its timer's first arming). */
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
  const stamp = slot.claimStamp();
  const flight: Flight = { id, mailbox: [], wake: () => {}, effects: false };
  const budget = (cold: boolean) => limits.timeMs + opts.marginMs + (cold ? START_MS : 0);
  const watch = (ms: number) => {
    flight.timer = setTimeout(() => {
      const start = slot.startOf(stamp);
      if (!start) return watch(budget(false)); // still behind other calls in its worker
      const left = start.at + budget(start.cold) - Date.now();
      if (left > 0) watch(left);
      else opts.overran(flight, `it ran longer than ${limits.timeMs} ms`);
    }, ms);
  };
  slot.flights.set(flight.id, flight);
  watch(budget(!request.warm));
  slot.send({
    t: "call",
    id: flight.id,
    stamp,
    key: request.key,
    label,
    source: request.source,
    name: request.name,
    args: request.args,
    hostNames: Object.keys(host),
    limits,
    ...(request.preloaded.length > 0 ? { preloaded: request.preloaded } : {}),
    ...(request.group !== undefined ? { group: request.group } : {}),
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
    slot.releaseStamp(stamp);
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
