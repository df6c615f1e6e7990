/**
 * @module db/transaction
 * Runs a function inside one write transaction and commits, or rolls back on any error, so a
 * record, its lines, its history and its search entry are written together or not at all.
 * Transactions on one database in this process take turns (db/write_lock.ts).
 */
import type { Client, Transaction } from "./client.ts";
import { detachedFromWriteLocks, withWriteLock } from "./write_lock.ts";

/** What rules and repositories need from a database: a client or an open transaction. */
export type Executor = Pick<Client, "execute"> | Pick<Transaction, "execute">;

type CommitListener = (db: Client) => void;
const commitListeners: CommitListener[] = [];

/**
 * Calls `listener` with the client after each write transaction on it commits. The listener and
 * whatever it starts run as a flow of their own that holds no write lock: a read it makes later
 * (the commit watchers' reads of what was written) goes through the client's one connection like
 * any other, instead of counting as a read inside the finished transaction and going to a second
 * connection, which opened a second copy of every written tenant's database (its own page cache,
 * read afresh and decrypted after each commit).
 */
export function onWriteCommit(listener: CommitListener): void {
  commitListeners.push(listener);
}

/**
 * Runs `work` in a write transaction on `db` once no other flow in this process has one open.
 * Inside `work`, use `tx`: asking for another write transaction on `db` throws.
 */
export function inWriteTransaction<T>(
  db: Client,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return withWriteLock(db, () => runTransaction(db, work));
}

async function runTransaction<T>(
  db: Client,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const tx = await db.transaction("write");
  try {
    const result = await work(tx);
    await tx.commit();
    for (const listener of commitListeners) detachedFromWriteLocks(() => listener(db));
    return result;
  } catch (err) {
    if (!tx.closed) await tx.rollback().catch(() => {});
    throw err;
  } finally {
    tx.close();
  }
}
