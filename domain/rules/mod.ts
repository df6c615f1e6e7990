/**
 * @module domain/rules/mod
 * The business rules of each record type, as hooks the repository calls inside the write
 * transaction: `prepare` derives values (line amounts, due dates) and refuses bad writes
 * (credit hold, overpayment); `afterWrite` recomputes stored totals from lines and payments.
 * Totals are always recomputed from the database, never taken from the client.
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import type { RecordContext } from "../records/context.ts";
import {
  applyLineAmounts,
  recomputeBill,
  recomputeBilledTargets,
  recomputeInvoice,
  recomputeLoad,
  recomputeOrder,
} from "./totals.ts";
import { prepareBill } from "./bills.ts";
import { checkCredit } from "./credit.ts";
import { checkLinesOnWrite } from "./line_quantities.ts";
import { checkPayment, recomputePaymentTargets } from "./payments.ts";
import { dueDateOnWrite, INVOICE_DUE } from "./due_dates.ts";
import { AppError, ConflictError, InvalidError } from "../errors.ts";
import {
  checkClaimAmounts,
  checkCreditTerms,
  checkDueDate,
  checkInvoiceState,
  checkLoadStatus,
  checkTotalCoversPaid,
  newTotal,
} from "./guards.ts";
import { currencyOnWrite, isCurrency } from "../currency.ts";
import { freezeInvoiceRate, workspaceCurrency } from "../exchange.ts";

export type { WriteState } from "./write_state.ts";
import type { WriteState } from "./write_state.ts";

export interface RecordRules {
  /** Returns values to store beside the input (derived fields); throws to refuse the write. */
  prepare?(tx: Executor, ctx: RecordContext, state: WriteState): Promise<RecordValues | void>;
  afterWrite?(
    tx: Executor,
    ctx: RecordContext,
    state: { id: string; existing: RecordValues | null },
  ): Promise<void>;
  beforeDelete?(tx: Executor, ctx: RecordContext, existing: RecordValues): Promise<void>;
  /** Throws to refuse restoring an archived record (it would break a rule creating it obeys). */
  beforeRestore?(tx: Executor, ctx: RecordContext, existing: RecordValues): Promise<void>;
  afterDelete?(tx: Executor, ctx: RecordContext, existing: RecordValues): Promise<void>;
}

/** A purchase order's plant must be one of its supplier's: goods ship from the seller's plant. */
async function checkPlantOfSupplier(
  tx: Executor,
  values: RecordValues,
  existing: RecordValues | null,
): Promise<void> {
  const plant = values.plant_id ?? null;
  if (!plant) return;
  if (existing && plant === existing.plant_id && values.supplier_id === existing.supplier_id) {
    return;
  }
  const rs = await tx.execute({
    sql: "SELECT supplier_id FROM plants WHERE id = ?",
    args: [String(plant)],
  });
  const owner = rs.rows[0]?.supplier_id ?? null;
  if (owner !== null && owner !== values.supplier_id) {
    const message = "This plant belongs to another supplier. Choose one of this supplier's plants.";
    throw new InvalidError(message, { plant_id: [message] }, 422);
  }
}

function requireOneOf(values: RecordValues, names: string[], message: string): void {
  const set = names.filter((n) => values[n]);
  if (set.length !== 1) {
    throw new InvalidError(message, Object.fromEntries(names.map((n) => [n, [message]])), 422);
  }
}

/** Whether a packer's bill (not void or archived) names the purchase order. */
async function hasLiveSupplierBills(tx: Executor, id: string): Promise<boolean> {
  const rs = await tx.execute({
    sql: `SELECT 1 FROM bills WHERE purchase_order_id = ? AND kind = 'supplier'
            AND state <> 'void' AND archived_at IS NULL LIMIT 1`,
    args: [id],
  });
  return rs.rows.length > 0;
}

const RULES: Record<string, RecordRules> = {
  "purchase-orders": {
    async prepare(tx, _ctx, { values, lines, existing }) {
      checkLinesOnWrite("purchase-orders", values, lines, existing);
      // Once billed, the packer's bills are what is owed and paid (recomputeOrder): the order's
      // lines may then be corrected without regard to the bills' payments.
      if (lines && !(existing && await hasLiveSupplierBills(tx, String(existing.id)))) {
        checkTotalCoversPaid(
          "purchase order",
          applyLineAmounts(lines),
          existing,
          "lines",
          "Take payments off first.",
        );
      }
      await checkPlantOfSupplier(tx, values, existing);
    },
    afterWrite: (tx, _ctx, { id }) => recomputeOrder(tx, "purchase_orders", id),
    async beforeDelete(_tx, _ctx, existing) {
      if (existing.status !== "draft" && existing.status !== "cancelled") {
        throw new ConflictError("Only draft or cancelled purchase orders can be deleted.");
      }
      await Promise.resolve();
    },
  },
  "sales-orders": {
    async prepare(tx, ctx, state) {
      checkLinesOnWrite("sales-orders", state.values, state.lines, state.existing);
      if (state.lines) applyLineAmounts(state.lines);
      if (!state.values.purchase_order_id && state.lines) {
        const fromLine = state.lines.find((l) => l.purchase_order_id)?.purchase_order_id;
        if (fromLine) state.values.purchase_order_id = fromLine;
      }
      if (!state.values.salesperson && !state.existing && ctx.userName) {
        state.values.salesperson = ctx.userName;
      }
      await checkCredit(tx, ctx, state);
      return {
        purchase_order_id: state.values.purchase_order_id,
        salesperson: state.values.salesperson,
        currency: await currencyOnWrite(tx, state.values, state.existing),
      };
    },
    afterWrite: (tx, _ctx, { id }) => recomputeOrder(tx, "sales_orders", id),
    async beforeDelete(_tx, _ctx, existing) {
      if (existing.status !== "draft" && existing.status !== "cancelled") {
        throw new ConflictError("Only draft or cancelled sales orders can be deleted.");
      }
      await Promise.resolve();
    },
  },
  loads: {
    prepare(_tx, _ctx, { values, existing }) {
      if (!values.purchase_order_id && !values.sales_order_id) {
        const message = "A load moves a purchase order or a sales order: link at least one.";
        throw new InvalidError(message, { purchase_order_id: [message] }, 422);
      }
      checkLoadStatus(values, existing);
      // Once billed, the carrier's bill is what is owed and paid (recomputeLoad): the agreed rate
      // may then change without regard to the bill's payments.
      if (existing?.billed_freight_cents === null || existing?.billed_freight_cents === undefined) {
        checkTotalCoversPaid(
          "load's freight",
          Number(values.freight_cents ?? 0),
          existing,
          "freight_cents",
          "Take freight payments off first.",
        );
      }
      return Promise.resolve();
    },
    afterWrite: (tx, _ctx, { id }) => recomputeLoad(tx, id),
  },
  invoices: {
    async prepare(tx, _ctx, { values, lines, existing }) {
      checkLinesOnWrite("invoices", values, lines, existing);
      const linesTotal = lines ? applyLineAmounts(lines) : null;
      const total = newTotal(values, linesTotal, existing, "subtotal_cents", "tax_cents");
      if (existing && existing.state !== "void" && values.state === "void") {
        if (Number(existing.paid_cents) > 0) {
          throw new ConflictError("An invoice with payments cannot be voided; refund first.");
        }
      }
      checkInvoiceState(values, existing);
      checkTotalCoversPaid(
        "invoice",
        total,
        existing,
        linesTotal === null ? "tax_cents" : "lines",
        "Issue a credit (a dispute accepted with a credit) instead.",
      );
      const due = await dueDateOnWrite(tx, values, existing);
      await checkDueDate(tx, values, due, INVOICE_DUE);
      return { due_date: due, currency: await currencyOnWrite(tx, values, existing) };
    },
    async afterWrite(tx, _ctx, { id }) {
      await recomputeInvoice(tx, id);
      // An issued invoice keeps the exchange rate of its date (domain/exchange.ts).
      await freezeInvoiceRate(tx, id);
    },
    async beforeDelete(_tx, _ctx, existing) {
      if (existing.state !== "draft") {
        throw new ConflictError("Only draft invoices can be deleted; void a sent invoice instead.");
      }
      await Promise.resolve();
    },
  },
  bills: {
    prepare: (tx, _ctx, state) => prepareBill(tx, state),
    async afterWrite(tx, _ctx, { id, existing }) {
      await recomputeBill(tx, id);
      await recomputeBilledTargets(tx, id, existing);
    },
    afterDelete: (tx, _ctx, existing) => recomputeBilledTargets(tx, null, existing),
  },
  payments: {
    async prepare(tx, _ctx, state) {
      await checkPayment(tx, state);
    },
    // Restoring puts the amount back on its invoice, bill, PO or load: the rules of a new payment.
    async beforeRestore(tx, _ctx, existing) {
      try {
        await checkPayment(tx, { values: { ...existing }, lines: undefined, existing: null });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        throw new ConflictError(
          `This payment cannot be restored: ${err.message}`,
          err.details,
        );
      }
    },
    afterWrite: (tx, _ctx, { id, existing }) => recomputePaymentTargets(tx, id, existing),
    afterDelete: (tx, _ctx, existing) => recomputePaymentTargets(tx, null, existing),
  },
  customers: {
    async prepare(tx, ctx, { values, existing }) {
      // A customer with no currency chosen is billed in the workspace's own.
      if (!isCurrency(values.currency)) values.currency = await workspaceCurrency(tx);
      await checkCreditTerms(tx, ctx, values, existing);
    },
  },
  claims: {
    prepare(_tx, _ctx, { values }) {
      if (values.direction === "receivable" && !values.customer_id) {
        throw new InvalidError("A receivable claim names the customer.", {
          customer_id: ["Choose the customer."],
        }, 422);
      }
      if (values.direction === "payable" && !values.supplier_id && !values.carrier_id) {
        const message = "A payable claim names the supplier or the carrier.";
        throw new InvalidError(message, { supplier_id: [message], carrier_id: [message] }, 422);
      }
      const claimed = Number(values.claimed_cents ?? 0);
      const approved = values.approved_cents as number | null;
      const settled = values.settled_cents as number | null;
      if (approved !== null && approved !== undefined && approved > claimed) {
        throw new InvalidError("The approved amount cannot exceed the claimed amount.", {
          approved_cents: ["More than claimed."],
        }, 422);
      }
      if (values.status === "settled" && (settled === null || settled === undefined)) {
        throw new InvalidError("Enter the settled amount to settle a claim.", {
          settled_cents: ["Required to settle."],
        }, 422);
      }
      checkClaimAmounts(values);
      return Promise.resolve();
    },
  },
  contacts: {
    prepare(_tx, _ctx, { values }) {
      requireOneOf(
        values,
        ["supplier_id", "customer_id", "carrier_id"],
        "A contact belongs to one supplier, customer or carrier.",
      );
      return Promise.resolve();
    },
  },
};

const NONE: RecordRules = {};

export function rulesFor(collection: string): RecordRules {
  return RULES[collection] ?? NONE;
}
