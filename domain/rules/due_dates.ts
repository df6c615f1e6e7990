/**
 * @module domain/rules/due_dates
 * An invoice's or a bill's due date: as entered, or from its terms (the customer's, or the
 * carrier's or supplier's for a bill, when it has none) counted from the invoice or bill date;
 * "wire 1 day prior" counts back from the ship date.
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import { termsDays } from "../option_lists.ts";

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Where a record keeps the date its terms count from and the parties whose terms apply. */
export interface DueDateShape {
  date: string;
  parties: ReadonlyArray<{ key: string; table: "customers" | "carriers" | "suppliers" }>;
}

export const INVOICE_DUE: DueDateShape = {
  date: "invoice_date",
  parties: [{ key: "customer_id", table: "customers" }],
};

export const BILL_DUE: DueDateShape = {
  date: "bill_date",
  parties: [{ key: "carrier_id", table: "carriers" }, { key: "supplier_id", table: "suppliers" }],
};

/**
 * The due date to store on a write. On an update, a due date that came from the terms follows a
 * change of terms, customer, invoice or ship date; one that was typed in stays as it is.
 */
export async function dueDateOnWrite(
  tx: Executor,
  values: RecordValues,
  existing: RecordValues | null,
  shape: DueDateShape = INVOICE_DUE,
): Promise<string> {
  if (!existing || values.due_date !== existing.due_date) {
    return await dueDateFor(tx, values, shape);
  }
  const inputs = [shape.date, "ship_date", "payment_terms", ...shape.parties.map((p) => p.key)];
  const moved = inputs.some((k) => (values[k] ?? null) !== (existing[k] ?? null));
  if (!moved) return await dueDateFor(tx, values, shape);
  const derived = await dueDateFor(tx, { ...existing, due_date: null }, shape);
  return existing.due_date === derived
    ? await dueDateFor(tx, { ...values, due_date: null }, shape)
    : await dueDateFor(tx, values, shape);
}

/** The due date as entered, else from the terms. */
export async function dueDateFor(
  tx: Executor,
  values: RecordValues,
  shape: DueDateShape = INVOICE_DUE,
): Promise<string> {
  if (values.due_date) return String(values.due_date);
  let terms = values.payment_terms as string | null;
  for (const party of shape.parties) {
    if (terms || !values[party.key]) continue;
    // The table name comes from the shapes above, never from input.
    const rs = await tx.execute({
      sql: `SELECT payment_terms FROM ${party.table} WHERE id = ?`,
      args: [values[party.key] as string],
    });
    terms = (rs.rows[0]?.payment_terms as string | null) ?? null;
  }
  const invoiceDate = String(values[shape.date]);
  const days = termsDays(terms);
  if (days === null) return invoiceDate;
  if (days < 0) return addDays(String(values.ship_date ?? invoiceDate), days);
  return addDays(invoiceDate, days);
}
