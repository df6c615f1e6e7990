/**
 * @module domain/margin_report
 * Margin per load (sale - purchase cost - freight - other costs) over a period, grouped by load,
 * customer, supplier or salesperson, and per week for the dashboard; receivables aging totalled
 * in the workspace's currency. A load's sale is in its sales order's currency while its costs are
 * in the workspace's, so the sale is converted first (domain/exchange.ts): at the rate frozen on
 * the sales order's invoice when there is one, else at the rate of the load's day (or the latest
 * before it). A load whose sale finds no rate is not guessed at: its row keeps the sale in its
 * own currency, its margin is null, and `unconverted` says how much was left out of the totals.
 * Each load is read with its rate and converted on its own (integer cents, half to even), then
 * rows are added up here rather than in SQL, because a sum of converted loads is not the
 * conversion of a sum.
 */
import type { Executor } from "../db/transaction.ts";
import {
  AGING_BUCKETS,
  type AgingBucket,
  bucketSql,
  emptyBuckets,
  outstandingAsOfSql,
  RECEIVABLE_AS_OF,
} from "./aging.ts";
import { DEFAULT_CURRENCY } from "./currency.ts";
import {
  addUnconverted,
  convertCents,
  rateSql,
  type Unconverted,
  workspaceCurrency,
} from "./exchange.ts";
import { localDaySql } from "./local_day_sql.ts";
import { loadCostSql, loadFreightSql, loadSaleSql } from "./rules/margin.ts";

/**
 * A load's day: its pickup appointment's (the workspace's wall clock), else the day it was booked
 * in the workspace's time zone (domain/local_day_sql.ts), exact over the period asked about.
 */
function loadDay(timeZone: string, from: string, to: string): string {
  const booked = localDaySql("l.created_at", timeZone, from, to);
  return `COALESCE(substr(l.pickup_appointment, 1, 10), ${booked})`;
}
const LOAD_JOINS = `FROM loads l
  LEFT JOIN sales_orders so ON so.id = l.sales_order_id
  LEFT JOIN purchase_orders po ON po.id = l.purchase_order_id`;
/** A load's currency: its sales order's (a load with none, the default). */
const SALE_CURRENCY = `COALESCE(so.currency, '${DEFAULT_CURRENCY}')`;
/** The rate frozen on the sales order's latest issued invoice, if any. */
const FROZEN_RATE = `(SELECT i.exchange_rate_e6 FROM invoices i WHERE i.sales_order_id = so.id
  AND i.state <> 'void' AND i.archived_at IS NULL AND i.exchange_rate_e6 IS NOT NULL
  AND i.currency = so.currency ORDER BY i.invoice_date DESC, i.id DESC LIMIT 1)`;
function loadRate(day: string): string {
  return `CASE WHEN ${SALE_CURRENCY} = :workspace THEN 1000000
  ELSE COALESCE(${FROZEN_RATE}, ${rateSql(SALE_CURRENCY, day)}) END`;
}

export type MarginGrouping = "load" | "customer" | "supplier" | "salesperson";

export interface MarginRow {
  key: string;
  label: string;
  href: string | null;
  loads: number;
  /** The sales orders' currency: `sale_cents` is in it. */
  currency: string;
  sale_cents: number;
  /** Purchase cost, freight and other costs are in the workspace's currency. */
  cost_cents: number;
  freight_cents: number;
  /** The workspace's currency, which the converted sale and the margin are in. */
  workspace_currency: string;
  /** The sale in the workspace's currency; null when a load of the row has no rate. */
  sale_converted_cents: number | null;
  /** Converted sale - cost - freight and other; null when the sale could not be converted. */
  margin_cents: number | null;
  /** The part of `sale_cents` (in `currency`) that found no rate (0 when all converted). */
  unconverted_cents: number;
}

const GROUPS = {
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
} as const;

/**
 * Margin over loads picked up (or, with no pickup appointment, booked) between `from` and `to`
 * (inclusive) in the workspace's time zone, grouped.
 */
export async function marginReport(
  db: Executor,
  opts: { from: string; to: string; by: MarginGrouping; timeZone: string },
): Promise<MarginRow[]> {
  const workspace = await workspaceCurrency(db);
  const day = loadDay(opts.timeZone, opts.from, opts.to);
  const group = opts.by === "load"
    ? { key: "l.id", label: "l.number", join: "", href: "/loads/" }
    : GROUPS[opts.by];
  const rs = await db.execute({
    sql: `SELECT ${group.key} AS key, ${group.label} AS label, ${SALE_CURRENCY} AS currency,
            ${loadSaleSql("l")} AS sale_cents, ${loadCostSql("l")} AS cost_cents,
            ${loadFreightSql("l")} + l.other_costs_cents AS freight_cents,
            ${loadRate(day)} AS rate_e6
          ${LOAD_JOINS} ${group.join}
          WHERE l.archived_at IS NULL AND ${day} BETWEEN :from AND :to
          ORDER BY ${day} DESC, l.id DESC LIMIT 20000`,
    args: { from: opts.from, to: opts.to, workspace },
  });
  const rows = new Map<string, MarginRow>();
  for (const r of rs.rows) {
    const key = String(r.key ?? "");
    const currency = String(r.currency ?? DEFAULT_CURRENCY);
    let row = rows.get(`${key}:${currency}`);
    if (!row) {
      row = {
        key,
        label: String(r.label ?? "(none)"),
        href: group.href && r.key ? `${group.href}${r.key}` : null,
        loads: 0,
        currency,
        sale_cents: 0,
        cost_cents: 0,
        freight_cents: 0,
        workspace_currency: workspace,
        sale_converted_cents: 0,
        margin_cents: null,
        unconverted_cents: 0,
      };
      rows.set(`${key}:${currency}`, row);
    }
    const sale = Number(r.sale_cents);
    row.loads++;
    row.sale_cents += sale;
    row.cost_cents += Number(r.cost_cents);
    row.freight_cents += Number(r.freight_cents);
    if (r.rate_e6 === null || r.rate_e6 === undefined) row.unconverted_cents += sale;
    else row.sale_converted_cents! += convertCents(sale, Number(r.rate_e6));
  }
  const out = [...rows.values()];
  for (const row of out) {
    if (row.unconverted_cents) row.sale_converted_cents = null;
    row.margin_cents = row.sale_converted_cents === null
      ? null
      : row.sale_converted_cents - row.cost_cents - row.freight_cents;
  }
  if (opts.by === "load") return out;
  return out.sort((a, b) =>
    Number(b.currency === workspace) - Number(a.currency === workspace) ||
    (b.margin_cents ?? Number.MIN_SAFE_INTEGER) - (a.margin_cents ?? Number.MIN_SAFE_INTEGER)
  );
}

/** The margin rows' totals in the workspace's currency, and what could not be converted. */
export function marginTotals(rows: readonly MarginRow[], workspace: string): {
  currency: string;
  loads: number;
  sale_cents: number;
  cost_cents: number;
  freight_cents: number;
  margin_cents: number;
  unconverted: Unconverted[];
} {
  const totals = {
    currency: workspace,
    loads: 0,
    sale_cents: 0,
    cost_cents: 0,
    freight_cents: 0,
    margin_cents: 0,
    unconverted: [] as Unconverted[],
  };
  for (const row of rows) {
    if (row.margin_cents === null || row.sale_converted_cents === null) {
      // The whole row is left out of the totals, so its whole sale is named.
      addUnconverted(totals.unconverted, row.currency, row.sale_cents);
      continue;
    }
    totals.loads += row.loads;
    totals.sale_cents += row.sale_converted_cents;
    totals.cost_cents += row.cost_cents;
    totals.freight_cents += row.freight_cents;
    totals.margin_cents += row.margin_cents;
  }
  return totals;
}

/** Days a week may start on (the tenant's `formats.first_day_of_week`): 0 Sunday ... 6 Saturday. */
export type WeekStartDay = 0 | 1 | 6;

/** The first day (Monday unless `startsOn` says otherwise) of the week of `day` (YYYY-MM-DD). */
export function weekStart(day: string, startsOn: WeekStartDay = 1): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 7 - startsOn) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * Margin per week for the last `weeks` weeks, oldest first (weeks with no loads show 0), in the
 * workspace's currency; loads whose sale has no rate are left out and summed in `unconverted`.
 * Weeks start on `startsOn` (the workspace's first day of the week, as the dashboard's "this
 * week" does).
 */
export async function marginByWeek(
  db: Executor,
  weeks: number,
  asOf: string,
  timeZone: string,
  startsOn: WeekStartDay = 1,
): Promise<{
  weeks: Array<{ week: string; margin_cents: number; loads: number }>;
  unconverted: Unconverted[];
}> {
  const workspace = await workspaceCurrency(db);
  const last = weekStart(asOf, startsOn);
  const firstDate = new Date(`${last}T00:00:00Z`);
  firstDate.setUTCDate(firstDate.getUTCDate() - 7 * (weeks - 1));
  const first = firstDate.toISOString().slice(0, 10);
  const day = loadDay(timeZone, first, asOf);
  const rs = await db.execute({
    sql: `SELECT ${day} AS day, ${SALE_CURRENCY} AS currency,
            ${loadSaleSql("l")} AS sale,
            ${loadCostSql("l")} + ${loadFreightSql("l")} + l.other_costs_cents AS costs,
            ${loadRate(day)} AS rate_e6
          ${LOAD_JOINS}
          WHERE l.archived_at IS NULL AND ${day} >= :first AND ${day} <= :asOf`,
    args: { first, asOf, workspace },
  });
  const byWeek = new Map<string, { margin_cents: number; loads: number }>();
  for (let i = 0; i < weeks; i++) {
    const d = new Date(`${first}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 7 * i);
    byWeek.set(d.toISOString().slice(0, 10), { margin_cents: 0, loads: 0 });
  }
  const unconverted: Unconverted[] = [];
  for (const r of rs.rows) {
    const w = byWeek.get(weekStart(String(r.day), startsOn));
    if (!w) continue;
    if (r.rate_e6 === null || r.rate_e6 === undefined) {
      addUnconverted(unconverted, String(r.currency), Number(r.sale));
      continue;
    }
    w.margin_cents += convertCents(Number(r.sale), Number(r.rate_e6)) - Number(r.costs);
    w.loads += 1;
  }
  return { weeks: [...byWeek].map(([week, v]) => ({ week, ...v })), unconverted };
}

/** Receivables aging in the workspace's currency, with what found no rate. */
export interface ConvertedAging {
  currency: string;
  buckets: Record<AgingBucket, number>;
  total_cents: number;
  unconverted: Unconverted[];
}

/**
 * The open receivables' buckets at the end of `asOf` (as `agingByCustomer` reads them) converted
 * into the workspace's currency, invoice by invoice: at the rate frozen on the invoice, else the
 * rate of its date (or the latest before it).
 */
export async function agingConverted(db: Executor, asOf: string): Promise<ConvertedAging> {
  const workspace = await workspaceCurrency(db);
  const rs = await db.execute({
    sql: `SELECT i.currency, ${outstandingAsOfSql("i", "invoices")} AS cents,
            ${bucketSql("i")} AS bucket,
            CASE WHEN i.currency = :workspace THEN 1000000
              ELSE COALESCE(i.exchange_rate_e6, ${rateSql("i.currency", "i.invoice_date")}) END
              AS rate_e6
          FROM invoices i
          WHERE ${RECEIVABLE_AS_OF}`,
    args: { asOf, workspace },
  });
  const out: ConvertedAging = {
    currency: workspace,
    buckets: emptyBuckets(),
    total_cents: 0,
    unconverted: [],
  };
  for (const r of rs.rows) {
    const cents = Number(r.cents);
    if (r.rate_e6 === null || r.rate_e6 === undefined) {
      addUnconverted(out.unconverted, String(r.currency), cents);
      continue;
    }
    const converted = convertCents(cents, Number(r.rate_e6));
    out.buckets[r.bucket as AgingBucket] += converted;
  }
  out.total_cents = AGING_BUCKETS.reduce((s, b) => s + out.buckets[b], 0);
  return out;
}
