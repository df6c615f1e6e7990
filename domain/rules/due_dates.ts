/**
 * @module domain/rules/due_dates
 * An invoice's or a bill's due date: as entered, or from its terms (the customer's, or the
 * carrier's or supplier's for a bill, when it has none) counted from the invoice or bill date;
 * "wire 1 day prior" counts back from the ship date; "Net 30 EOM" and "10th prox" from the end of
 * the invoice's month (dueDateFromTerms below).
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDay(d);
}

/**
 * Days from the invoice date to the due date for a terms value: "Net 30" -> 30; "Wire 1 day
 * prior" -> -1 (due before shipping); "COD", "CIA", "Due on receipt" -> 0; anything else, and
 * terms counted from a month's end ("Net 30 EOM", "10th prox", which dueDateFromTerms reads),
 * -> null.
 */
export function termsDays(terms: string | null | undefined): number | null {
  if (!terms || monthEndTerms(terms)) return null;
  const net = /\bnet\s*(\d{1,3})\b/i.exec(terms) ?? /^\s*(\d{1,3})\s*days?\b/i.exec(terms);
  if (net) return Number(net[1]);
  const prior = /\b(\d{1,2})\s*days?\s*prior\b/i.exec(terms);
  if (prior) return -Number(prior[1]);
  // Whole words: "Special terms" or "Commercial" are no cash terms.
  if (/\b(due\s+(on|upon)\s+receipt|cash\s+in\s+advance|cia|cod|c\.o\.d\.?)(?=\W|$)/i.test(terms)) {
    return 0;
  }
  return null;
}

/** "Net 30 EOM", "EOM", "10th prox", "Net 10th proximo": terms counted from the month's end. */
function monthEndTerms(terms: string): boolean {
  return /\b(eom|end\s+of\s+(the\s+)?month|prox(imo)?)\b/i.test(terms);
}

/**
 * The due date (YYYY-MM-DD) that `terms` give an invoice dated `invoiceDate` shipped on
 * `shipDate`, or null when the terms do not say (the user sets the due date):
 * - "Net 30", "30 days": 30 days after the invoice date;
 * - "Wire 1 day prior": the day before shipping;
 * - "COD", "CIA", "Due on receipt": the invoice date;
 * - "Net 30 EOM": 30 days after the end of the invoice's month; "EOM" alone, that month's end;
 * - "10th prox", "Net 10th proximo": the 10th of the month after the invoice's (the 15th if no
 *   day is named), on a shorter month its last day.
 */
export function dueDateFromTerms(
  terms: string | null | undefined,
  invoiceDate: string,
  shipDate: string = invoiceDate,
): string | null {
  if (!terms) return null;
  if (monthEndTerms(terms)) {
    const [year, month] = invoiceDate.split("-").map(Number) as [number, number];
    const prox = /\b(\d{1,2})(st|nd|rd|th)?\s*(of\s+the\s+month\s+)?prox(imo)?\b/i.exec(terms);
    if (/\bprox(imo)?\b/i.test(terms)) {
      const day = prox ? Number(prox[1]) : 15;
      if (day < 1 || day > 31) return null;
      const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate(); // the next month's
      return isoDay(new Date(Date.UTC(year, month, Math.min(day, last))));
    }
    const net = /\bnet\s*(\d{1,3})\b/i.exec(terms) ?? /\b(\d{1,3})\s*(days?\s*)?eom\b/i.exec(terms);
    const monthEnd = new Date(Date.UTC(year, month, 0));
    monthEnd.setUTCDate(monthEnd.getUTCDate() + (net ? Number(net[1]) : 0));
    return isoDay(monthEnd);
  }
  const days = termsDays(terms);
  if (days === null) return null;
  return addDays(days < 0 ? shipDate : invoiceDate, days);
}

function isoDay(d: Date): string {
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
  return dueDateFromTerms(terms, invoiceDate, String(values.ship_date ?? invoiceDate)) ??
    invoiceDate;
}
