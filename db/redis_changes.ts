/**
 * @module db/redis_changes
 * Tells every machine at once that a tenant's data changed, so a list cached on one machine is
 * recomputed as soon as another machine writes (domain/read_cache.ts).
 *
 * After each write transaction on a tenant database commits (db/transaction.ts), the tenant's id
 * is published on the Redis channel CHANNEL. Every process subscribes and keeps a generation per
 * tenant, a number that changes on each notice (the writer changes its own at commit and ignores
 * its notice); the read cache stores the generation with each entry and recomputes when it
 * differs. Delivery takes about a millisecond on one network.
 *
 * With Turso, a machine reads its embedded replica, which pulls the primary's writes only every
 * TURSO_SYNC_INTERVAL_SECONDS: on a notice the feed first syncs this machine's replica of that
 * tenant (when the pool has it open), then changes the generation, so the recomputed entry holds
 * the write. Until the sync ends, reads keep the previous entry, which is consistent, not newer.
 *
 * The read cache also compares the tenant database's own change counter (records/changes.ts,
 * trusted for 100 ms), which stays the safety net: a notice lost while Redis is unreachable
 * delays a change by those 100 ms at most, as on one machine without Redis. When the subscription
 * is made again after an outage every tenant's generation changes, since notices may have been
 * missed in between.
 */
import type { Client } from "./client.ts";
import type { SharedRedis } from "./redis.ts";
import { onWriteCommit } from "./transaction.ts";

/** The channel that carries "<publisher id> <tenant id>" for each committed write. */
export const CHANNEL = "pm:tenant-changed";

// One commit hook for the process; each open feed (tests run several Services) hears it.
const feeds = new Set<RedisChangeFeed>();
onWriteCommit((db) => {
  for (const feed of feeds) feed.committed(db);
});

/** The change notices of one Services: publishes this process's writes, hears everyone's. */
export class RedisChangeFeed {
  #tenantOf = new WeakMap<Client, string>();
  /** The database this process last opened per tenant: the replica a notice syncs. */
  #replicaOf = new Map<string, WeakRef<Client>>();
  #generations = new Map<string, number>();
  #sequence = 0;
  /** Who published a notice: "<feed id> <tenant id>". */
  readonly #id = crypto.randomUUID();
  #floor = 0;

  /** `syncReplicas`: tenant databases are embedded replicas (Turso) that a notice must sync. */
  constructor(readonly redis: SharedRedis, readonly syncReplicas = false) {
    const { subscriber } = redis;
    subscriber.on("message", (channel: string, message: string) => {
      const [from, tenantId] = message.split(" ");
      // This process's own writes were counted when they committed.
      if (channel === CHANNEL && from !== this.#id && tenantId) void this.#heard(tenantId);
    });
    subscriber.on("ready", () => this.#subscribe());
    if (subscriber.status === "ready") this.#subscribe();
    feeds.add(this);
    redis.onClose(() => feeds.delete(this));
  }

  /** Notes that `db` is `tenantId`'s database (the pool's provider calls it on open). */
  track(db: Client, tenantId: string): Client {
    this.#tenantOf.set(db, tenantId);
    if (this.syncReplicas) this.#replicaOf.set(tenantId, new WeakRef(db));
    return db;
  }

  /** This process's current generation of the tenant's data; any change means "recompute". */
  generation(tenantId: string): number {
    return this.#generations.get(tenantId) ?? this.#floor;
  }

  /** A write on `db` committed: count it here at once and tell the other processes. */
  committed(db: Client): void {
    const tenantId = this.#tenantOf.get(db);
    if (tenantId === undefined) return;
    this.#generations.set(tenantId, ++this.#sequence);
    if (!this.redis.ready()) return;
    this.redis.client.publish(CHANNEL, `${this.#id} ${tenantId}`).catch((err) =>
      this.redis.degraded("change notice", err)
    );
  }

  async #heard(tenantId: string): Promise<void> {
    const replica = this.#replicaOf.get(tenantId)?.deref();
    if (replica && !replica.closed) {
      try {
        await replica.sync();
      } catch {
        // Unreachable primary: the replica catches up by its interval; the counter check remains.
      }
    }
    this.#generations.set(tenantId, ++this.#sequence);
  }

  #subscribe(): void {
    this.redis.subscriber.subscribe(CHANNEL).then(() => {
      // Notices may have been missed while unsubscribed: every tenant's entries are suspect.
      this.#generations.clear();
      this.#floor = ++this.#sequence;
    }, (err) => this.redis.degraded("change subscription", err));
  }
}
