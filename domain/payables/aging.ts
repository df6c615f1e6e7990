/**
 * @module domain/payables/aging
 * What the broker owes: open bills by vendor in the same buckets as receivables aging (current,
 * 1-30, 31-60, 61-90, over 90 days past due), and what falls due in a week, for the dashboard.
 * A vendor is the carrier, the supplier, or another vendor by name.
 */
import type { Executor } from "../../db/transaction.ts";
import {
  AGING_BUCKETS,
  type AgingBucket,
  bucketSql,
  emptyBuckets,
  outstandingAsOfSql,
} from "../aging.ts";

export interface VendorAgingRow {
  /** The carrier's or supplier's id, or the other vendor's name in lower case. */
  vendor_key: string;
  vendor: string;
  /** The vendor's page, when it is a carrier or a supplier. */
  href: string | null;
  buckets: Record<AgingBucket, number>;
  total_cents: number;
}

/** Bills that are owed: open or disputed, something outstanding, not archived. */
const OWED =
  "b.outstanding_cents > 0 AND b.state IN ('open', 'disputed') AND b.archived_at IS NULL";

/**
 * Bills owed at the end of `:asOf`: open or disputed, not archived, dated by then, owing something
 * now or paid after that day (`outstandingAsOfSql` adds those payments back).
 */
const OWED_AS_OF = `b.state IN ('open', 'disputed') AND b.archived_at IS NULL
  AND b.bill_date <= :asOf
  AND (b.outstanding_cents > 0 OR b.id IN (SELECT p.bill_id FROM payments p
    WHERE p.paid_on > :asOf AND p.archived_at IS NULL AND p.bill_id IS NOT NULL))`;

const VENDOR = `FROM bills b
  LEFT JOIN carriers ca ON ca.id = b.carrier_id
  LEFT JOIN suppliers s ON s.id = b.supplier_id`;

const BUCKET_SQL = bucketSql("b");

/**
 * Open payables by vendor and days past due at the end of `asOf` (the tenant's business day by
 * default): bills dated by then, with what was owed then.
 */
export async function agingByVendor(db: Executor, asOf: string): Promise<VendorAgingRow[]> {
  const rs = await db.execute({
    sql: `SELECT COALESCE(b.carrier_id, b.supplier_id, lower(b.vendor_name)) AS vendor_key,
            COALESCE(ca.name, s.name, b.vendor_name) AS vendor,
            CASE WHEN b.carrier_id IS NOT NULL THEN '/carriers/' || b.carrier_id
              WHEN b.supplier_id IS NOT NULL THEN '/suppliers/' || b.supplier_id END AS href,
            ${BUCKET_SQL} AS bucket, SUM(${outstandingAsOfSql("b", "bills")}) AS cents
          ${VENDOR} WHERE ${OWED_AS_OF}
          GROUP BY vendor_key, bucket`,
    args: { asOf },
  });
  const rows = new Map<string, VendorAgingRow>();
  for (const r of rs.rows) {
    const key = String(r.vendor_key);
    let row = rows.get(key);
    if (!row) {
      row = {
        vendor_key: key,
        vendor: String(r.vendor),
        href: r.href ? String(r.href) : null,
        buckets: emptyBuckets(),
        total_cents: 0,
      };
      rows.set(key, row);
    }
    row.buckets[r.bucket as AgingBucket] += Number(r.cents);
    row.total_cents += Number(r.cents);
  }
  return [...rows.values()].sort((a, b) => b.total_cents - a.total_cents);
}

/** Totals per bucket over all vendors. */
export function vendorAgingTotals(rows: VendorAgingRow[]): Record<AgingBucket, number> {
  const totals = emptyBuckets();
  for (const row of rows) for (const b of AGING_BUCKETS) totals[b] += row.buckets[b];
  return totals;
}

/** What is owed by the end of the week of `asOf`: past due, and due from then to Sunday. */
export async function owedThisWeek(
  db: Executor,
  asOf: string,
  weekEnd: string,
): Promise<{ count: number; total_cents: number; overdue_cents: number }> {
  const rs = await db.execute({
    sql: `SELECT COUNT(*) AS n, COALESCE(SUM(b.outstanding_cents), 0) AS total,
            COALESCE(SUM(CASE WHEN b.due_date < :asOf THEN b.outstanding_cents END), 0) AS overdue
          FROM bills b WHERE ${OWED} AND b.state = 'open' AND b.due_date <= :weekEnd`,
    args: { asOf, weekEnd },
  });
  const row = rs.rows[0]!;
  return {
    count: Number(row.n),
    total_cents: Number(row.total),
    overdue_cents: Number(row.overdue),
  };
}

/** Open payables owed to one vendor, found by name (carrier, supplier or other), for answers. */
export async function owedToVendor(
  db: Executor,
  name: string,
  asOf: string,
): Promise<
  Array<{
    vendor: string;
    bills: Array<
      { id: string; number: string; due_date: string; outstanding_cents: number; overdue: boolean }
    >;
  }>
> {
  const rs = await db.execute({
    sql: `SELECT b.id, b.number, b.due_date, b.outstanding_cents,
            COALESCE(ca.name, s.name, b.vendor_name) AS vendor
          ${VENDOR} WHERE ${OWED}
            AND lower(COALESCE(ca.name, s.name, b.vendor_name)) LIKE :like ESCAPE '\\'
          ORDER BY vendor, b.due_date, b.id LIMIT 200`,
    args: { like: `%${name.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` },
  });
  const byVendor = new Map<string, ReturnType<typeof toBill>[]>();
  function toBill(r: Record<string, unknown>) {
    return {
      id: String(r.id),
      number: String(r.number),
      due_date: String(r.due_date),
      outstanding_cents: Number(r.outstanding_cents),
      overdue: String(r.due_date) < asOf,
    };
  }
  for (const r of rs.rows) {
    const vendor = String(r.vendor);
    byVendor.set(vendor, [...(byVendor.get(vendor) ?? []), toBill(r)]);
  }
  return [...byVendor].map(([vendor, bills]) => ({ vendor, bills }));
}
