/**
 * @module db/local_client
 * A libSQL client for a database file on this machine that keeps its prepared statements.
 *
 * @libsql/client's local client prepares every statement anew (a parse and a plan in SQLite), asks
 * the statement twice for its columns, finds out whether it returns rows by catching an
 * exception, and builds each row with one `Object.defineProperty` per value. On the mixed load
 * that was the largest share of a request's time after opening databases (bench/profile_mixed.ts).
 * This client speaks the same `Client` interface over the same native library (`libsql`), with
 * the same values, rows, errors and transaction rules, and differs where it costs nothing to a
 * caller: statements are prepared once per connection and kept in a small cache; a statement's
 * columns are read once; rows share a prototype per column list.
 *
 * Only plain local files: embedded replicas (`syncUrl`) and remote URLs stay on @libsql/client.
 */
import Database from "libsql";
import { Buffer } from "node:buffer";
import {
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type Replicated,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";
import { backgroundCheckpointer } from "./checkpointer.ts";

/** What this module uses of libsql's native statement. */
interface NativeStatement {
  readonly reader: boolean;
  raw(on?: boolean): NativeStatement;
  safeIntegers(on?: boolean): NativeStatement;
  columns(): Array<{ name: string; type: string | null }>;
  all(args: unknown): unknown[][];
  /** The first row only (the statement is reset after it), or undefined when there is none. */
  get(args: unknown): unknown[] | undefined;
  run(args: unknown): { changes: number; lastInsertRowid: number | bigint };
}

/** What this module uses of libsql's native connection. */
interface NativeDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  sync(): unknown;
  close(): void;
}

type NativeDatabaseClass = new (path: string, options: Record<string, unknown>) => NativeDatabase;
const NativeDatabase = Database as unknown as NativeDatabaseClass & {
  SqliteError: new (...args: never[]) => Error & { code: string; rawCode?: number };
};

export interface LocalClientOptions {
  /** The file's path (not a URL). */
  path: string;
  encryptionKey?: string;
  /**
   * Milliseconds a statement waits for another connection's lock, as SQLite's busy timeout, but
   * on a timer rather than asleep (`untilNotBusy`).
   */
  timeout?: number;
  /** Prepared statements kept per connection; the least recently used go first. */
  statementCacheSize?: number;
}

/**
 * Statements kept by default: a tenant's hot set. The mixed load's requests (four kinds of write,
 * lists, details, search and the dashboard) run about 70 distinct statements on a tenant's
 * connection, a record write some twenty of them. With 32 kept, one write pushed most of the
 * reads' statements out, so nearly every request of a tenant prepared again (at 1,000 tenants
 * each is asked a few times a minute): 18% of the process's CPU time was statement preparation
 * (~0.4 ms each) and a write held the thread 10-40 ms preparing its twenty statements
 * (bench/pauses.ts --profile, docs/benchmarks.md, 2026-12-07). Memory bounds it: a kept statement
 * holds native memory, 13.7 KB on average over the mix's statements (67 kept on 200 connections:
 * +179 MB RSS; 20 KB for a join with a subquery), so 80 cost up to ~1.1 MB per open tenant.
 */
export const DEFAULT_STATEMENT_CACHE_SIZE = 80;

/**
 * The path of a plain local `file:` URL, or null for anything this client does not open (URLs with
 * a query or an authority, in-memory databases): those stay on @libsql/client.
 */
export function localPathOf(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const path = url.slice("file:".length);
  if (path === "" || path.startsWith("//") || /[?#]/.test(path) || path.includes(":memory:")) {
    return null;
  }
  return path;
}

/** Told of each statement (or connection open, as `(open)`) that took `thresholdMs` or longer. */
export interface SlowStatementObserver {
  thresholdMs: number;
  observe(sql: string, startedAt: number, ms: number): void;
}

let slowStatements: SlowStatementObserver | null = null;

/**
 * Times every statement of every local connection from now on and reports the slow ones (a
 * commit that ran SQLite's checkpoint, a connection open): bench/pauses.ts's tracing. `null`
 * stops it; when off, a statement pays one comparison.
 */
export function observeSlowStatements(observer: SlowStatementObserver | null): void {
  slowStatements = observer;
}

/** Opens a local file with a statement cache; throws as @libsql/client does if it cannot. */
export function createLocalClient(options: LocalClientOptions): Client {
  return new LocalClient(options);
}

/** Waits between tries while another connection holds the lock, in ms: short first, then longer. */
const BUSY_WAITS_MS = [1, 2, 5, 10, 20, 50];
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function isBusy(err: unknown): boolean {
  return err instanceof LibsqlError && err.code === "SQLITE_BUSY";
}

/**
 * Waits while another connection holds the database's lock, as SQLite's busy timeout would, but on
 * a timer: SQLite's own busy handler *sleeps the thread*, and on this thread that is every request
 * of the process. A write that met the checkpointer thread's read of the log slept the whole
 * server 98 ms (bench/pauses.ts, 2026-12-07), and a write meeting another process's transaction
 * slept it for as long as that transaction lasted. `attempt` runs the operation once; it is tried
 * again only after SQLITE_BUSY, which SQLite returns before changing anything (a batch's own
 * transaction is rolled back first), until `timeoutMs` has passed.
 */
async function untilNotBusy<T>(timeoutMs: number, attempt: () => T | Promise<T>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let tries = 0;; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusy(err) || performance.now() >= deadline) throw err;
    }
    const wait = BUSY_WAITS_MS[Math.min(tries, BUSY_WAITS_MS.length - 1)]!;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

class LocalClient implements Client {
  closed = false;
  readonly protocol = "file";
  #options: LocalClientOptions;
  #connection: Connection;
  /** Set while a transaction holds the connection; statements wait for it. */
  #held: { released: Promise<void>; release: () => void } | null = null;

  constructor(options: LocalClientOptions) {
    this.#options = options;
    this.#connection = Connection.open(options);
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    return this.#onConnection((connection) => connection.run(stmt, args));
  }

  /** The first row of a statement that returns at most one (db/first_row.ts). */
  firstRow(stmt: InStatement): Promise<Row | undefined> {
    return this.#onConnection((connection) => connection.first(stmt));
  }

  batch(
    stmts: Array<InStatement | [string, InArgs?]>,
    mode: TransactionMode = "deferred",
  ): Promise<ResultSet[]> {
    return this.#onConnection((connection) => {
      connection.run(beginFor(mode));
      const results = connection.runAll(stmts);
      connection.run("COMMIT");
      return results;
    });
  }

  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#onConnection((connection) => {
      connection.run("PRAGMA foreign_keys=off");
      try {
        connection.run(beginFor("deferred"));
        const results = connection.runAll(stmts);
        connection.run("COMMIT");
        return results;
      } finally {
        connection.endStrayTransaction();
        connection.run("PRAGMA foreign_keys=on");
        connection.forgetStatements();
      }
    });
  }

  async executeMultiple(sql: string): Promise<void> {
    while (this.#held) await this.#held.released;
    const connection = this.#usable();
    try {
      connection.exec(sql);
    } finally {
      connection.endStrayTransaction();
    }
  }

  async transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    // The BEGIN waits for another connection's lock; once it holds, the transaction is ours.
    const connection = await untilNotBusy(this.#busyTimeoutMs(), async () => {
      while (this.#held) await this.#held.released;
      const connection = this.#usable();
      connection.run(beginFor(mode));
      return connection;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    const held = { released, release };
    this.#held = held;
    return new LocalTransaction(connection, () => {
      if (this.#held === held) this.#held = null;
      connection.endStrayTransaction();
      release();
    });
  }

  async sync(): Promise<Replicated> {
    while (this.#held) await this.#held.released;
    const connection = this.#usable();
    try {
      connection.sync();
    } catch (err) {
      throw toLibsqlError(err);
    }
    return undefined;
  }

  close(): void {
    this.closed = true;
    this.#connection.close();
    this.#held?.release();
    this.#held = null;
  }

  reconnect(): void {
    this.#connection.close();
    this.#held?.release();
    this.#held = null;
    this.#connection = Connection.open(this.#options);
    this.closed = false;
  }

  /**
   * Runs `operation` on the connection once no transaction of this client holds it, and again
   * after a wait while another connection's lock stands in its way (`untilNotBusy`). A
   * transaction `operation` left open (a failed batch) is rolled back before the next try.
   */
  #onConnection<T>(operation: (connection: Connection) => T): Promise<T> {
    if (!this.#held) {
      // The common case, in this turn and without a promise to wait on: a statement outside any
      // transaction runs at once (a cached read costs no extra hop).
      let connection: Connection | undefined;
      try {
        connection = this.#usable();
        return Promise.resolve(operation(connection));
      } catch (err) {
        if (!isBusy(err)) return Promise.reject(err);
      } finally {
        connection?.endStrayTransaction();
      }
    }
    return untilNotBusy(this.#busyTimeoutMs(), async () => {
      while (this.#held) await this.#held.released;
      const connection = this.#usable();
      try {
        return operation(connection);
      } finally {
        connection.endStrayTransaction();
      }
    });
  }

  #busyTimeoutMs(): number {
    return this.#options.timeout ?? DEFAULT_BUSY_TIMEOUT_MS;
  }

  /**
   * The connection, checked usable. Callers first wait while a transaction holds it and then call
   * this in the same turn, so nothing can take the connection between the check and the use.
   */
  #usable(): Connection {
    if (this.closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
    if (!this.#connection.open) {
      throw new LibsqlError(
        "The connection was closed while this operation was in flight",
        "CLIENT_CLOSED",
      );
    }
    return this.#connection;
  }
}

class LocalTransaction implements Transaction {
  #connection: Connection | null;
  #settle: () => void;

  constructor(connection: Connection, settle: () => void) {
    this.#connection = connection;
    this.#settle = settle;
  }

  get closed(): boolean {
    const connection = this.#connection;
    return connection === null || !connection.open || !connection.inTransaction;
  }

  execute(stmt: InStatement): Promise<ResultSet>;
  execute(sql: string, args?: InArgs): Promise<ResultSet>;
  execute(stmt: InStatement | string, args?: InArgs): Promise<ResultSet> {
    try {
      return Promise.resolve(this.#open().run(stmt, args));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The first row of a statement that returns at most one (db/first_row.ts). */
  firstRow(stmt: InStatement): Promise<Row | undefined> {
    try {
      return Promise.resolve(this.#open().first(stmt));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  batch(stmts: Array<InStatement>): Promise<ResultSet[]> {
    try {
      return Promise.resolve(this.#open().runAll(stmts));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  executeMultiple(sql: string): Promise<void> {
    try {
      this.#open().exec(sql);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  rollback(): Promise<void> {
    const connection = this.#connection;
    try {
      if (connection && connection.open) {
        if (this.closed) throw transactionClosed();
        connection.run("ROLLBACK");
      }
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    } finally {
      this.#done();
    }
  }

  commit(): Promise<void> {
    try {
      this.#open().run("COMMIT");
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    } finally {
      this.#done();
    }
  }

  close(): void {
    const connection = this.#connection;
    if (connection === null) return;
    try {
      // Reading inTransaction on a closed database aborts the process: check open first.
      if (connection.open && connection.inTransaction) connection.run("ROLLBACK");
    } finally {
      this.#done();
    }
  }

  #open(): Connection {
    if (this.closed) throw transactionClosed();
    return this.#connection!;
  }

  #done(): void {
    if (this.#connection === null) return;
    this.#connection = null;
    this.#settle();
  }
}

function transactionClosed(): LibsqlError {
  return new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
}

/** A prepared statement with what its results need, read once. */
interface Prepared {
  statement: NativeStatement;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
  makeRow: (values: unknown[]) => Row;
}

/** One native connection and its statement cache. */
class Connection {
  #db: NativeDatabase;
  #cache = new Map<string, Prepared>();
  #cacheSize: number;
  #options: LocalClientOptions;

  private constructor(db: NativeDatabase, options: LocalClientOptions) {
    this.#db = db;
    this.#options = options;
    this.#cacheSize = options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE;
  }

  /** Tells the background checkpointer, if the process runs one, that this file was written. */
  #noteWrite(): void {
    backgroundCheckpointer()?.noteWrite(this.#options.path, this.#options.encryptionKey);
  }

  static open(options: LocalClientOptions): Connection {
    const watch = slowStatements;
    const startedAt = watch ? performance.now() : 0;
    let db: NativeDatabase;
    try {
      // No busy handler of SQLite's: it would sleep this thread (see `untilNotBusy`).
      db = new NativeDatabase(options.path, { encryptionKey: options.encryptionKey, timeout: 0 });
    } catch (err) {
      throw toLibsqlError(err);
    }
    const connection = new Connection(db, options);
    try {
      // Fail at open, as @libsql/client does, when the file is not a database or the key is wrong.
      connection.run("SELECT 1 AS checkThatTheDatabaseCanBeOpened");
    } catch (err) {
      connection.close();
      throw err;
    }
    if (watch) {
      const ms = performance.now() - startedAt;
      if (ms >= watch.thresholdMs) watch.observe("(open)", startedAt, ms);
    }
    return connection;
  }

  get open(): boolean {
    return this.#db.open;
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  run(stmt: InStatement | string, args?: InArgs): ResultSet {
    const watch = slowStatements;
    if (watch === null) return this.#run(stmt, args);
    const startedAt = performance.now();
    try {
      return this.#run(stmt, args);
    } finally {
      const ms = performance.now() - startedAt;
      if (ms >= watch.thresholdMs) {
        watch.observe(typeof stmt === "string" ? stmt : stmt.sql, startedAt, ms);
      }
    }
  }

  /** The first row of `stmt` alone (db/first_row.ts); timed as `run` is. */
  first(stmt: InStatement): Row | undefined {
    const watch = slowStatements;
    if (watch === null) return this.#first(stmt);
    const startedAt = performance.now();
    try {
      return this.#first(stmt);
    } finally {
      const ms = performance.now() - startedAt;
      if (ms >= watch.thresholdMs) {
        watch.observe(typeof stmt === "string" ? stmt : stmt.sql, startedAt, ms);
      }
    }
  }

  #first(stmt: InStatement): Row | undefined {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    let prepared: Prepared;
    let values: unknown[] | undefined;
    try {
      const bound = bindArgs(typeof stmt === "string" ? undefined : stmt.args);
      prepared = this.#prepare(sql);
      // A write (RETURNING or not) goes the usual way: it must run to its end.
      if (!prepared.reader || !isPlainRead(sql)) return this.#run(stmt).rows[0];
      values = prepared.statement.get(bound);
    } catch (err) {
      throw toLibsqlError(err);
    }
    if (values === undefined) return undefined;
    if (values.length !== prepared.columns.length) {
      // The schema changed under a kept statement (see #run): read its columns again.
      this.#cache.delete(sql);
      return this.#first(stmt);
    }
    return prepared.makeRow(values);
  }

  #run(stmt: InStatement | string, args?: InArgs): ResultSet {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const given = typeof stmt === "string" ? args : stmt.args;
    try {
      const bound = bindArgs(given);
      const prepared = this.#prepare(sql);
      if (!prepared.reader) {
        const info = prepared.statement.run(bound);
        this.#noteWrite();
        if (isSchemaChange(sql)) this.forgetStatements();
        return new LocalResultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      const values = prepared.statement.all(bound);
      if (values.length > 0 && values[0]!.length !== prepared.columns.length) {
        // The schema changed under a kept statement (another connection altered a table that a
        // `SELECT *` reads): SQLite re-prepared it; read its columns again.
        this.#cache.delete(sql);
        return this.#run(stmt, args);
      }
      const rows = new Array<Row>(values.length);
      for (let i = 0; i < values.length; i++) rows[i] = prepared.makeRow(values[i]!);
      return new LocalResultSet(prepared.columns, prepared.columnTypes, rows, 0, undefined);
    } catch (err) {
      throw toLibsqlError(err);
    }
  }

  runAll(stmts: Array<InStatement | [string, InArgs?]>): ResultSet[] {
    const results: ResultSet[] = [];
    for (let i = 0; i < stmts.length; i++) {
      try {
        if (!this.#db.inTransaction) {
          throw new LibsqlBatchError(
            "The transaction has been rolled back",
            i,
            "TRANSACTION_CLOSED",
          );
        }
        const stmt = stmts[i]!;
        results.push(Array.isArray(stmt) ? this.run(stmt[0], stmt[1]) : this.run(stmt));
      } catch (err) {
        if (err instanceof LibsqlBatchError) throw err;
        if (err instanceof LibsqlError) {
          throw new LibsqlBatchError(
            err.message.replace(`${err.code}: `, ""),
            i,
            err.code,
            err.extendedCode,
            err.rawCode,
            err.cause instanceof Error ? err.cause : undefined,
          );
        }
        throw err;
      }
    }
    return results;
  }

  exec(sql: string): void {
    try {
      this.#db.exec(sql);
      this.#noteWrite();
    } catch (err) {
      throw toLibsqlError(err);
    } finally {
      this.forgetStatements();
    }
  }

  sync(): void {
    this.#db.sync();
  }

  /** Rolls back a transaction a statement left open outside `transaction()`, as the pool did. */
  endStrayTransaction(): void {
    if (!this.#db.open || !this.#db.inTransaction) return;
    try {
      this.#db.prepare("ROLLBACK").run([]);
    } catch {
      this.close();
    }
  }

  /** Drops every kept statement (after a schema change on this connection). */
  forgetStatements(): void {
    this.#cache.clear();
  }

  close(): void {
    this.#cache.clear();
    try {
      if (this.#db.open) {
        // libSQL closes the connection only once V8 has collected its statements (the pool
        // forces that when too many wait, tenants/pool.ts); until then it would keep its page
        // cache. Freed now: 143-147 instead of 183-187 KiB more resident memory per tenant
        // served past a full pool (bench/provisioning.ts, 300 tenants, pool 75).
        try {
          this.#db.exec("PRAGMA shrink_memory");
        } finally {
          this.#db.close();
        }
      }
    } catch {
      // nothing useful to do while tearing down
    }
  }

  #prepare(sql: string): Prepared {
    const cached = this.#cache.get(sql);
    if (cached) {
      // Most recently used last: a Map iterates in insertion order, so the first key is the oldest.
      this.#cache.delete(sql);
      this.#cache.set(sql, cached);
      return cached;
    }
    const statement = this.#db.prepare(sql);
    statement.safeIntegers(true);
    const reader = statement.reader;
    let shape = NO_COLUMNS;
    if (reader) {
      statement.raw(true);
      shape = sharedShape(statement.columns());
    }
    // Spelled out, not spread: a spread builds the object a property at a time, and 80,000 kept
    // statements then each carried an extra out-of-object property array.
    const { columns, columnTypes, makeRow } = shape;
    const prepared = { statement, reader, columns, columnTypes, makeRow };
    if (this.#cacheSize > 0) {
      if (this.#cache.size >= this.#cacheSize) {
        this.#cache.delete(this.#cache.keys().next().value!);
      }
      this.#cache.set(sql, prepared);
    }
    return prepared;
  }
}

/**
 * A SELECT: the only statements whose first row may be read alone. A write with RETURNING also
 * has rows, but stopping after its first could leave the rest of the write undone.
 */
function isPlainRead(sql: string): boolean {
  return /^\s*select\b/i.test(sql);
}

/** DDL changes what kept statements compiled against; SQLite re-prepares, columns may differ. */
function isSchemaChange(sql: string): boolean {
  return /^\s*(create|alter|drop)\b/i.test(sql);
}

function beginFor(mode: TransactionMode): string {
  switch (mode) {
    case "write":
      return "BEGIN IMMEDIATE";
    case "read":
      return "BEGIN TRANSACTION READONLY";
    case "deferred":
      return "BEGIN DEFERRED";
    default:
      throw new RangeError(
        'Unknown transaction mode, supported values are "write", "read" and "deferred"',
      );
  }
}

class LocalResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((row) => Array.prototype.map.call(row, valueToJson)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid !== undefined ? "" + this.lastInsertRowid : null,
    };
  }
}

function valueToJson(value: unknown): unknown {
  if (typeof value === "bigint") return "" + value;
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString("base64");
  return value;
}

/** What a statement's results need to know of its columns, the same for every statement alike. */
interface ColumnShape {
  columns: string[];
  columnTypes: string[];
  makeRow: (values: unknown[]) => Row;
}

/** Column shapes by names and declared types, shared by every connection (see `sharedShape`). */
const shapes = new Map<string, ColumnShape>();
/** Row makers by column list, shared by every connection (see `sharedRowMaker`). */
const rowMakers = new Map<string, (values: unknown[]) => Row>();
const MAX_SHARED = 4096;

/** The shape of a statement that returns no rows. */
const NO_COLUMNS: ColumnShape = { columns: [], columnTypes: [], makeRow: sharedRowMaker([]) };

/** `map`'s entry for `key`, made by `make` on first need; the oldest entry goes past the bound. */
function sharedEntry<T>(map: Map<string, T>, key: string, make: () => T): T {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = make();
    map.set(key, entry);
    if (map.size > MAX_SHARED) map.delete(map.keys().next().value!);
  }
  return entry;
}

/**
 * The column names, types and row maker of a statement, one set per distinct column list in the
 * process: the native binding returns fresh strings for every statement it describes, so 80 kept
 * statements on each of 1,000 tenants' connections held 280,000 copies of "TEXT" and as many of
 * the column names, half a million of the 2 million objects every full collection walked (heap
 * snapshot of the mixed load, 2026-12-07).
 */
function sharedShape(described: Array<{ name: string; type: string | null }>): ColumnShape {
  const columns = described.map((c) => c.name);
  const columnTypes = described.map((c) => c.type ?? "");
  const key = `${columns.join("\u0000")}\u0001${columnTypes.join("\u0000")}`;
  return sharedEntry(shapes, key, () => ({
    columns,
    columnTypes,
    makeRow: sharedRowMaker(columns),
  }));
}

/**
 * The row maker for `columns`, one per distinct column list in the process: the same statement on
 * 1,000 tenants' connections builds its rows with one prototype, not 1,000 prototypes of a getter
 * per column each (with 80 statements kept per connection those were over a million functions
 * on the heap that every full collection walked).
 */
function sharedRowMaker(columns: string[]): (values: unknown[]) => Row {
  return sharedEntry(rowMakers, columns.join("\u0000"), () => rowMaker(columns));
}

/**
 * How a statement's rows are built. A row answers by column name (own, enumerable, the first of
 * a repeated name) and by position (not enumerable), and has a non-enumerable `length`, exactly
 * as @libsql/client's rows do. Positions and `length` live on a prototype shared by every row of
 * the statement, so a row costs one plain property per column. Column lists where a name repeats,
 * looks like a position or is `length` get rows built one property at a time, as before.
 */
function rowMaker(columns: string[]): (values: unknown[]) => Row {
  const plain = new Set(columns).size === columns.length &&
    columns.every((name) => name !== "length" && !/^(0|[1-9]\d*)$/.test(name));
  if (!plain) return (values) => slowRow(values, columns);
  const descriptors: PropertyDescriptorMap = { length: { value: columns.length } };
  columns.forEach((name, i) => {
    descriptors[i] = {
      get(this: Record<string, unknown>) {
        return this[name];
      },
    };
  });
  const proto = Object.create(Object.prototype, descriptors);
  const count = columns.length;
  return (values) => {
    const row = Object.create(proto);
    for (let i = 0; i < count; i++) row[columns[i]!] = fromSql(values[i]);
    return row as Row;
  };
}

function slowRow(values: unknown[], columns: string[]): Row {
  const row: Record<string | number, unknown> = {};
  Object.defineProperty(row, "length", { value: values.length });
  for (let i = 0; i < values.length; i++) {
    const value = fromSql(values[i]);
    Object.defineProperty(row, i, { value });
    const column = columns[i]!;
    if (!Object.hasOwn(row, column)) {
      Object.defineProperty(row, column, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  return row as unknown as Row;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -9223372036854775808n;
const MAX_INT64 = 9223372036854775807n;

/** Integers come back as numbers (the client's default `intMode`), refusing any beyond 2^53. */
function fromSql(value: unknown): unknown {
  if (typeof value === "bigint") {
    if (value < MIN_SAFE || value > MAX_SAFE) {
      throw new RangeError(
        "Received integer which cannot be safely represented as a JavaScript number",
      );
    }
    return Number(value);
  }
  if (value instanceof Buffer) return value.buffer;
  return value;
}

function toSql(value: InValue): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    }
    return value;
  }
  if (typeof value === "bigint") {
    if (value < MIN_INT64 || value > MAX_INT64) {
      throw new RangeError(
        "bigint is too large to be represented as a 64-bit integer and passed as argument",
      );
    }
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) {
    throw new TypeError("undefined cannot be passed as argument to the database");
  }
  return value;
}

function bindArgs(args: InArgs | undefined): unknown {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const name in args) {
    const bare = name[0] === "@" || name[0] === "$" || name[0] === ":" ? name.substring(1) : name;
    named[bare] = toSql(args[name]!);
  }
  return named;
}

/** libsql's SqliteError as the LibsqlError @libsql/client throws (base code, extended code). */
function toLibsqlError(err: unknown): unknown {
  if (err instanceof NativeDatabase.SqliteError) {
    const raw = err.rawCode;
    const code = raw === undefined
      ? "SQLITE_UNKNOWN"
      : BASE_CODES[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`;
    return new LibsqlError(err.message, code, err.code, raw, err);
  }
  return err;
}

const BASE_CODES: Record<number, string> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  16: "SQLITE_EMPTY",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  24: "SQLITE_FORMAT",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
  27: "SQLITE_NOTICE",
  28: "SQLITE_WARNING",
};
