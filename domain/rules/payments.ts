/**
 * @module domain/rules/payments
 * A payment is applied to an invoice (receivable) or, paid out, to a bill, a purchase order or a
 * load's freight (payable), never more than is outstanding, and never dated after the tenant's
 * business day; its target's paid and outstanding amounts and payment status are recomputed in the
 * same transaction.
 */
import type { Executor } from "../../db/transaction.ts";
import { BUSINESS_DAY } from "../../db/business_day.ts";
import { InvalidError } from "../errors.ts";
import { money } from "../format.ts";
import type { RecordValues } from "../records/rows.ts";
import type { WriteState } from "./write_state.ts";
import {
  recomputeBill,
  recomputeBilledTargets,
  recomputeInvoice,
  recomputeLoad,
  recomputeOrder,
} from "./totals.ts";

const TARGETS = ["invoice_id", "bill_id", "purchase_order_id", "load_id"] as const;
type Target = typeof TARGETS[number];

/** The table each target points at; names come from here, never from input. */
const TABLES: Record<Target, string> = {
  invoice_id: "invoices",
  bill_id: "bills",
  purchase_order_id: "purchase_orders",
  load_id: "loads",
};

function fail(field: string, message: string): never {
  throw new InvalidError(message, { [field]: [message] }, 422);
}

/**
 * Refuses (422 on `paid_on`) a payment dated after today, the tenant's business day by the clock in
 * Services: money not yet received or sent would show an invoice or bill paid, and drop out of the
 * aging, days early. Today itself is allowed. An unchanged date on an edit is not checked again.
 */
async function checkPaidOn(
  tx: Executor,
  values: RecordValues,
  existing: RecordValues | null,
): Promise<void> {
  const paidOn = values.paid_on;
  if (typeof paidOn !== "string" || (existing && existing.paid_on === paidOn)) return;
  const today = String((await tx.execute(`SELECT ${BUSINESS_DAY} AS d`)).rows[0]!.d);
  if (paidOn <= today) return;
  throw new InvalidError(
    `The payment date (${paidOn}) is after today (${today}): record a payment once it is made or received.`,
    { paid_on: ["A payment cannot be dated after today."] },
    422,
  );
}

export async function checkPayment(tx: Executor, { values, existing }: WriteState): Promise<void> {
  await checkPaidOn(tx, values, existing);
  const set = TARGETS.filter((t) => values[t]);
  if (values.direction === "receivable") {
    if (!values.invoice_id || set.length !== 1) {
      fail("invoice_id", "A receivable payment is applied to one invoice.");
    }
  } else if (set.length !== 1 || values.invoice_id) {
    const message = "A payable payment is applied to one bill, one purchase order or one load.";
    fail(values.bill_id ? "bill_id" : "purchase_order_id", message);
  }
  const target = set[0]!;
  const table = TABLES[target];
  // An invoice's accepted disputes credit part of it (domain/disputes.ts): not payable.
  const total = table === "loads"
    ? "freight_cents"
    : table === "invoices"
    ? "total_cents - credited_cents"
    : "total_cents";
  const hasState = table === "invoices" || table === "bills";
  const rs = await tx.execute({
    sql: `SELECT ${total} AS total, paid_cents${
      hasState ? ", state" : ""
    } FROM ${table} WHERE id = ?`,
    args: [values[target] as string],
  });
  const row = rs.rows[0];
  if (!row) fail(target, "No such record.");
  if (table === "invoices" && row.state === "void") fail(target, "That invoice is void.");
  if (table === "bills" && row.state === "void") fail(target, "That bill is void.");
  if (table === "invoices" && row.state === "draft") {
    fail(target, "Send the invoice before recording a payment on it.");
  }
  // The payment's own previous amount on the same target does not count against it.
  const alreadyHere = existing && existing[target] === values[target] && !existing.archived_at
    ? Number(existing.amount_cents)
    : 0;
  let open = Number(row.total) - Number(row.paid_cents) + alreadyHere;
  if (values.direction === "payable") {
    open = Math.min(open, await payableLeftOverBills(tx, target, String(values[target]), existing));
  }
  if (Number(values.amount_cents) > open) {
    const noun = {
      invoices: "invoice",
      bills: "bill",
      purchase_orders: "purchase order",
      loads: "load's freight",
    }[table];
    fail("amount_cents", `More than is owed: only ${money(open)} is outstanding on that ${noun}.`);
  }
}

/** A carrier's bills for a load, a packer's for a purchase order: the same money as its own. */
const BILLED = {
  load_id: "b.kind = 'carrier' AND b.load_id = :target",
  purchase_order_id: "b.kind = 'supplier' AND b.purchase_order_id = :target",
} as const;
const LIVE_BILL = "b.state <> 'void' AND b.archived_at IS NULL";

/**
 * What may still be paid out on a load's freight or a PO's cost once bills were entered for it
 * (the carrier's freight bill, the packer's invoice): those bills are what is owed, so the money
 * is paid on them, and a payment made on the load or PO itself before the bill came counts
 * against them. Without it a freight paid on the load and again on the carrier's bill is paid twice
 * without a word. Infinity when no bill is linked (the target's own outstanding applies).
 */
async function payableLeftOverBills(
  tx: Executor,
  target: Target,
  id: string,
  existing: RecordValues | null,
): Promise<number> {
  let link: "load_id" | "purchase_order_id";
  let key = id;
  if (target === "bill_id") {
    const rs = await tx.execute({
      sql: "SELECT kind, load_id, purchase_order_id FROM bills WHERE id = ?",
      args: [id],
    });
    const bill = rs.rows[0];
    if (bill?.kind === "carrier" && bill.load_id) {
      link = "load_id";
      key = String(bill.load_id);
    } else if (bill?.kind === "supplier" && bill.purchase_order_id) {
      link = "purchase_order_id";
      key = String(bill.purchase_order_id);
    } else return Infinity;
  } else if (target === "load_id" || target === "purchase_order_id") {
    link = target;
  } else return Infinity;
  const rs = await tx.execute({
    sql: `SELECT COUNT(*) AS bills, COALESCE(SUM(b.total_cents), 0) AS billed,
            group_concat(b.number, ', ') AS numbers,
            (SELECT COALESCE(SUM(p.amount_cents), 0) FROM payments p
              WHERE p.archived_at IS NULL AND p.id <> :self AND (p.${link} = :target
                OR p.bill_id IN (SELECT b.id FROM bills b WHERE ${BILLED[link]} AND ${LIVE_BILL})))
              AS paid
          FROM bills b WHERE ${BILLED[link]} AND ${LIVE_BILL}`,
    args: { target: key, self: existing?.id ? String(existing.id) : "" },
  });
  const row = rs.rows[0];
  if (!row || Number(row.bills) === 0) return Infinity;
  if (target !== "bill_id") {
    const what = link === "load_id"
      ? "carrier billed this load's freight"
      : "packer billed this PO";
    fail(target, `The ${what} (${row.numbers}): apply the payment to the bill instead.`);
  }
  return Math.max(0, Number(row.billed) - Number(row.paid));
}

async function recompute(tx: Executor, target: string, id: string): Promise<void> {
  if (target === "invoice_id") await recomputeInvoice(tx, id);
  else if (target === "bill_id") {
    await recomputeBill(tx, id);
    // A carrier's bill pays its load's freight (recomputeLoad).
    await recomputeBilledTargets(tx, id, null);
  } else if (target === "purchase_order_id") await recomputeOrder(tx, "purchase_orders", id);
  else await recomputeLoad(tx, id);
}

/** Recomputes whatever the payment is applied to now and was applied to before. */
export async function recomputePaymentTargets(
  tx: Executor,
  id: string | null,
  existing: RecordValues | null,
): Promise<void> {
  const seen = new Set<string>();
  if (id) {
    const rs = await tx.execute({
      sql: "SELECT invoice_id, bill_id, purchase_order_id, load_id FROM payments WHERE id = ?",
      args: [id],
    });
    const row = rs.rows[0];
    for (const t of TARGETS) {
      if (row?.[t]) {
        seen.add(`${t}:${row[t]}`);
        await recompute(tx, t, String(row[t]));
      }
    }
  }
  for (const t of TARGETS) {
    if (existing?.[t] && !seen.has(`${t}:${existing[t]}`)) {
      await recompute(tx, t, String(existing[t]));
    }
  }
}
