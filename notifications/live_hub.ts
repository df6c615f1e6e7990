/**
 * @module notifications/live_hub
 * Live updates (issue 17): every open event stream of a tenant hears what changed there, from
 * this process, another process or another machine, and nothing of any other tenant.
 *
 * One feed per tenant with listeners, shared by all of them. A feed reads the tenant database
 * (changes_since.ts) when it has reason to: at once after a write this process committed, when
 * the Redis change notices (db/redis_changes.ts) say another machine wrote, and otherwise every
 * `pollMs` (1 s), which is what carries writes from other processes without Redis. A check costs
 * three indexed reads on the tenant's own database and runs only while someone listens.
 *
 * Commit watchers (the notifications that changes raise, notifications/from_changes.ts) hear
 * every change this process committed, whether or not anyone listens: the process that wrote is
 * the one that tells, and dedupe keys keep another process that also heard it from telling twice.
 * They read only the rows added since their last read (committed_changes.ts), one read at a time
 * per tenant; commits that arrive while a read waits its turn are caught by that read.
 */
import type { Client } from "../db/client.ts";
import { onWriteCommit } from "../db/transaction.ts";
import type { TenantPool } from "../tenants/pool.ts";
import { type Clock, systemClock } from "../domain/clock.ts";
import type { TenantDbLocation } from "../tenants/database_provider.ts";
import {
  changesSince,
  currentCursor,
  type Cursor,
  cursorText,
  type LiveEvent,
  SeenKeys,
} from "./changes_since.ts";
import { type CommitCursor, committedChanges, startCursor } from "./committed_changes.ts";

/** Hears a batch of events and the cursor after them (the stream's event id). */
export type LiveListener = (events: LiveEvent[], cursor: string) => void;

/** Hears the changes this process committed on a tenant's database (once each). */
export type CommitWatcher = (tenantId: string, events: LiveEvent[]) => Promise<void>;

interface Feed {
  location: TenantDbLocation;
  listeners: Set<LiveListener>;
  cursor: Cursor;
  /** Where the feed started: rows up to it (re-read by the overlap) were never news. */
  floor: Cursor;
  seen: SeenKeys;
  lastPoll: number;
  generation: number;
  dirty: boolean;
  polling: boolean;
}

interface Committed {
  cursor: CommitCursor;
  seen: SeenKeys;
  chain: Promise<void>;
  /** The handle of a read queued and not yet started: another commit on it needs no read. */
  queued: Client | null;
}

const SOURCE = { record: "audit", document: "documents", activity: "activity" } as const;

// One commit hook for the process; each hub (tests run several Services) checks its own pool's.
const hubs = new Set<LiveHub>();
onWriteCommit((db) => {
  for (const hub of hubs) hub.committed(db);
});

export interface LiveHubOptions {
  pollMs?: number;
  tickMs?: number;
  /** Another machine wrote (Redis notices): any change of the number means "read now". */
  notices?: { generation(tenantId: string): number };
  onError?: (what: string, err: unknown) => void;
  /**
   * The app's clock (Services.clock), which stamps history and documents: a commit watcher's
   * first time cursor is read from it, so a moved clock's changes are not taken for old ones.
   */
  clock?: Clock;
}

/** The live updates of one Services: listeners per tenant and the watchers of commits. */
export class LiveHub {
  #feeds = new Map<string, Feed>();
  #tenantOf = new WeakMap<Client, string>();
  #committed = new Map<string, Committed>();
  #watchers: CommitWatcher[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly pollMs: number;
  readonly tickMs: number;

  /** `poolOf`: the pool that lends tenant databases (its provider calls `track` on open). */
  constructor(readonly poolOf: () => TenantPool, readonly options: LiveHubOptions = {}) {
    this.pollMs = options.pollMs ?? 1000;
    this.tickMs = options.tickMs ?? 100;
    hubs.add(this);
  }

  /** Notes that `db` is `tenantId`'s database (the pool's provider calls it on open). */
  track(db: Client, tenantId: string): Client {
    this.#tenantOf.set(db, tenantId);
    return db;
  }

  /** Adds a watcher of the changes this process commits (notifications from changes). */
  watchCommits(watcher: CommitWatcher): void {
    this.#watchers.push(watcher);
  }

  /** A write transaction on `db` committed: wake its tenant's feed and tell the watchers. */
  committed(db: Client): void {
    const tenantId = this.#tenantOf.get(db);
    if (tenantId === undefined || this.#closed) return;
    const feed = this.#feeds.get(tenantId);
    if (feed) {
      feed.dirty = true;
      queueMicrotask(() => this.#poll(tenantId, feed));
    }
    if (this.#watchers.length) this.#tellWatchers(tenantId, db);
  }

  /**
   * Starts listening to a tenant; answers the cursor the listener starts from and a function
   * that stops. A listener hears only its tenant's events.
   */
  async subscribe(
    tenantId: string,
    location: TenantDbLocation,
    listener: LiveListener,
  ): Promise<{ cursor: string; stop(): void }> {
    let feed = this.#feeds.get(tenantId);
    if (!feed) {
      const cursor = await this.#withDb(tenantId, location, (db) => currentCursor(db)) ??
        { audit: "", documents: "", activity: "" };
      feed = this.#feeds.get(tenantId) ?? {
        location,
        listeners: new Set(),
        cursor,
        floor: cursor,
        seen: new SeenKeys(),
        lastPoll: Date.now(),
        generation: this.options.notices?.generation(tenantId) ?? 0,
        dirty: false,
        polling: false,
      };
      this.#feeds.set(tenantId, feed);
    }
    const current = feed;
    current.listeners.add(listener);
    this.#timer ??= setInterval(() => this.#tick(), this.tickMs);
    return {
      cursor: cursorText(current.cursor),
      stop: () => {
        current.listeners.delete(listener);
        if (current.listeners.size === 0 && this.#feeds.get(tenantId) === current) {
          this.#feeds.delete(tenantId);
        }
        if (this.#feeds.size === 0) this.#stopTimer();
      },
    };
  }

  /** How many tenants have listeners (tests and metrics). */
  get tenantsListening(): number {
    return this.#feeds.size;
  }

  /** Waits until the commit watchers have heard every commit so far (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#committed.values()].map((c) => c.chain));
  }

  /** Stops every feed (closeServices). */
  close(): void {
    this.#closed = true;
    this.#feeds.clear();
    this.#stopTimer();
    hubs.delete(this);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = Date.now();
    for (const [tenantId, feed] of this.#feeds) {
      const generation = this.options.notices?.generation(tenantId) ?? 0;
      if (feed.dirty || generation !== feed.generation || now - feed.lastPoll >= this.pollMs) {
        feed.generation = generation;
        void this.#poll(tenantId, feed);
      }
    }
  }

  async #poll(tenantId: string, feed: Feed): Promise<void> {
    if (feed.polling || this.#closed) return;
    feed.polling = true;
    feed.dirty = false;
    feed.lastPoll = Date.now();
    try {
      const read = await this.#withDb(
        tenantId,
        feed.location,
        (db) => changesSince(db, feed.cursor),
      );
      if (!read) return;
      feed.cursor = read.cursor;
      const news = read.events.filter((e) => e.at > feed.floor[SOURCE[e.kind]]);
      const fresh = feed.seen.fresh(news, read.cursor);
      if (!fresh.length) return;
      const text = cursorText(read.cursor);
      for (const listener of feed.listeners) listener(fresh, text);
    } catch (err) {
      this.options.onError?.("live updates", err);
    } finally {
      feed.polling = false;
      // A commit that arrived while reading asked again.
      if (feed.dirty && this.#feeds.get(tenantId) === feed) void this.#poll(tenantId, feed);
    }
  }

  #tellWatchers(tenantId: string, db: Client): void {
    let state = this.#committed.get(tenantId);
    if (!state) {
      // The first commit seen for this tenant: start from a little before it (the overlap).
      state = {
        cursor: startCursor(
          new Date((this.options.clock ?? systemClock).now().getTime() - 1000).toISOString(),
        ),
        seen: new SeenKeys(),
        chain: Promise.resolve(),
        queued: null,
      };
      this.#committed.set(tenantId, state);
    }
    const current = state;
    if (current.queued === db) return;
    current.queued = db;
    current.chain = current.chain.then(async () => {
      if (current.queued === db) current.queued = null;
      if (db.closed) return;
      const read = await committedChanges(db, current.cursor, current.seen);
      current.cursor = read.cursor;
      if (!read.events.length) return;
      for (const watcher of this.#watchers) await watcher(tenantId, read.events);
    }).catch((err) => this.options.onError?.("notifications from changes", err));
  }

  /** Borrows the tenant's database from the pool for one read. */
  async #withDb<T>(
    tenantId: string,
    location: TenantDbLocation,
    read: (db: Client) => Promise<T>,
  ): Promise<T | null> {
    const pool = this.poolOf();
    const lease = pool.tryAcquire(tenantId) ?? await pool.acquire(tenantId, location);
    try {
      return await read(lease.db);
    } finally {
      lease.release();
    }
  }
}
