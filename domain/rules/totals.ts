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
  if (table === "purchase_orders") await recomputePayable(tx, "purchase_orders", "total_cents", id);
}

/**
 * What has been paid on a payable (a PO's cost) and what is outstanding, from the payments applied
 * to it. Names come from the callers, never from input.
 */
async function recomputePayable(
  tx: Executor,
  table: "purchase_orders" | "loads",
  amountColumn: "total_cents" | "freight_cents",
  id: string,
): Promise<void> {
  const key = table === "purchase_orders" ? "purchase_order_id" : "load_id";
  await tx.execute({
    sql: `UPDATE ${table} SET
            paid_cents = COALESCE((SELECT SUM(amount_cents) FROM payments p
              WHERE p.${key} = ${table}.id AND p.archived_at IS NULL), 0)
          WHERE id = ?`,
    args: [id],
  });
  await tx.execute({
    sql: `UPDATE ${table} SET outstanding_cents = ${amountColumn} - paid_cents,
            payment_status = CASE WHEN paid_cents <= 0 THEN 'unpaid'
              WHEN paid_cents >= ${amountColumn} THEN 'paid' ELSE 'partial' END
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

/** Recomputes the freight of the loads a carrier bill is (`id`) and was (`before`) linked to. */
export async function recomputeBilledLoads(
  tx: Executor,
  id: string | null,
  before: RecordValues | null,
): Promise<void> {
  const loads = new Set<string>();
  if (before?.load_id) loads.add(String(before.load_id));
  if (id) {
    const rs = await tx.execute({ sql: "SELECT load_id FROM bills WHERE id = ?", args: [id] });
    const load = rs.rows[0]?.load_id;
    if (load) loads.add(String(load));
  }
  for (const load of loads) await recomputeLoad(tx, load);
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
