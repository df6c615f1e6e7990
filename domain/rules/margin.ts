/**
 * @module domain/rules/margin
 * Margin per load = sale - purchase cost - freight - other costs (DOMAIN.md). When one purchase
 * or sales order moves on several loads, each load carries an equal share of the order's total,
 * with the odd cents spread so that the shares add up to the order exactly: a report over loads
 * never counts an order twice. An archived load gives its share back to the order's other loads.
 * Once a carrier's bill is linked to the load (a matched freight bill), the billed freight
 * replaces the agreed rate: the margin then shows what the load really cost to move.
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

/** Sale - purchase cost - freight - other costs. */
export function loadMarginSql(load: string): string {
  return `(${loadSaleSql(load)} - ${loadCostSql(load)} - ${
    loadFreightSql(load)
  } - ${load}.other_costs_cents)`;
}
