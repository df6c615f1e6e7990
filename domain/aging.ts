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
