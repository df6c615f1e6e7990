/**
 * @module tests/helpers/hrana_server
 * A loopback stand-in for Turso's remote protocol: Hrana 2 over HTTP (`POST /v2/pipeline`, JSON),
 * as @libsql/client speaks it to an `http://` URL, executing real SQL on a SQLite file. No libSQL
 * server can be installed on these machines, so tests of the control database on Turso, of
 * `deno task control:move-to-turso` and of workers claiming across machines run against this.
 *
 * What it does as sqld does: streams named by batons that change on every answer, one SQLite
 * connection per stream (so a BEGIN ... COMMIT in one stream is isolated from the others), batches
 * whose steps run under conditions (ok, error, not, and, or, is_autocommit), `sequence`,
 * `store_sql`/`close_sql`, `get_autocommit`, `close`, typed values (`{ type: "integer", value:
 * "1" }`), errors as `{ message, code }` with SQLite's code names, foreign keys on for every
 * connection (libsql-server's default), a bearer token, and streams dropped after an idle time.
 * What it does not: protocol 3 (cursors, protobuf; @libsql/client 0.18 asks for v2 over HTTP),
 * `describe`, replication (embedded replicas need Turso's sync protocol, which this is not).
 *
 * SQLite here (node:sqlite) is synchronous, so a busy wait would stall every stream: connections
 * have no busy timeout, and a statement refused with "database is locked" is retried after an
 * asynchronous pause until `busyTimeoutMs`, while other streams go on, as sqld's queue does.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

export interface HranaServerOptions {
  /** The SQLite file the server executes on (created when absent). */
  path: string;
  /** The bearer token every request must carry; none checked without it. */
  authToken?: string;
  /** A stream idle this long is closed and its open transaction rolled back (sqld: 10 s). */
  idleStreamMs?: number;
  /** How long a statement refused by SQLite's lock is retried before it fails. */
  busyTimeoutMs?: number;
  /** Fault injection: a pipeline holding a statement for which this is true answers HTTP 503. */
  failWhen?: (sql: string) => boolean;
}

export interface HranaServer {
  /** `http://127.0.0.1:<port>`: the URL to give @libsql/client. */
  url: string;
  /** Streams open now (connections held). */
  openStreams(): number;
  /** Counters for tests: pipelines answered, statements run, requests refused for the token. */
  stats: { pipelines: number; statements: number; unauthorized: number };
  close(): Promise<void>;
}

type ProtoValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

interface ProtoStmt {
  sql?: string;
  sql_id?: number;
  args?: ProtoValue[];
  named_args?: Array<{ name: string; value: ProtoValue }>;
  want_rows?: boolean;
}

type ProtoCond =
  | { type: "ok" | "error"; step: number }
  | { type: "not"; cond: ProtoCond }
  | { type: "and" | "or"; conds: ProtoCond[] }
  | { type: "is_autocommit" };

interface ProtoBatch {
  steps: Array<{ condition?: ProtoCond; stmt: ProtoStmt }>;
}

type StreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: ProtoStmt }
  | { type: "batch"; batch: ProtoBatch }
  | { type: "sequence"; sql?: string; sql_id?: number }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number }
  | { type: "get_autocommit" }
  | { type: "describe" };

type SqlValue = null | bigint | number | string | Uint8Array;

interface Stream {
  db: DatabaseSync;
  sqls: Map<number, string>;
  lastUsed: number;
}

/** SQLite's primary result codes, named as libsql-server names them in Hrana errors. */
const CODE_NAMES: Record<number, string> = {
  1: "SQLITE_ERROR",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  8: "SQLITE_READONLY",
  11: "SQLITE_CORRUPT",
  13: "SQLITE_FULL",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

class HranaError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** Starts the stand-in on a free loopback port. */
export function startHranaServer(options: HranaServerOptions): HranaServer {
  const idleMs = options.idleStreamMs ?? 10_000;
  const busyMs = options.busyTimeoutMs ?? 5_000;
  const streams = new Map<string, Stream>();
  const stats = { pipelines: 0, statements: 0, unauthorized: 0 };
  // WAL, as a libSQL server keeps its file: readers never wait for the writer. This connection
  // stays open so closing a stream's connection never checkpoints the WAL (an fsync per request).
  const anchor = new DatabaseSync(options.path);
  anchor.exec("PRAGMA journal_mode=WAL");
  // It counts as open for SQLite only once it has read (measured: 15 ms per write without it).
  anchor.prepare("SELECT COUNT(*) FROM sqlite_master").get();

  function closeStream(baton: string) {
    const stream = streams.get(baton);
    streams.delete(baton);
    // Closing a connection rolls back a transaction it left open.
    if (stream?.db.isOpen) stream.db.close();
  }

  function reapIdle() {
    const now = Date.now();
    for (const [baton, stream] of streams) {
      if (now - stream.lastUsed > idleMs) closeStream(baton);
    }
  }

  async function retryBusy<T>(run: () => T): Promise<T> {
    const deadline = Date.now() + busyMs;
    for (;;) {
      try {
        return run();
      } catch (err) {
        if (!isBusy(err) || Date.now() > deadline) throw err;
        reapIdle();
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  }

  function sqlOf(stream: Stream, sql: string | undefined, sqlId: number | undefined): string {
    if (sql !== undefined) return sql;
    const stored = sqlId === undefined ? undefined : stream.sqls.get(sqlId);
    if (stored === undefined) {
      throw new HranaError(`SQL text ${sqlId} is not stored`, "SQL_UNKNOWN");
    }
    return stored;
  }

  function execute(stream: Stream, stmt: ProtoStmt) {
    stats.statements++;
    const { db } = stream;
    const prepared = db.prepare(sqlOf(stream, stmt.sql, stmt.sql_id));
    prepared.setReadBigInts(true);
    returnArrays(prepared);
    const positional = (stmt.args ?? []).map(fromProto);
    const named = Object.fromEntries(
      (stmt.named_args ?? []).map((a) => [a.name.replace(/^[:@$]/, ""), fromProto(a.value)]),
    );
    const params: SqlValue[] | [Record<string, SqlValue>, ...SqlValue[]] = stmt.named_args?.length
      ? [named, ...positional]
      : positional;
    const cols = prepared.columns();
    let rows: unknown[][] = [];
    let affected: number;
    if (cols.length > 0) {
      const before = scalar(db, "SELECT total_changes()");
      rows = all(prepared, params);
      // A statement with rows may also write (INSERT ... RETURNING): count only what it changed.
      affected = scalar(db, "SELECT total_changes()") === before
        ? 0
        : Number(scalar(db, "SELECT changes()"));
    } else {
      affected = Number(run(prepared, params).changes);
    }
    return {
      cols: cols.map((c) => ({ name: c.name, decltype: c.type ?? null })),
      rows: stmt.want_rows === false ? [] : rows.map((r) => r.map((v) => toProto(v as SqlValue))),
      affected_row_count: affected,
      last_insert_rowid: String(scalar(db, "SELECT last_insert_rowid()")),
    };
  }

  async function batch(stream: Stream, b: ProtoBatch) {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    const holds = (c: ProtoCond): boolean => {
      switch (c.type) {
        case "ok":
          return results[c.step] != null;
        case "error":
          return errors[c.step] != null;
        case "not":
          return !holds(c.cond);
        case "and":
          return c.conds.every(holds);
        case "or":
          return c.conds.some(holds);
        case "is_autocommit":
          return !stream.db.isTransaction;
      }
    };
    for (const step of b.steps) {
      if (step.condition && !holds(step.condition)) {
        results.push(null);
        errors.push(null);
        continue;
      }
      try {
        results.push(await retryBusy(() => execute(stream, step.stmt)));
        errors.push(null);
      } catch (err) {
        results.push(null);
        errors.push(toProtoError(err));
      }
    }
    return { step_results: results, step_errors: errors };
  }

  async function answer(stream: Stream, req: StreamRequest): Promise<unknown> {
    switch (req.type) {
      case "close":
        return { type: "close" };
      case "execute":
        return { type: "execute", result: await retryBusy(() => execute(stream, req.stmt)) };
      case "batch":
        return { type: "batch", result: await batch(stream, req.batch) };
      case "sequence": {
        const sql = sqlOf(stream, req.sql, req.sql_id);
        stats.statements++;
        await retryBusy(() => stream.db.exec(sql));
        return { type: "sequence" };
      }
      case "store_sql":
        stream.sqls.set(req.sql_id, req.sql);
        return { type: "store_sql" };
      case "close_sql":
        stream.sqls.delete(req.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: !stream.db.isTransaction };
      default:
        throw new HranaError(`The stand-in does not support "${req.type}"`, "NOT_SUPPORTED");
    }
  }

  async function pipeline(req: Request): Promise<Response> {
    const body = await req.json() as { baton?: string | null; requests: StreamRequest[] };
    reapIdle();
    let baton = body.baton ?? null;
    let stream: Stream;
    if (baton) {
      const found = streams.get(baton);
      if (!found) return text(400, "The baton is invalid or its stream has expired");
      stream = found;
    } else {
      const db = new DatabaseSync(options.path, { timeout: 0 });
      // Foreign keys as libsql-server has them; no fsync per commit (a test stand-in, not a store).
      db.exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL");
      stream = { db, sqls: new Map(), lastUsed: Date.now() };
    }
    if (options.failWhen && sqlsOf(stream, body.requests).some(options.failWhen)) {
      if (!baton) stream.db.close();
      return text(503, "Injected failure");
    }
    stats.pipelines++;
    const results: unknown[] = [];
    let closed = false;
    for (const request of body.requests) {
      try {
        results.push({ type: "ok", response: await answer(stream, request) });
      } catch (err) {
        results.push({ type: "error", error: toProtoError(err) });
      }
      if (request.type === "close") closed = true;
    }
    if (baton) streams.delete(baton);
    if (closed) {
      if (stream.db.isOpen) stream.db.close();
      baton = null;
    } else {
      baton = crypto.randomUUID();
      stream.lastUsed = Date.now();
      streams.set(baton, stream);
    }
    return Response.json({ baton, base_url: null, results });
  }

  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (req.method === "GET" && path === "/v2") return text(200, "Hrana 2 over HTTP");
      if (req.method !== "POST" || path !== "/v2/pipeline") return text(404, "Not found");
      if (options.authToken && req.headers.get("authorization") !== `Bearer ${options.authToken}`) {
        stats.unauthorized++;
        await req.body?.cancel();
        return text(401, "Unauthorized: the bearer token is missing or wrong");
      }
      try {
        return await pipeline(req);
      } catch (err) {
        return text(400, `Bad request: ${(err as Error).message}`);
      }
    },
  );

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    openStreams: () => streams.size,
    stats,
    async close() {
      await server.shutdown();
      for (const baton of [...streams.keys()]) closeStream(baton);
      anchor.close();
    },
  };
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain" } });
}

/** Rows as arrays, so two columns of one name stay two (node:sqlite has it; its types lag). */
function returnArrays(stmt: StatementSync): void {
  (stmt as StatementSync & { setReturnArrays(on: boolean): void }).setReturnArrays(true);
}

function all(stmt: StatementSync, params: unknown[]): unknown[][] {
  return (stmt.all as (...a: unknown[]) => unknown[])(...params) as unknown[][];
}

function run(stmt: StatementSync, params: unknown[]) {
  return (stmt.run as (...a: unknown[]) => { changes: number | bigint })(...params);
}

function scalar(db: DatabaseSync, sql: string): unknown {
  const stmt = db.prepare(sql);
  returnArrays(stmt);
  return (stmt.get() as unknown as unknown[])[0];
}

function sqlsOf(stream: Stream, requests: StreamRequest[]): string[] {
  const out: string[] = [];
  const add = (sql: string | undefined, id: number | undefined) => {
    const text = sql ?? (id === undefined ? undefined : stream.sqls.get(id));
    if (text !== undefined) out.push(text);
  };
  for (const r of requests) {
    if (r.type === "execute") add(r.stmt.sql, r.stmt.sql_id);
    if (r.type === "batch") r.batch.steps.forEach((s) => add(s.stmt.sql, s.stmt.sql_id));
    if (r.type === "sequence") add(r.sql, r.sql_id);
    if (r.type === "store_sql") add(r.sql, undefined);
  }
  return out;
}

function isBusy(err: unknown): boolean {
  const e = err as { errcode?: number; message?: string };
  return (e.errcode !== undefined && (e.errcode & 0xff) === 5) ||
    /database is locked/.test(String(e.message));
}

function toProtoError(err: unknown): { message: string; code: string } {
  if (err instanceof HranaError) return { message: err.message, code: err.code };
  const e = err as { errcode?: number; errstr?: string; message?: string };
  const primary = e.errcode === undefined ? (isBusy(err) ? 5 : 1) : e.errcode & 0xff;
  return {
    message: `SQLite error: ${e.message ?? String(err)}`,
    code: CODE_NAMES[primary] ?? "SQLITE_ERROR",
  };
}

function fromProto(v: ProtoValue): SqlValue {
  switch (v.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(v.value);
    case "float":
      return v.value;
    case "text":
      return v.value;
    case "blob":
      return Uint8Array.from(atob(v.base64), (c) => c.charCodeAt(0));
  }
}

function toProto(v: SqlValue): ProtoValue {
  if (v === null || v === undefined) return { type: "null" };
  if (typeof v === "bigint") return { type: "integer", value: String(v) };
  if (typeof v === "number") return { type: "float", value: v };
  if (typeof v === "string") return { type: "text", value: v };
  let binary = "";
  for (const byte of v) binary += String.fromCharCode(byte);
  return { type: "blob", base64: btoa(binary) };
}
