/**
 * @module domain/rules/due_dates
 * An invoice's due date: as entered, or from its terms (the customer's when the invoice has
 * none) counted from the invoice date; "wire 1 day prior" counts back from the ship date.
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import { termsDays } from "../option_lists.ts";

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The due date to store on a write. On an update, a due date that came from the terms follows a
 * change of terms, customer, invoice or ship date; one that was typed in stays as it is.
 */
export async function dueDateOnWrite(
  tx: Executor,
  values: RecordValues,
  existing: RecordValues | null,
): Promise<string> {
  if (!existing || values.due_date !== existing.due_date) return await dueDateFor(tx, values);
  const inputs = ["invoice_date", "ship_date", "payment_terms", "customer_id"];
  const moved = inputs.some((k) => (values[k] ?? null) !== (existing[k] ?? null));
  if (!moved) return await dueDateFor(tx, values);
  const derived = await dueDateFor(tx, { ...existing, due_date: null });
  return existing.due_date === derived
    ? await dueDateFor(tx, { ...values, due_date: null })
    : await dueDateFor(tx, values);
}

/** The due date as entered, else from the terms. */
export async function dueDateFor(tx: Executor, values: RecordValues): Promise<string> {
  if (values.due_date) return String(values.due_date);
  let terms = values.payment_terms as string | null;
  if (!terms && values.customer_id) {
    const rs = await tx.execute({
      sql: "SELECT payment_terms FROM customers WHERE id = ?",
      args: [values.customer_id as string],
    });
    terms = (rs.rows[0]?.payment_terms as string | null) ?? null;
  }
  const invoiceDate = String(values.invoice_date);
  const days = termsDays(terms);
  if (days === null) return invoiceDate;
  if (days < 0) return addDays(String(values.ship_date ?? invoiceDate), days);
  return addDays(invoiceDate, days);
}
