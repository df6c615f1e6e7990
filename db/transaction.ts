/**
 * @module db/transaction
 * Runs a function inside one write transaction and commits, or rolls back on any error, so a
 * record, its lines, its history and its search entry are written together or not at all.
 */
import type { Client, Transaction } from "./client.ts";

/** What rules and repositories need from a database: a client or an open transaction. */
export type Executor = Pick<Client, "execute"> | Pick<Transaction, "execute">;

type CommitListener = (db: Client) => void;
const commitListeners: CommitListener[] = [];

/** Calls `listener` with the client after each write transaction on it commits. */
export function onWriteCommit(listener: CommitListener): void {
  commitListeners.push(listener);
}

export async function inWriteTransaction<T>(
  db: Client,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const tx = await db.transaction("write");
  try {
    const result = await work(tx);
    await tx.commit();
    for (const listener of commitListeners) listener(db);
    return result;
  } catch (err) {
    if (!tx.closed) await tx.rollback().catch(() => {});
    throw err;
  } finally {
    tx.close();
  }
}
