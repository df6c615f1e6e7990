/**
 * @module auth/credential_notices
 * Tells every machine at once that credentials changed, so a token revoked, a session ended or a
 * member removed on one machine stops working on all of them within milliseconds, not after the
 * principal cache's 5-second TTL (auth/principal_cache.ts).
 *
 * Each write that changes who may do what already clears this process's cache
 * (`PrincipalCache.clear`). With `REDIS_URL` set, that clear is also published on CHANNEL, and
 * every other process that hears it clears its own cache. On Turso the control database is an
 * embedded replica that pulls the primary's writes on a timer, so a process first syncs its replica
 * and only then clears: a lookup made after the clear reads the revocation, not the row before it.
 * A lookup that was already running when the clear came is not cached (`PrincipalCache.mark`).
 *
 * Without Redis, or while it is unreachable, the TTL stays the bound, as on one machine. When the
 * subscription is made again after an outage the cache is cleared, since notices may have been
 * missed in between.
 */
import type { SharedRedis } from "../db/redis.ts";
import type { PrincipalCache } from "./principal_cache.ts";

/** The channel that carries the id of the process whose write changed credentials. */
export const CHANNEL = "pm:credentials-changed";

/** Publishes this process's credential changes and clears its cache on everyone else's. */
export class CredentialNotices {
  /** Who published a notice: a process ignores its own (it cleared when it wrote). */
  readonly #id = crypto.randomUUID();
  #closed = false;

  /**
   * `syncControl`: pulls the primary's writes into this machine's replica of the control database
   * (Turso); absent when the control database is a local file or read remotely.
   */
  constructor(
    readonly redis: SharedRedis,
    readonly cache: PrincipalCache,
    readonly syncControl?: () => Promise<unknown>,
  ) {
    cache.onClear(() => this.#publish());
    const { subscriber } = redis;
    subscriber.on("message", (channel: string, from: string) => {
      if (channel === CHANNEL && from !== this.#id) void this.#heard();
    });
    subscriber.on("ready", () => this.#subscribe());
    if (subscriber.status === "ready") this.#subscribe();
    redis.onClose(() => this.#closed = true);
  }

  #publish(): void {
    if (this.#closed || !this.redis.ready()) return;
    this.redis.client.publish(CHANNEL, this.#id).catch((err) =>
      this.redis.degraded("credential notice", err)
    );
  }

  async #heard(): Promise<void> {
    if (this.syncControl) {
      try {
        await this.syncControl();
      } catch {
        // Unreachable primary: the replica catches up by its interval; clearing still helps.
      }
    }
    this.cache.clearLocal();
  }

  #subscribe(): void {
    this.redis.subscriber.subscribe(CHANNEL).then(
      () => this.cache.clearLocal(),
      (err) => this.redis.degraded("credential subscription", err),
    );
  }
}
