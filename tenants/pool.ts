/**
 * @module tenants/pool
 * A bounded, least-recently-used pool of open tenant databases. Opening a tenant migrates it, so a
 * tenant is always at the newest schema when a request sees it. A database in use by a request is
 * closed only after that request releases it, so eviction never breaks a query in flight.
 */
import { bindBusinessDay, type Client } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import type { TenantDatabaseProvider, TenantDbLocation } from "./database_provider.ts";

interface Entry {
  client: Promise<Client>;
  /** Set once open: lets the hot path lend a database without awaiting a promise. */
  ready?: Client;
  refs: number;
  evicted: boolean;
}

/** A tenant database lent to one request or job; call `release()` when done. */
export interface Lease {
  db: Client;
  release(): void;
}

/**
 * libSQL releases a closed database's file descriptors only when its handle is garbage collected,
 * so a pool that keeps evicting could run out of descriptors between collections (measured: 150
 * evictions held 450 descriptors). The pool then asks V8 for a collection, when the process runs
 * with `--v8-flags=--expose-gc` (every deno task does).
 *
 * GC_EVERY: closed databases whose handles V8 has not yet collected, at most: descriptors stay under
 * (pool size + 128) x 3. The pool forces a collection only when that many are waiting, i.e. when
 * V8's own collections have not come by in the meantime (a FinalizationRegistry tells the pool of
 * each closed client collected). A forced full collection is a pause of the whole process that
 * grows with the heap: 54 to 112 ms in a server that had served 400 to 900 tenants
 * (bench/provisioning.ts, 2026-12-07), so it is kept for when nothing else frees the descriptors.
 */
export const GC_EVERY = 128;

/**
 * Collects now rather than on a timer, so that the collection happens even while one task keeps
 * evicting; libSQL then frees the collected handles' descriptors in a following task.
 */
function collectGarbageNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === "function") gc();
}

export class TenantPool {
  #entries = new Map<string, Entry>();
  #opens = 0;
  #evictions = 0;
  /** Databases closed whose clients V8 has not collected yet (their descriptors are still held). */
  #uncollected = 0;
  /** Counts forced collections: what was closed before one is no longer counted after it. */
  #epoch = 0;
  #collected = new FinalizationRegistry<number>((epoch) => {
    if (epoch === this.#epoch) this.#uncollected--;
  });

  /**
   * `todayOf` gives a tenant's business day (the clock in Services in the tenant's time zone);
   * every database the pool opens answers `{{business_day}}` in SQL with it (db/business_day.ts).
   */
  constructor(
    readonly provider: TenantDatabaseProvider,
    readonly maxOpen: number,
    readonly todayOf?: (tenantId: string) => string,
  ) {}

  /** Number of databases currently open (or opening). */
  get size(): number {
    return this.#entries.size;
  }

  /** Times a database was opened since start (a cold open each). */
  get opens(): number {
    return this.#opens;
  }

  /** Databases closed to make room for another since start (ops/metrics.ts reads it). */
  get evictions(): number {
    return this.#evictions;
  }

  /** Borrows an already open database without awaiting, or returns null (then use `acquire`). */
  tryAcquire(tenantId: string): Lease | null {
    const entry = this.#entries.get(tenantId);
    if (!entry?.ready) return null;
    this.#entries.delete(tenantId);
    this.#entries.set(tenantId, entry);
    entry.refs++;
    return this.#lease(entry, entry.ready);
  }

  /** Borrows the tenant's database, opening and migrating it when it is not in the pool. */
  async acquire(tenantId: string, location: TenantDbLocation): Promise<Lease> {
    let entry = this.#entries.get(tenantId);
    if (entry) {
      // Map order is the LRU order: move this tenant to the most recent end.
      this.#entries.delete(tenantId);
      this.#entries.set(tenantId, entry);
    } else {
      entry = { client: this.#open(tenantId, location), refs: 0, evicted: false };
      this.#entries.set(tenantId, entry);
      this.#evictOverflow();
    }
    entry.refs++;
    const current = entry;
    let db: Client;
    try {
      db = await current.client;
    } catch (err) {
      current.refs--;
      if (this.#entries.get(tenantId) === current) this.#entries.delete(tenantId);
      throw err;
    }
    current.ready = db;
    return this.#lease(current, db);
  }

  #lease(entry: Entry, db: Client): Lease {
    let released = false;
    return {
      db,
      release: () => {
        if (released) return;
        released = true;
        entry.refs--;
        if (entry.evicted && entry.refs === 0) this.#close(db);
      },
    };
  }

  /** Closes and forgets one tenant's database (after a failed signup, or before deleting it). */
  async forget(tenantId: string): Promise<void> {
    const entry = this.#entries.get(tenantId);
    if (!entry) return;
    this.#entries.delete(tenantId);
    await this.#retire(entry);
  }

  /** Closes every open database. */
  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((e) => this.#retire(e)));
  }

  async #open(tenantId: string, location: TenantDbLocation): Promise<Client> {
    this.#opens++;
    const db = await this.provider.open(tenantId, location);
    try {
      const todayOf = this.todayOf;
      if (todayOf) bindBusinessDay(db, () => todayOf(tenantId));
      await migrate(db, "tenant");
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  #close(db: Client): void {
    db.close();
    this.#collected.register(db, this.#epoch);
    if (++this.#uncollected >= GC_EVERY) {
      // What this collects is told in later tasks; a new epoch stops it being counted twice.
      this.#epoch++;
      this.#uncollected = 0;
      collectGarbageNow();
    }
  }

  #evictOverflow(): void {
    for (const [id, entry] of this.#entries) {
      if (this.#entries.size <= this.maxOpen) break;
      this.#entries.delete(id);
      this.#evictions++;
      void this.#retire(entry);
    }
  }

  async #retire(entry: Entry): Promise<void> {
    entry.evicted = true;
    try {
      const db = await entry.client;
      if (entry.refs === 0) this.#close(db);
    } catch {
      // It never opened; nothing to close.
    }
  }
}
