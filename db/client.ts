/**
 * @module db/client
 * Opens libSQL clients the one safe way on these machines: with a busy timeout, WAL and foreign keys.
 * Without a timeout a SQLITE_BUSY leaves a client that reports writes it then loses (RECIPES.md).
 * Statements from other flows wait while a write transaction is open (db/write_lock.ts).
 */
import {
  type Client,
  createClient,
  type InArgs,
  type InStatement,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";
import { createLocalClient, localPathOf } from "./local_client.ts";
import { holdsWriteLock, writeLockWait } from "./write_lock.ts";
import { withBusinessDay } from "./business_day.ts";
import { firstRow } from "./first_row.ts";
import { backgroundCheckpointer, WAL_CAP_PAGES, WAL_KEEP_BYTES } from "./checkpointer.ts";

export type { Client, InStatement, ResultSet, Row, Transaction } from "@libsql/client";

export interface OpenOptions {
  /** `file:` path, or a remote URL for embedded replicas (see tenants/turso_provider.ts). */
  url: string;
  syncUrl?: string;
  authToken?: string;
  syncInterval?: number;
  encryptionKey?: string;
  /** Prepared statements kept per connection of a local file (db/local_client.ts). */
  statementCacheSize?: number;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * The one connection a client keeps. @libsql/client 0.18 pools up to 20 connections per client
 * and opens another whenever two statements overlap (a `Promise.all` of queries does), each
 * paying the key derivation of an encrypted file and a parse of the schema, and each without the
 * settings applySettings() gave the first (synchronous=NORMAL: the others fsync every commit).
 * libSQL runs statements synchronously on this thread, so more connections add no parallelism;
 * writers already take turns (db/write_lock.ts), and a read transaction gets its own short-lived
 * connection (LockAwareClient.transaction). Measured on the mixed load: bench/profile_mixed.ts.
 */
function createOneConnectionClient(options: OpenOptions): Client {
  const path = options.syncUrl ? null : localPathOf(options.url);
  if (path !== null) {
    // A plain local file: the client that keeps its prepared statements (db/local_client.ts).
    return createLocalClient({
      path,
      encryptionKey: options.encryptionKey,
      timeout: BUSY_TIMEOUT_MS,
      statementCacheSize: options.statementCacheSize,
    });
  }
  return createClient({ ...options, timeout: BUSY_TIMEOUT_MS, concurrency: 1 });
}

/** Opens a client, applies WAL and foreign keys, and returns it ready for use. */
export async function openDatabase(options: OpenOptions): Promise<Client> {
  const client = new LockAwareClient(createOneConnectionClient(options), options);
  try {
    await applySettings(client, options);
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

/**
 * Reopens `client`'s database with other options (e.g. a new encryption key), keeping the handle
 * every holder has: closes its connections (SQLite then folds the WAL into the file), runs
 * `swapFiles` (e.g. renames a re-encrypted copy into place), opens again. Hold the write lock.
 */
export async function reopenDatabase(
  client: Client,
  options: OpenOptions,
  swapFiles: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  if (!(client instanceof LockAwareClient)) {
    throw new Error("reopenDatabase() needs a client opened by openDatabase().");
  }
  client.closeInner();
  await swapFiles();
  const inner = createOneConnectionClient(options);
  try {
    await applySettings(inner, options);
  } catch (err) {
    inner.close();
    throw err;
  }
  client.replaceInner(inner, options);
}

async function applySettings(client: Client, options: OpenOptions): Promise<void> {
  // Embedded replicas manage their own local file; journal settings belong to the primary.
  if (options.url.startsWith("file:") && !options.syncUrl) {
    await client.execute("PRAGMA journal_mode=WAL");
    await client.execute("PRAGMA synchronous=NORMAL");
    if (backgroundCheckpointer()) {
      // Checkpoints run on the checkpointer's thread; SQLite's own only past the cap.
      await client.execute(`PRAGMA wal_autocheckpoint=${WAL_CAP_PAGES}`);
      await client.execute(`PRAGMA journal_size_limit=${WAL_KEEP_BYTES}`);
    }
  }
  await client.execute("PRAGMA foreign_keys=ON");
}

/**
 * A client whose statements outside a transaction first wait for a write transaction another flow
 * holds on it, so they never meet SQLite's lock while that transaction is between statements.
 */
class LockAwareClient implements Client {
  #inner: Client;
  #options: OpenOptions;
  #side: Promise<Client> | null = null;
  /** Set on tenant databases (bindBusinessDay): the day `{{business_day}}` stands for in SQL. */
  businessDay: (() => string) | null = null;

  constructor(inner: Client, options: OpenOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  get closed(): boolean {
    return this.#inner.closed;
  }

  get protocol(): string {
    return this.#inner.protocol;
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    if (this.businessDay) stmt = withBusinessDay(stmt, this.businessDay);
    const on = (c: Client) => typeof stmt === "string" ? c.execute(stmt, args) : c.execute(stmt);
    if (holdsWriteLock(this) && this.#localFile()) return this.#onSide(on);
    const run = () => on(this.#inner);
    return writeLockWait(this) ? this.#afterLock(run) : run();
  }

  /**
   * The first row of a statement that returns at most one (db/first_row.ts), with the same waits
   * and connections as `execute`.
   */
  firstRow(stmt: InStatement): Promise<Row | undefined> {
    if (this.businessDay) stmt = withBusinessDay(stmt, this.businessDay) as InStatement;
    const on = (c: Client) => firstRow(c, stmt);
    if (holdsWriteLock(this) && this.#localFile()) return this.#onSide(on);
    const run = () => on(this.#inner);
    return writeLockWait(this) ? this.#afterLock(run) : run();
  }

  batch(
    stmts: Array<InStatement | [string, InArgs?]>,
    mode?: TransactionMode,
  ): Promise<ResultSet[]> {
    const day = this.businessDay;
    if (day) stmts = stmts.map((s) => Array.isArray(s) ? s : withBusinessDay(s, day));
    if (holdsWriteLock(this) && this.#localFile()) return this.#onSide((c) => c.batch(stmts, mode));
    const run = () => this.#inner.batch(stmts, mode);
    return writeLockWait(this) ? this.#afterLock(run) : run();
  }

  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#afterLock(() => this.#inner.migrate(stmts));
  }

  executeMultiple(sql: string): Promise<void> {
    return this.#afterLock(() => this.#inner.executeMultiple(sql));
  }

  /**
   * Interactive write transactions take the write lock through `inWriteTransaction`, not here. A
   * read transaction (a consistent snapshot for an export that takes a while) runs on a
   * connection of its own, so the client's one connection keeps serving everyone else; a local
   * file only (an embedded replica has one connection by design).
   */
  async transaction(mode?: TransactionMode): Promise<Transaction> {
    let tx: Transaction;
    if (mode === "read" && this.#localFile()) {
      const own = createOneConnectionClient(this.#options);
      try {
        tx = new OwnConnectionTransaction(await own.transaction(mode), own);
      } catch (err) {
        own.close();
        throw err;
      }
    } else {
      tx = await this.#inner.transaction(mode);
    }
    return this.businessDay ? new BusinessDayTransaction(tx, this.businessDay) : tx;
  }

  sync() {
    return this.#inner.sync();
  }

  close(): void {
    this.#inner.close();
    this.#closeSide();
  }

  reconnect(): void {
    this.#inner.reconnect();
  }

  /** Closes the connections under this handle, for `reopenDatabase`. */
  closeInner(): void {
    this.#inner.close();
    this.#closeSide();
  }

  /** Puts a new connection under this handle, for `reopenDatabase`. */
  replaceInner(inner: Client, options: OpenOptions): void {
    this.#inner = inner;
    this.#options = options;
  }

  /**
   * A statement on the client from the flow that holds its write transaction (a read that should
   * see the committed state) cannot wait for the one connection the transaction holds: it runs on
   * a second connection, opened on first need and kept while the client is open.
   */
  async #onSide<T>(run: (connection: Client) => Promise<T>): Promise<T> {
    if (!this.#side) {
      const options = this.#options;
      this.#side = (async () => {
        const side = createOneConnectionClient(options);
        try {
          await applySettings(side, options);
          return side;
        } catch (err) {
          side.close();
          throw err;
        }
      })();
      this.#side.catch(() => (this.#side = null));
    }
    return await run(await this.#side);
  }

  /** A plain local file: a second connection to it is safe (an embedded replica's is not). */
  #localFile(): boolean {
    return this.#options.url.startsWith("file:") && !this.#options.syncUrl;
  }

  #closeSide(): void {
    void this.#side?.then((side) => side.close(), () => {});
    this.#side = null;
  }

  /** Runs `run` once no other flow holds or awaits the write lock (rechecked after each wait). */
  async #afterLock<T>(run: () => Promise<T>): Promise<T> {
    for (let wait = writeLockWait(this); wait; wait = writeLockWait(this)) await wait;
    return await run();
  }
}

/** A transaction on a connection opened for it alone, closed with it. */
class OwnConnectionTransaction implements Transaction {
  constructor(readonly inner: Transaction, readonly connection: Client) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    return this.inner.execute(stmt);
  }

  batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.inner.batch(stmts);
  }

  executeMultiple(sql: string): Promise<void> {
    return this.inner.executeMultiple(sql);
  }

  async rollback(): Promise<void> {
    try {
      await this.inner.rollback();
    } finally {
      this.connection.close();
    }
  }

  async commit(): Promise<void> {
    try {
      await this.inner.commit();
    } finally {
      this.connection.close();
    }
  }

  close(): void {
    this.inner.close();
    this.connection.close();
  }
}

/** A transaction on a tenant database: its statements see the tenant's business day too. */
class BusinessDayTransaction implements Transaction {
  constructor(readonly inner: Transaction, readonly day: () => string) {}

  get closed(): boolean {
    return this.inner.closed;
  }

  execute(stmt: InStatement | string): Promise<ResultSet> {
    return this.inner.execute(withBusinessDay(stmt, this.day) as InStatement);
  }

  firstRow(stmt: InStatement): Promise<Row | undefined> {
    return firstRow(this.inner, withBusinessDay(stmt, this.day) as InStatement);
  }

  batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.inner.batch(stmts.map((s) => withBusinessDay(s, this.day) as InStatement));
  }

  executeMultiple(sql: string): Promise<void> {
    return this.inner.executeMultiple(sql);
  }

  rollback(): Promise<void> {
    return this.inner.rollback();
  }

  commit(): Promise<void> {
    return this.inner.commit();
  }

  close(): void {
    this.inner.close();
  }
}

/**
 * Makes `{{business_day}}` in this client's SQL stand for `day()` (the tenant's today, from the
 * clock in Services and the tenant's time zone). Only clients from `openDatabase` can carry it.
 */
export function bindBusinessDay(client: Client, day: () => string): void {
  if (!(client instanceof LockAwareClient)) {
    throw new Error("bindBusinessDay() needs a client opened by openDatabase().");
  }
  client.businessDay = day;
}

/** Converts a local path into a libSQL `file:` URL. */
export function fileUrl(path: string): string {
  return `file:${path}`;
}

/** Reads column `name` of the first row as a string or null: spares callers casting libSQL values. */
export function firstString(rs: { rows: Array<Record<string, unknown>> }, name: string) {
  const v = rs.rows[0]?.[name];
  return v === undefined || v === null ? null : String(v);
}

/** Resolves when the database answers a query (readiness probes); rejects when it cannot. */
export async function ping(db: Pick<Client, "execute">): Promise<void> {
  await db.execute("SELECT 1");
}
