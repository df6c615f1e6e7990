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
  if (table === "purchase_orders") await recomputeBilledPayable(tx, PO_COST, id);
}

/** A payable that its bills take over once billed: a PO's cost, a load's freight. */
interface BilledPayable {
  table: "purchase_orders" | "loads";
  /** The payments' column naming it, and the bills' (the same name on both tables). */
  key: "purchase_order_id" | "load_id";
  /** The bills that pay for it. */
  billKind: "supplier" | "carrier";
  /** What is owed before a bill comes: the order's total, the load's agreed rate. */
  agreed: "total_cents" | "freight_cents";
}

const PO_COST: BilledPayable = {
  table: "purchase_orders",
  key: "purchase_order_id",
  billKind: "supplier",
  agreed: "total_cents",
};
const LOAD_FREIGHT: BilledPayable = {
  table: "loads",
  key: "load_id",
  billKind: "carrier",
  agreed: "freight_cents",
};

/**
 * Recomputes what was paid on a payable and what is outstanding. Once it is billed (a live bill of
 * its kind names it: open, paid or disputed, not void or archived), the bills are what is owed and
 * the money is paid on them (domain/rules/payments.ts): it then counts what its bills total and
 * what was paid on them as well as on itself, so a billed and paid PO or load reads paid. Each
 * payment has one target, so none is counted twice. Without a bill, the agreed amount and its own
 * payments. Names come from the constants above, never from input.
 */
async function recomputeBilledPayable(
  tx: Executor,
  { table, key, billKind, agreed }: BilledPayable,
  id: string,
): Promise<void> {
  const bills = `SELECT b.id FROM bills b WHERE b.${key} = ${table}.id AND b.kind = '${billKind}'
    AND b.state <> 'void' AND b.archived_at IS NULL`;
  await tx.execute({
    sql: `UPDATE ${table} SET
            paid_cents = COALESCE((SELECT SUM(p.amount_cents) FROM payments p
              WHERE p.archived_at IS NULL AND (p.${key} = ${table}.id OR p.bill_id IN (${bills}))),
              0)
          WHERE id = ?`,
    args: [id],
  });
  const owed = `COALESCE((SELECT SUM(b.total_cents) FROM bills b WHERE b.id IN (${bills})),
    ${agreed})`;
  await tx.execute({
    sql: `UPDATE ${table} SET outstanding_cents = ${owed} - paid_cents,
            payment_status = CASE WHEN paid_cents <= 0 THEN 'unpaid'
              WHEN paid_cents >= ${owed} THEN 'paid' ELSE 'partial' END
          WHERE id = ?`,
    args: [id],
  });
}

/** Recomputes a load's freight payable: the agreed rate, or its carrier's bills once billed. */
export function recomputeLoad(tx: Executor, id: string): Promise<void> {
  return recomputeBilledPayable(tx, LOAD_FREIGHT, id);
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
  for (const order of orders) await recomputeBilledPayable(tx, PO_COST, order);
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
