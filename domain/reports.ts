/**
 * @module domain/reports
 * The numbers a broker runs the business by: open POs, loads by status, receivables aging, bills
 * to pay this week, margin per load (sale - purchase cost - freight - other costs) by load,
 * customer, supplier, salesperson and week (domain/margin_report.ts, which converts sales in a
 * customer's currency into the workspace's), and top customers and suppliers. Read-only queries
 * on the tenant's database; `asOf` makes them testable on a fixed day.
 */
import type { Executor } from "../db/transaction.ts";
import { owedThisWeek } from "./payables/aging.ts";

import {
  AGING_BUCKETS,
  type AgingBucket,
  bucketSql,
  emptyBuckets,
  outstandingAsOfSql,
  RECEIVABLE_AS_OF,
} from "./aging.ts";
import { DEFAULT_CURRENCY } from "./currency.ts";
import { agingConverted, marginByWeek, weekStart, type WeekStartDay } from "./margin_report.ts";
import type { Unconverted } from "./exchange.ts";
import { type OpenDispute, openDisputes } from "./disputes.ts";
export { AGING_BUCKETS, type AgingBucket };
export {
  agingConverted,
  type ConvertedAging,
  type MarginGrouping,
  marginReport,
  type MarginRow,
  marginTotals,
  weekStart,
  type WeekStartDay,
} from "./margin_report.ts";

export interface AgingRow {
  customer_id: string;
  customer: string;
  /** The invoices' currency: a customer whose currency changed has a row per currency. */
  currency: string;
  buckets: Record<AgingBucket, number>;
  total_cents: number;
}

/** The aging totals of one currency (amounts of different currencies are never added). */
export interface AgingTotals {
  currency: string;
  buckets: Record<AgingBucket, number>;
  total_cents: number;
}

const BUCKET_SQL = bucketSql("i");

/**
 * Open receivables by customer and days past due (sent invoices with something outstanding) at
 * the end of `asOf`: invoices dated by then, with what was owed then (payments dated later are
 * still owed on that day).
 */
/** `asOf` is the tenant's business day (TenantContext.today) unless the user chose another. */
export async function agingByCustomer(db: Executor, asOf: string): Promise<AgingRow[]> {
  const rs = await db.execute({
    sql: `SELECT i.customer_id, c.name AS customer, i.currency, ${BUCKET_SQL} AS bucket,
            SUM(${outstandingAsOfSql("i", "invoices")}) AS cents
          FROM invoices i JOIN customers c ON c.id = i.customer_id
          WHERE ${RECEIVABLE_AS_OF}
          GROUP BY i.customer_id, i.currency, bucket`,
    args: { asOf },
  });
  const rows = new Map<string, AgingRow>();
  for (const r of rs.rows) {
    const id = String(r.customer_id);
    const currency = String(r.currency);
    let row = rows.get(`${id}:${currency}`);
    if (!row) {
      row = {
        customer_id: id,
        customer: String(r.customer),
        currency,
        buckets: emptyBuckets(),
        total_cents: 0,
      };
      rows.set(`${id}:${currency}`, row);
    }
    row.buckets[r.bucket as AgingBucket] += Number(r.cents);
    row.total_cents += Number(r.cents);
  }
  return [...rows.values()].sort((a, b) => b.total_cents - a.total_cents);
}

/** The buckets' totals of the rows in `currency` (the workspace's own, USD, by default). */
export function agingTotals(
  rows: AgingRow[],
  currency: string = DEFAULT_CURRENCY,
): Record<AgingBucket, number> {
  const totals = emptyBuckets();
  for (const row of rows) {
    if (row.currency !== currency) continue;
    for (const b of AGING_BUCKETS) totals[b] += row.buckets[b];
  }
  return totals;
}

/**
 * One total per currency that has something outstanding, `first` (the workspace's own currency)
 * first.
 */
export function agingTotalsByCurrency(
  rows: AgingRow[],
  first: string = DEFAULT_CURRENCY,
): AgingTotals[] {
  const currencies = [...new Set(rows.map((r) => r.currency))].sort((a, b) =>
    a === first ? -1 : b === first ? 1 : a.localeCompare(b)
  );
  return currencies.map((currency) => {
    const buckets = agingTotals(rows, currency);
    return {
      currency,
      buckets,
      total_cents: AGING_BUCKETS.reduce((sum, b) => sum + buckets[b], 0),
    };
  });
}

export interface DashboardNumbers {
  openPurchaseOrders: { count: number; total_cents: number };
  loadsByStatus: Array<{ status: string; count: number }>;
  /** Receivables in the workspace's currency (domain/exchange.ts converts the others). */
  aging: Record<AgingBucket, number>;
  marginWeeks: Array<{ week: string; margin_cents: number; loads: number }>;
  /** Receivables and sales left out of `aging` and `marginWeeks` for want of a rate. */
  agingUnconverted: Unconverted[];
  marginUnconverted: Unconverted[];
  /** Invoice lines customers disputed that wait for an answer (domain/disputes.ts). */
  openDisputes: { count: number; rows: OpenDispute[] };
  /** Sales per customer and currency (a CAD customer's total is in CAD). */
  topCustomers: Array<{ id: string; name: string; total_cents: number; currency: string }>;
  topSuppliers: Array<{ id: string; name: string; total_cents: number }>;
  expiringInsurance: number;
  /** Bills to pay by Sunday (past due included). */
  payablesThisWeek: { count: number; total_cents: number; overdue_cents: number };
}

/** Everything the dashboard shows, in a handful of indexed queries. */
export async function dashboardNumbers(
  db: Executor,
  asOf: string,
  timeZone: string,
  startsOn: WeekStartDay = 1,
): Promise<DashboardNumbers> {
  const since = new Date(`${asOf}T00:00:00Z`);
  since.setUTCDate(since.getUTCDate() - 90);
  const from = since.toISOString().slice(0, 10);
  const weekEnd = new Date(`${weekStart(asOf, startsOn)}T00:00:00Z`);
  weekEnd.setUTCDate(weekEnd.getUTCDate() + 6);
  const [open, loads, aging, weeks, customers, suppliers, insurance, payables, disputes] =
    await Promise.all([
      db.execute(`SELECT COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS total FROM purchase_orders
      WHERE status IN ('draft', 'pending', 'approved') AND archived_at IS NULL`),
      db.execute(
        `SELECT status, COUNT(*) AS n FROM loads WHERE archived_at IS NULL GROUP BY status`,
      ),
      agingConverted(db, asOf),
      marginByWeek(db, 12, asOf, timeZone, startsOn),
      db.execute({
        sql: `SELECT c.id, c.name, so.currency, SUM(so.total_cents) AS total FROM sales_orders so
        JOIN customers c ON c.id = so.customer_id
        WHERE so.order_date >= ? AND so.status <> 'cancelled'
        GROUP BY c.id, so.currency ORDER BY total DESC LIMIT 5`,
        args: [from],
      }),
      db.execute({
        sql: `SELECT s.id, s.name, SUM(po.total_cents) AS total FROM purchase_orders po
        JOIN suppliers s ON s.id = po.supplier_id
        WHERE po.order_date >= ? AND po.status <> 'cancelled'
        GROUP BY s.id ORDER BY total DESC LIMIT 5`,
        args: [from],
      }),
      db.execute({
        sql: `SELECT COUNT(*) AS n FROM carriers WHERE archived_at IS NULL
        AND insurance_expires IS NOT NULL AND insurance_expires <= date(?, '+30 days')`,
        args: [asOf],
      }),
      owedThisWeek(db, asOf, weekEnd.toISOString().slice(0, 10)),
      openDisputes(db),
    ]);
  const order = ["booked", "dispatched", "picked_up", "delivered", "pod_received"];
  const counts = new Map(loads.rows.map((r) => [String(r.status), Number(r.n)]));
  return {
    openPurchaseOrders: {
      count: Number(open.rows[0]!.n),
      total_cents: Number(open.rows[0]!.total),
    },
    loadsByStatus: order.map((status) => ({ status, count: counts.get(status) ?? 0 })),
    aging: aging.buckets,
    marginWeeks: weeks.weeks,
    agingUnconverted: aging.unconverted,
    marginUnconverted: weeks.unconverted,
    openDisputes: disputes,
    topCustomers: customers.rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      currency: String(r.currency),
      total_cents: Number(r.total),
    })),
    topSuppliers: suppliers.rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      total_cents: Number(r.total),
    })),
    expiringInsurance: Number(insurance.rows[0]!.n),
    payablesThisWeek: payables,
  };
}
