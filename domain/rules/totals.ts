/**
 * @module domain/rules/totals
 * Line amounts, order, invoice and bill totals, weights in pounds, and what is paid and outstanding,
 * computed on the server from lines and payments (a client cannot set any of them).
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import { InvalidError } from "../errors.ts";
import { money } from "../format.ts";
import { centsOf, MAX_MONEY_CENTS } from "./line_amount.ts";
import { loadBilledFreightSql } from "./margin.ts";

export const LB_PER_KG = 2.20462262185;

/** Converts a weight to pounds. */
export function toPounds(weight: number, unit: string): number {
  return unit === "KG" ? weight * LB_PER_KG : weight;
}

/**
 * Amount of one line in cents: price x weight, or price x cases, computed exactly on the decimal
 * values and rounded half up to the cent (domain/rules/line_amount.ts).
 */
export function lineAmountCents(line: RecordValues): number {
  const quantity = line.price_basis === "case" ? line.cases : line.weight;
  const cents = centsOf(line.price ?? 0, quantity ?? 0);
  return Number.isFinite(cents) ? cents : 0;
}

/** Refuses (422 on `field`) an amount over the money maximum ($1,000,000,000.00). */
export function checkMoneyCap(cents: number, field: string, what: string): void {
  if (cents > MAX_MONEY_CENTS) {
    const message = `${what} would be ${money(cents)}; the most an amount may be is ${
      money(MAX_MONEY_CENTS)
    }.`;
    throw new InvalidError(message, { [field]: [message] }, 422);
  }
}

/**
 * Sets each line's amount; refuses a line, or lines together, over the money maximum (422 naming
 * `lines.<i>.price` or `lines`). Returns the lines' total in cents.
 */
export function applyLineAmounts(lines: RecordValues[]): number {
  let total = 0;
  for (const [i, line] of lines.entries()) {
    line.amount_cents = lineAmountCents(line);
    checkMoneyCap(Number(line.amount_cents), `lines.${i}.price`, `Line ${i + 1}'s amount`);
    total += Number(line.amount_cents);
  }
  checkMoneyCap(total, "lines", "The lines' total");
  return total;
}

const WEIGHT_LB_SQL = (table: string) =>
  `COALESCE((SELECT ROUND(SUM(CASE weight_unit WHEN 'KG' THEN weight * ${LB_PER_KG} ELSE weight END), 2) FROM ${table} l WHERE l.%KEY% = ?), 0)`;

/** Recomputes a PO's or SO's totals from its lines (and a PO's payments). */
export async function recomputeOrder(
  tx: Executor,
  table: "purchase_orders" | "sales_orders",
  id: string,
): Promise<void> {
  const lines = table === "purchase_orders" ? "purchase_order_lines" : "sales_order_lines";
  const key = table === "purchase_orders" ? "purchase_order_id" : "sales_order_id";
  const total = `COALESCE((SELECT SUM(amount_cents) FROM ${lines} l WHERE l.${key} = ?), 0)`;
  const weight = WEIGHT_LB_SQL(lines).replace("%KEY%", key);
  await tx.execute({
    sql: `UPDATE ${table} SET total_cents = ${total}, total_weight_lb = ${weight} WHERE id = ?`,
    args: [id, id, id],
  });
  if (table === "purchase_orders") await recomputePurchaseOrderPayable(tx, id);
}

/** The live packer's bills of a purchase order (open, paid or disputed; not void or archived). */
function purchaseOrderBillsSql(po: string): string {
  return `SELECT b.id FROM bills b WHERE b.purchase_order_id = ${po}.id AND b.kind = 'supplier'
    AND b.state <> 'void' AND b.archived_at IS NULL`;
}

/**
 * Recomputes what was paid on a PO's cost and what is outstanding. Once the packer has billed it
 * (a live supplier bill names the PO), the bills are what is owed and the money is paid on them
 * (domain/rules/payments.ts), as a load's freight follows its carrier bills: the PO then counts
 * what its bills total and what was paid on them as well as on the PO itself, so a billed and
 * paid PO reads paid. Each payment has one target, so none is counted twice.
 */
async function recomputePurchaseOrderPayable(tx: Executor, id: string): Promise<void> {
  const bills = purchaseOrderBillsSql("purchase_orders");
  await tx.execute({
    sql: `UPDATE purchase_orders SET
            paid_cents = COALESCE((SELECT SUM(p.amount_cents) FROM payments p
              WHERE p.archived_at IS NULL AND (p.purchase_order_id = purchase_orders.id
                OR p.bill_id IN (${bills}))), 0)
          WHERE id = ?`,
    args: [id],
  });
  const owed = `COALESCE((SELECT SUM(b.total_cents) FROM bills b WHERE b.id IN (${bills})),
    total_cents)`;
  await tx.execute({
    sql: `UPDATE purchase_orders SET outstanding_cents = ${owed} - paid_cents,
            payment_status = CASE WHEN paid_cents <= 0 THEN 'unpaid'
              WHEN paid_cents >= ${owed} THEN 'paid' ELSE 'partial' END
          WHERE id = ?`,
    args: [id],
  });
}

/**
 * Recomputes a load's freight payable. Once the carrier's bill is linked (a live carrier bill with
 * the load's id), the bill is what is owed and the money is paid on it (domain/rules/payments.ts):
 * the load's freight then counts the billed amount and what was paid on its bills as well as on
 * the load itself, so a billed and paid load shows its freight paid. Each payment has one target,
 * so none is counted twice. Without a bill, the agreed rate and the load's own payments.
 */
export async function recomputeLoad(tx: Executor, id: string): Promise<void> {
  await tx.execute({
    sql: `UPDATE loads SET
            paid_cents = COALESCE((SELECT SUM(p.amount_cents) FROM payments p
              WHERE p.archived_at IS NULL AND (p.load_id = loads.id OR p.bill_id IN (
                SELECT b.id FROM bills b WHERE b.load_id = loads.id AND b.kind = 'carrier'
                  AND b.state <> 'void' AND b.archived_at IS NULL))), 0)
          WHERE id = ?`,
    args: [id],
  });
  const owed = `COALESCE(${loadBilledFreightSql("loads")}, freight_cents)`;
  await tx.execute({
    sql: `UPDATE loads SET outstanding_cents = ${owed} - paid_cents,
            payment_status = CASE WHEN paid_cents <= 0 THEN 'unpaid'
              WHEN paid_cents >= ${owed} THEN 'paid' ELSE 'partial' END
          WHERE id = ?`,
    args: [id],
  });
}

/**
 * Recomputes what a bill pays for: the freight of the load a carrier bill is (`id`) and was
 * (`before`) linked to, and the cost of the purchase order a packer's bill is and was linked to.
 */
export async function recomputeBilledTargets(
  tx: Executor,
  id: string | null,
  before: RecordValues | null,
): Promise<void> {
  const loads = new Set<string>();
  const orders = new Set<string>();
  if (before?.load_id) loads.add(String(before.load_id));
  if (before?.purchase_order_id) orders.add(String(before.purchase_order_id));
  if (id) {
    const rs = await tx.execute({
      sql: "SELECT load_id, purchase_order_id FROM bills WHERE id = ?",
      args: [id],
    });
    const row = rs.rows[0];
    if (row?.load_id) loads.add(String(row.load_id));
    if (row?.purchase_order_id) orders.add(String(row.purchase_order_id));
  }
  for (const load of loads) await recomputeLoad(tx, load);
  for (const order of orders) await recomputePurchaseOrderPayable(tx, order);
}

/**
 * Recomputes an invoice's subtotal, total (with tax), paid, credited (accepted disputes,
 * domain/disputes.ts) and outstanding amounts.
 */
export async function recomputeInvoice(tx: Executor, id: string): Promise<void> {
  await tx.execute({
    sql: `UPDATE invoices SET
            subtotal_cents = COALESCE((SELECT SUM(amount_cents) FROM invoice_lines l
              WHERE l.invoice_id = invoices.id), 0),
            paid_cents = COALESCE((SELECT SUM(amount_cents) FROM payments p
              WHERE p.invoice_id = invoices.id AND p.archived_at IS NULL), 0),
            credited_cents = COALESCE((SELECT SUM(credit_cents) FROM invoice_disputes d
              WHERE d.invoice_id = invoices.id AND d.outcome = 'accepted'), 0)
          WHERE id = ?`,
    args: [id],
  });
  await tx.execute({
    sql: `UPDATE invoices SET total_cents = subtotal_cents + tax_cents,
            outstanding_cents = CASE WHEN state = 'void' THEN 0
              ELSE subtotal_cents + tax_cents - paid_cents - credited_cents END
          WHERE id = ?`,
    args: [id],
  });
}

/** Recomputes a bill's lines subtotal, total (lines + other charges), weight, paid, outstanding. */
export async function recomputeBill(tx: Executor, id: string): Promise<void> {
  const weight = WEIGHT_LB_SQL("bill_lines").replace("%KEY%", "bill_id");
  await tx.execute({
    sql: `UPDATE bills SET
            subtotal_cents = COALESCE((SELECT SUM(amount_cents) FROM bill_lines l
              WHERE l.bill_id = bills.id), 0),
            total_weight_lb = ${weight},
            paid_cents = COALESCE((SELECT SUM(amount_cents) FROM payments p
              WHERE p.bill_id = bills.id AND p.archived_at IS NULL), 0)
          WHERE id = ?`,
    args: [id, id],
  });
  await tx.execute({
    sql: `UPDATE bills SET total_cents = subtotal_cents + charges_cents,
            outstanding_cents = CASE WHEN state = 'void' THEN 0
              ELSE subtotal_cents + charges_cents - paid_cents END
          WHERE id = ?`,
    args: [id],
  });
}
