/**
 * @module domain/rules/bills
 * The rules of a bill (accounts payable): one vendor that fits the kind (a carrier's freight bill
 * names the carrier, a supplier's invoice the supplier, another bill a vendor by name), the
 * vendor's number unique per vendor, the due date from the terms (the vendor's when the bill has
 * none, never before the bill date), no voiding a bill that has payments out, and no total
 * lower than what was paid on it.
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import type { WriteState } from "./write_state.ts";
import { ConflictError, InvalidError } from "../errors.ts";
import { applyLineAmounts } from "./totals.ts";
import { checkLinesOnWrite } from "./line_quantities.ts";
import { BILL_DUE, dueDateOnWrite } from "./due_dates.ts";
import { checkDueDate, checkTotalCoversPaid, newTotal } from "./guards.ts";

function refuse(field: string, message: string): never {
  throw new InvalidError(message, { [field]: [message] }, 422);
}

/** Refuses a bill whose vendor does not fit its kind, or that names more than one vendor. */
export function checkBillVendor(values: RecordValues): void {
  const named = ["carrier_id", "supplier_id", "vendor_name"].filter((k) => values[k]);
  if (values.kind === "carrier" && !values.carrier_id) {
    refuse("carrier_id", "A carrier's freight bill names the carrier.");
  }
  if (values.kind === "supplier" && !values.supplier_id) {
    refuse("supplier_id", "A supplier's invoice names the supplier.");
  }
  if (values.kind === "other" && !values.vendor_name) {
    refuse("vendor_name", "Enter the vendor's name.");
  }
  if (named.length > 1) {
    const field = values.kind === "supplier"
      ? "supplier_id"
      : values.kind === "other"
      ? "vendor_name"
      : "carrier_id";
    refuse(field, "A bill has one vendor: a carrier, a supplier or another vendor by name.");
  }
}

/** Refuses a second bill with the same number from the same vendor (409 on `number`). */
async function checkNumberPerVendor(
  tx: Executor,
  values: RecordValues,
  id: string | null,
): Promise<void> {
  const rs = await tx.execute({
    sql: `SELECT id FROM bills
          WHERE COALESCE(carrier_id, supplier_id, lower(vendor_name)) = ?
            AND number = ? COLLATE NOCASE AND id <> ? LIMIT 1`,
    args: [
      String(values.carrier_id ?? values.supplier_id ?? String(values.vendor_name).toLowerCase()),
      String(values.number),
      id ?? "",
    ],
  });
  if (rs.rows.length) {
    throw new ConflictError("This vendor already has a bill with this number.", {
      number: ["Already used by another bill from this vendor."],
    });
  }
}

/** Derives and checks a bill's values inside the write transaction. */
export async function prepareBill(
  tx: Executor,
  { values, lines, existing }: WriteState,
): Promise<RecordValues> {
  checkLinesOnWrite("bills", values, lines, existing);
  const linesTotal = lines ? applyLineAmounts(lines) : null;
  const total = newTotal(values, linesTotal, existing, "subtotal_cents", "charges_cents");
  checkBillVendor(values);
  await checkNumberPerVendor(tx, values, existing ? String(existing.id) : null);
  if (existing && existing.state !== "void" && values.state === "void") {
    if (Number(existing.paid_cents) > 0) {
      throw new ConflictError(
        "A bill with payments cannot be voided; take the payments off first.",
      );
    }
  }
  checkTotalCoversPaid(
    "bill",
    total,
    existing,
    linesTotal === null ? "charges_cents" : "lines",
    "Take payments off first, or record the vendor's credit.",
  );
  const due = await dueDateOnWrite(tx, values, existing, BILL_DUE);
  await checkDueDate(tx, values, due, BILL_DUE);
  return { due_date: due };
}
