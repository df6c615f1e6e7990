/**
 * @module domain/reports
 * The numbers a broker runs the business by: open POs, loads by status, receivables aging, bills
 * to pay this week, margin per load (sale - purchase cost - freight - other costs) by load,
 * customer, supplier, salesperson and week, and top customers and suppliers. Read-only queries on the tenant's
 * database; `asOf` makes them testable on a fixed day.
 */
import { loadCostSql, loadFreightSql, loadMarginSql, loadSaleSql } from "./rules/margin.ts";
import type { Executor } from "../db/transaction.ts";
import { owedThisWeek } from "./payables/aging.ts";

import { AGING_BUCKETS, type AgingBucket, bucketSql, emptyBuckets } from "./aging.ts";
import { DEFAULT_CURRENCY } from "./currency.ts";
export { AGING_BUCKETS, type AgingBucket };

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

/** Open receivables by customer and days past due (sent invoices with something outstanding). */
/** `asOf` is the tenant's business day (TenantContext.today) unless the user chose another. */
export async function agingByCustomer(db: Executor, asOf: string): Promise<AgingRow[]> {
  const rs = await db.execute({
    sql: `SELECT i.customer_id, c.name AS customer, i.currency, ${BUCKET_SQL} AS bucket,
            SUM(i.outstanding_cents) AS cents
          FROM invoices i JOIN customers c ON c.id = i.customer_id
          WHERE i.outstanding_cents > 0 AND i.state = 'sent' AND i.archived_at IS NULL
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

/** One total per currency that has something outstanding, the default currency first. */
export function agingTotalsByCurrency(rows: AgingRow[]): AgingTotals[] {
  const currencies = [...new Set(rows.map((r) => r.currency))].sort((a, b) =>
    a === DEFAULT_CURRENCY ? -1 : b === DEFAULT_CURRENCY ? 1 : a.localeCompare(b)
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

const LOAD_DAY = "COALESCE(substr(l.pickup_appointment, 1, 10), substr(l.created_at, 1, 10))";
const LOAD_MONEY = `
  ${loadSaleSql("l")} AS sale_cents,
  ${loadCostSql("l")} AS cost_cents,
  ${loadFreightSql("l")} + l.other_costs_cents AS freight_cents,
  ${loadMarginSql("l")} AS margin_cents`;
const LOAD_JOINS = `FROM loads l
  LEFT JOIN sales_orders so ON so.id = l.sales_order_id
  LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id`;

/** A load's currency: its sales order's (a load with none, the default). */
const SALE_CURRENCY = `COALESCE(so.currency, '${DEFAULT_CURRENCY}')`;

export type MarginGrouping = "load" | "customer" | "supplier" | "salesperson";

export interface MarginRow {
  key: string;
  label: string;
  href: string | null;
  loads: number;
  /** The sales orders' currency: groups never add amounts of two currencies. */
  currency: string;
  sale_cents: number;
  cost_cents: number;
  freight_cents: number;
  margin_cents: number;
}

/** Margin over loads picked up between `from` and `to` (inclusive), grouped. */
export async function marginReport(
  db: Executor,
  opts: { from: string; to: string; by: MarginGrouping },
): Promise<MarginRow[]> {
  const where = `WHERE l.archived_at IS NULL AND ${LOAD_DAY} BETWEEN :from AND :to`;
  const args = { from: opts.from, to: opts.to };
  if (opts.by === "load") {
    const rs = await db.execute({
      sql: `SELECT l.id AS key, l.number AS label, 1 AS loads, ${SALE_CURRENCY} AS currency,
            ${LOAD_MONEY}
            ${LOAD_JOINS} ${where} ORDER BY ${LOAD_DAY} DESC, l.id DESC LIMIT 5000`,
      args,
    });
    return rs.rows.map((r) => toMarginRow(r, `/loads/${r.key}`));
  }
  const group = {
    customer: {
      key: "so.customer_id",
      label: "c.name",
      join: "LEFT JOIN customers c ON c.id = so.customer_id",
      href: "/customers/",
    },
    supplier: {
      key: "po.supplier_id",
      label: "s.name",
      join: "LEFT JOIN suppliers s ON s.id = po.supplier_id",
      href: "/suppliers/",
    },
    salesperson: {
      key: "COALESCE(so.salesperson, '')",
      label: "COALESCE(NULLIF(so.salesperson, ''), '(none)')",
      join: "",
      href: null,
    },
  }[opts.by];
  const rs = await db.execute({
    sql: `SELECT ${group.key} AS key, ${group.label} AS label, COUNT(*) AS loads,
            ${SALE_CURRENCY} AS currency,
            SUM(${loadSaleSql("l")}) AS sale_cents,
            SUM(${loadCostSql("l")}) AS cost_cents,
            SUM(${loadFreightSql("l")} + l.other_costs_cents) AS freight_cents,
            SUM(${loadMarginSql("l")}) AS margin_cents
          ${LOAD_JOINS} ${group.join} ${where}
          GROUP BY ${group.key}, ${SALE_CURRENCY} ORDER BY ${SALE_CURRENCY} = '${DEFAULT_CURRENCY}' DESC, margin_cents DESC`,
    args,
  });
  return rs.rows.map((r) => toMarginRow(r, group.href && r.key ? `${group.href}${r.key}` : null));
}

function toMarginRow(r: Record<string, unknown>, href: string | null): MarginRow {
  return {
    key: String(r.key ?? ""),
    label: String(r.label ?? "(none)"),
    href,
    loads: Number(r.loads),
    currency: String(r.currency ?? DEFAULT_CURRENCY),
    sale_cents: Number(r.sale_cents),
    cost_cents: Number(r.cost_cents),
    freight_cents: Number(r.freight_cents),
    margin_cents: Number(r.margin_cents),
  };
}

/** Days a week may start on (the tenant's `formats.first_day_of_week`): 0 Sunday ... 6 Saturday. */
export type WeekStartDay = 0 | 1 | 6;

/** The first day (Monday unless `startsOn` says otherwise) of the week of `day` (YYYY-MM-DD). */
export function weekStart(day: string, startsOn: WeekStartDay = 1): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 7 - startsOn) % 7));
  return d.toISOString().slice(0, 10);
}

/** Margin per week for the last `weeks` weeks, oldest first (weeks with no loads show 0). */
export async function marginByWeek(
  db: Executor,
  weeks: number,
  asOf: string,
): Promise<Array<{ week: string; margin_cents: number; loads: number }>> {
  const last = weekStart(asOf);
  const firstDate = new Date(`${last}T00:00:00Z`);
  firstDate.setUTCDate(firstDate.getUTCDate() - 7 * (weeks - 1));
  const first = firstDate.toISOString().slice(0, 10);
  const rs = await db.execute({
    sql: `SELECT ${LOAD_DAY} AS day, COUNT(*) AS loads,
            SUM(${loadMarginSql("l")}) AS margin
          ${LOAD_JOINS}
          WHERE l.archived_at IS NULL AND ${LOAD_DAY} >= ? AND ${LOAD_DAY} <= ?
          GROUP BY day`,
    args: [first, asOf],
  });
  const byWeek = new Map<string, { margin_cents: number; loads: number }>();
  for (let i = 0; i < weeks; i++) {
    const d = new Date(`${first}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 7 * i);
    byWeek.set(d.toISOString().slice(0, 10), { margin_cents: 0, loads: 0 });
  }
  for (const r of rs.rows) {
    const w = byWeek.get(weekStart(String(r.day)));
    if (!w) continue;
    w.margin_cents += Number(r.margin);
    w.loads += Number(r.loads);
  }
  return [...byWeek].map(([week, v]) => ({ week, ...v }));
}

export interface DashboardNumbers {
  openPurchaseOrders: { count: number; total_cents: number };
  loadsByStatus: Array<{ status: string; count: number }>;
  aging: Record<AgingBucket, number>;
  marginWeeks: Array<{ week: string; margin_cents: number; loads: number }>;
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
  startsOn: WeekStartDay = 1,
): Promise<DashboardNumbers> {
  const since = new Date(`${asOf}T00:00:00Z`);
  since.setUTCDate(since.getUTCDate() - 90);
  const from = since.toISOString().slice(0, 10);
  const weekEnd = new Date(`${weekStart(asOf, startsOn)}T00:00:00Z`);
  weekEnd.setUTCDate(weekEnd.getUTCDate() + 6);
  const [open, loads, agingRows, weeks, customers, suppliers, insurance, payables] = await Promise
    .all([
      db.execute(`SELECT COUNT(*) AS n, COALESCE(SUM(total_cents), 0) AS total FROM purchase_orders
      WHERE status IN ('draft', 'pending', 'approved') AND archived_at IS NULL`),
      db.execute(
        `SELECT status, COUNT(*) AS n FROM loads WHERE archived_at IS NULL GROUP BY status`,
      ),
      agingByCustomer(db, asOf),
      marginByWeek(db, 12, asOf),
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
    ]);
  const order = ["booked", "dispatched", "picked_up", "delivered", "pod_received"];
  const counts = new Map(loads.rows.map((r) => [String(r.status), Number(r.n)]));
  return {
    openPurchaseOrders: {
      count: Number(open.rows[0]!.n),
      total_cents: Number(open.rows[0]!.total),
    },
    loadsByStatus: order.map((status) => ({ status, count: counts.get(status) ?? 0 })),
    aging: agingTotals(agingRows),
    marginWeeks: weeks,
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
