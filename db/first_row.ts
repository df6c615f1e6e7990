/**
 * @module db/first_row
 * Reads the first row of a statement that returns at most one by construction (a lookup by
 * primary key, a counter, one setting) without reading the rest. libsql's `Statement.all()`, which
 * every read goes through, makes a second native call and a 100-slot array per query: 13.9-14.9 us
 * for a one-row read where `Statement.get()` costs 6.5-6.8 us (docs/benchmarks.md). The local
 * client and its transactions offer `firstRow`; any other executor answers through `execute`.
 */
import type { Client, InStatement, Row, Transaction } from "@libsql/client";

/** What db/transaction.ts calls an Executor (not imported: that module imports this one's users). */
type Executor = Pick<Client, "execute"> | Pick<Transaction, "execute">;

/** An executor that reads a statement's first row alone (db/local_client.ts, db/client.ts). */
export interface FirstRowReader {
  firstRow(stmt: InStatement): Promise<Row | undefined>;
}

/** The statement's first row, or undefined when it returns none. */
export function firstRow(db: Executor, stmt: InStatement | string): Promise<Row | undefined> {
  const statement = typeof stmt === "string" ? { sql: stmt, args: [] } : stmt;
  const reader = db as Partial<FirstRowReader>;
  return typeof reader.firstRow === "function"
    ? reader.firstRow(statement)
    : db.execute(statement).then((rs) => rs.rows[0]);
}
