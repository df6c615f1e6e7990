/**
 * @module domain/aging
 * The aging buckets shared by receivables (invoices by customer, domain/reports.ts) and payables
 * (bills by vendor, domain/payables/aging.ts): current, 1-30, 31-60, 61-90, over 90 days past due.
 */

export const AGING_BUCKETS = ["current", "1-30", "31-60", "61-90", "over 90"] as const;
export type AgingBucket = typeof AGING_BUCKETS[number];

/** Zero in every bucket. */
export function emptyBuckets(): Record<AgingBucket, number> {
  return { "current": 0, "1-30": 0, "31-60": 0, "61-90": 0, "over 90": 0 };
}

/**
 * What was still owed on a receivable (`table` invoices) or payable (bills) row `<alias>` at the
 * end of the day bound as `:asOf`: its outstanding now plus the payments dated after that day.
 * An aging "as of" a past day must not be shortened by money that came in later (a customer who
 * paid on the 5th still owed the whole invoice at the end of last month).
 */
export function outstandingAsOfSql(alias: string, table: "invoices" | "bills"): string {
  const fk = table === "invoices" ? "invoice_id" : "bill_id";
  return `(${alias}.outstanding_cents + COALESCE((SELECT SUM(p.amount_cents) FROM payments p
    WHERE p.${fk} = ${alias}.id AND p.archived_at IS NULL AND p.paid_on > :asOf), 0))`;
}

/**
 * The invoices `i` that were open receivables at the end of `:asOf`: sent, not archived, dated by
 * then, and owing something now or paid after that day.
 */
export const RECEIVABLE_AS_OF = `i.state = 'sent' AND i.archived_at IS NULL
  AND i.invoice_date <= :asOf
  AND (i.outstanding_cents > 0 OR i.id IN (SELECT p.invoice_id FROM payments p
    WHERE p.paid_on > :asOf AND p.archived_at IS NULL AND p.invoice_id IS NOT NULL))`;

/** The SQL bucket of a row's `<alias>.due_date` on the day bound as `:asOf`. */
export function bucketSql(alias: string): string {
  const due = `${alias}.due_date`;
  return `CASE
  WHEN ${due} >= :asOf THEN 'current'
  WHEN julianday(:asOf) - julianday(${due}) <= 30 THEN '1-30'
  WHEN julianday(:asOf) - julianday(${due}) <= 60 THEN '31-60'
  WHEN julianday(:asOf) - julianday(${due}) <= 90 THEN '61-90'
  ELSE 'over 90' END`;
}
