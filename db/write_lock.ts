/**
 * @module db/write_lock
 * One write transaction at a time per database in this process, waited for without blocking.
 *
 * A local libSQL client runs SQL synchronously on the JavaScript thread. While an interactive
 * transaction holds SQLite's write lock, any other write to the same file goes through a second
 * connection whose busy handler *sleeps the thread* for the busy timeout: the transaction that
 * holds the lock cannot run its next statement meanwhile, so every tenant's requests stall for
 * the whole timeout and the second writer then fails with SQLITE_BUSY. Requests interleave at
 * every `await`, so two users saving at once is enough. Here the second writer waits on a promise
 * instead. Locks held by other connections (another process, the checkpointer's thread) are
 * waited for on a timer too (db/local_client.ts `untilNotBusy`), never by SQLite's sleeping busy
 * handler.
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface LockState {
  /** Settles when the current holder and everyone queued before the newest waiter are done. */
  tail: Promise<void>;
  /** Waiters plus the holder; the entry is dropped when it reaches zero. */
  pending: number;
}

// Kept by the module, not in Services: the lock belongs to a database connection object, whose
// lifetime it follows (a WeakMap entry goes with the connection), and every transaction of the
// database layer takes it; in Services it would mean handing Services to db/, below it.
const locks = new WeakMap<object, LockState>();
/** The databases whose lock the current async flow holds. */
const held = new AsyncLocalStorage<ReadonlySet<object>>();

/** Thrown when a flow that holds a database's write lock asks for it again. */
export class NestedWriteTransactionError extends Error {
  constructor() {
    super(
      "A write transaction is already open on this database in this flow: pass its transaction " +
        "down instead of opening another one.",
    );
    this.name = "NestedWriteTransactionError";
  }
}

/** Whether the current async flow holds `db`'s write lock. */
export function holdsWriteLock(db: object): boolean {
  return held.getStore()?.has(db) ?? false;
}

/**
 * Runs `work` holding `db`'s write lock: after every earlier holder in this process is done, and
 * with the lock released however `work` ends.
 */
export async function withWriteLock<T>(db: object, work: () => Promise<T>): Promise<T> {
  if (holdsWriteLock(db)) throw new NestedWriteTransactionError();
  const state = locks.get(db) ?? { tail: Promise.resolve(), pending: 0 };
  const before = state.tail;
  let release!: () => void;
  state.tail = new Promise<void>((resolve) => (release = resolve));
  state.pending++;
  locks.set(db, state);
  try {
    await before;
    const mine = new Set(held.getStore() ?? []);
    mine.add(db);
    return await held.run(mine, work);
  } finally {
    if (--state.pending === 0) locks.delete(db);
    release();
  }
}

/**
 * For a statement outside any transaction: a promise to await first when another flow holds (or
 * waits for) `db`'s write lock, else `undefined` so the common case costs one map lookup.
 */
export function writeLockWait(db: object): Promise<void> | undefined {
  const state = locks.get(db);
  if (!state || holdsWriteLock(db)) return undefined;
  return state.tail;
}

/**
 * Runs `work` as a flow of its own that holds no write lock, for work a transaction's flow starts
 * but does not wait for (an after-commit listener that writes in a transaction of its own):
 * otherwise it would count as nested in the transaction that started it.
 */
export function detachedFromWriteLocks<T>(work: () => T): T {
  return held.run(new Set(), work);
}
