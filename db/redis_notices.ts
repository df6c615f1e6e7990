/**
 * @module db/redis_notices
 * Tells every machine at once that something the control database holds has changed, so that the
 * copies each process keeps of it in memory are dropped there too, not only where the write was
 * made. Three caches use it (services.ts wires them):
 *
 * - "credentials": who a token or session belongs to (auth/principal_cache.ts, kept 5 s). A token
 *   revoked through one machine is refused by all of them within milliseconds.
 * - "tenants": host -> workspace (tenants/registry.ts, kept 30 s). A workspace suspended, renamed,
 *   scheduled for deletion or given another domain is seen as such everywhere at once.
 * - "billing": a workspace's plan and standing (billing/runtime.ts, kept 5 s), which the worker
 *   process changes when it handles Stripe's events.
 *
 * Each cache already forgets what a write in its own process changes; it also `announce`s the
 * change here, which publishes "<process id> <kind> <subject>" on CHANNEL. Every other process
 * that hears it runs what was registered for that kind (`on`). On Turso the control database is
 * an embedded replica that pulls the primary's writes on a timer, so a process first syncs its
 * replica and only then forgets: what it reads next holds the change.
 *
 * Without Redis, or while it is unreachable, each cache's lifetime stays the bound, as on one
 * machine. When the subscription is made again after an outage every kind is forgotten (subject
 * ""), since notices may have been missed in between.
 */
import type { SharedRedis } from "./redis.ts";

/** The channel that carries "<publisher id> <kind> <subject>" for each change. */
export const CHANNEL = "pm:control-changed";

/** What a process forgets on a notice; `subject` "" means everything of that kind. */
export type Forget = (subject: string) => void;

/** Publishes this process's changes to the control plane, and forgets on everyone else's. */
export class ControlNotices {
  /** Who published a notice: a process ignores its own (it forgot when it wrote). */
  readonly #id = crypto.randomUUID();
  #handlers = new Map<string, Forget[]>();
  #closed = false;

  /**
   * `syncControl`: pulls the primary's writes into this machine's replica of the control database
   * (Turso); absent when the control database is a local file or read remotely.
   */
  constructor(readonly redis: SharedRedis, readonly syncControl?: () => Promise<unknown>) {
    const { subscriber } = redis;
    subscriber.on("message", (channel: string, message: string) => {
      if (channel !== CHANNEL) return;
      const [from, kind, subject = ""] = message.split(" ");
      if (from !== this.#id && kind) void this.#heard(kind, subject);
    });
    subscriber.on("ready", () => this.#subscribe());
    if (subscriber.status === "ready") this.#subscribe();
    redis.onClose(() => this.#closed = true);
  }

  /** Runs `forget` when another process announces a change of `kind`. */
  on(kind: string, forget: Forget): void {
    const handlers = this.#handlers.get(kind) ?? [];
    handlers.push(forget);
    this.#handlers.set(kind, handlers);
  }

  /** Tells the other processes that `subject` (a tenant id; "" for all) of `kind` changed. */
  announce(kind: string, subject = ""): void {
    if (this.#closed || !this.redis.ready()) return;
    this.redis.client.publish(CHANNEL, `${this.#id} ${kind} ${subject}`).catch((err) =>
      this.redis.degraded("control notice", err)
    );
  }

  async #heard(kind: string, subject: string): Promise<void> {
    const handlers = this.#handlers.get(kind);
    if (!handlers) return;
    if (this.syncControl) {
      try {
        await this.syncControl();
      } catch {
        // Unreachable primary: the replica catches up by its interval; forgetting still helps.
      }
    }
    for (const forget of handlers) forget(subject);
  }

  #subscribe(): void {
    this.redis.subscriber.subscribe(CHANNEL).then(() => {
      for (const handlers of this.#handlers.values()) {
        for (const forget of handlers) forget("");
      }
    }, (err) => this.redis.degraded("control subscription", err));
  }
}
