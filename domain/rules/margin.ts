/**
 * @module domain/rules/margin
 * Margin per load = sale - purchase cost - freight - other costs (DOMAIN.md). When one purchase
 * or sales order moves on several loads, each load carries an equal share of the order's total,
 * with the odd cents spread so that the shares add up to the order exactly: a report over loads
 * never counts an order twice. An archived load gives its share back to the order's other loads.
 * Once a carrier's bill is linked to the load (a matched freight bill), the billed freight
 * replaces the agreed rate: the margin then shows what the load really cost to move.
 * A sale in a customer's currency (CAD, MXN) is converted into the workspace's before the costs are
 * subtracted (`loadSaleInWorkspaceSql`).
 * These are SQL expressions over a row of `loads` named `load`, for list columns and reports.
 */

type OrderLink = { table: "sales_orders"; fk: "sales_order_id" } | {
  table: "purchase_orders";
  fk: "purchase_order_id";
};

const SALE: OrderLink = { table: "sales_orders", fk: "sales_order_id" };
const COST: OrderLink = { table: "purchase_orders", fk: "purchase_order_id" };

/** The load's share of its order's total (in cents), or NULL without an order. */
function shareSql(load: string, { table, fk }: OrderLink): string {
  const peers =
    `FROM loads peer WHERE peer.${fk} = ${load}.${fk} AND (peer.archived_at IS NULL OR peer.id = ${load}.id)`;
  const count = `(SELECT COUNT(*) ${peers})`;
  const before = `(SELECT COUNT(*) ${peers} AND peer.id < ${load}.id)`;
  // Integer division telescopes: the shares of the order's n loads sum to its total.
  return `(SELECT o.total_cents * (${before} + 1) / ${count} - o.total_cents * ${before} / ${count}
    FROM ${table} o WHERE o.id = ${load}.${fk})`;
}

/** What the load is sold for: its share of the sales order. */
export function loadSaleSql(load: string): string {
  return `COALESCE(${shareSql(load, SALE)}, 0)`;
}

/** What the product on the load cost: its share of the purchase order. */
export function loadCostSql(load: string): string {
  return `COALESCE(${shareSql(load, COST)}, 0)`;
}

/** What the carrier billed for the load (open or paid bills, not void), or NULL before a bill. */
export function loadBilledFreightSql(load: string): string {
  return `(SELECT SUM(b.total_cents) FROM bills b WHERE b.load_id = ${load}.id
    AND b.kind = 'carrier' AND b.state <> 'void' AND b.archived_at IS NULL)`;
}

/** The freight the margin counts: the billed freight once there is a bill, else the agreed rate. */
export function loadFreightSql(load: string): string {
  return `COALESCE(${loadBilledFreightSql(load)}, ${load}.freight_cents)`;
}

/** The workspace's currency (Settings → Company), which costs and freight are in. */
const WORKSPACE_CURRENCY = `COALESCE((SELECT value FROM settings WHERE key = 'currency'), 'USD')`;

/**
 * What the load is sold for in the workspace's currency: its sale converted at the rate frozen on
 * its sales order's latest issued invoice, else the rate of its pickup day or the latest before
 * (domain/exchange.ts), rounded half to even at the cent as `convertCents` does; NULL when the
 * sale is in another currency with no rate (a margin is then not computed, never guessed).
 */
export function loadSaleInWorkspaceSql(load: string): string {
  const day =
    `COALESCE(substr(${load}.pickup_appointment, 1, 10), substr(${load}.created_at, 1, 10))`;
  const currency = `(SELECT o.currency FROM sales_orders o WHERE o.id = ${load}.sales_order_id)`;
  const frozen = `(SELECT i.exchange_rate_e6 FROM invoices i
    WHERE i.sales_order_id = ${load}.sales_order_id AND i.state <> 'void'
      AND i.archived_at IS NULL AND i.exchange_rate_e6 IS NOT NULL AND i.currency = ${currency}
    ORDER BY i.invoice_date DESC, i.id DESC LIMIT 1)`;
  const dayRate = `(SELECT r.rate_e6 FROM exchange_rates r WHERE r.currency = ${currency}
    AND r.day <= ${day} ORDER BY r.day DESC LIMIT 1)`;
  // x.p is sale x rate in millionths of a cent; x.p / 1e6 rounded half to even.
  return `(SELECT CASE
      WHEN x.currency IS NULL OR x.currency = ${WORKSPACE_CURRENCY} THEN x.sale
      WHEN x.p IS NULL THEN NULL
      ELSE x.p / 1000000 + CASE
        WHEN (x.p % 1000000) * 2 > 1000000 THEN 1
        WHEN (x.p % 1000000) * 2 = 1000000 AND (x.p / 1000000) % 2 = 1 THEN 1
        ELSE 0 END
    END
    FROM (SELECT y.sale, y.currency, y.sale * y.rate AS p
      FROM (SELECT ${loadSaleSql(load)} AS sale, ${currency} AS currency,
        COALESCE(${frozen}, ${dayRate}) AS rate) y) x)`;
}

/**
 * Sale (in the workspace's currency) - purchase cost - freight - other costs; NULL when the sale
 * is in a currency with no exchange rate.
 */
export function loadMarginSql(load: string): string {
  return `(${loadSaleInWorkspaceSql(load)} - ${loadCostSql(load)} - ${
    loadFreightSql(load)
  } - ${load}.other_costs_cents)`;
}
