/**
 * @module domain/currency
 * The currencies a customer may be billed in, and the one rule that ties them together: a sales
 * order and an invoice carry their customer's currency, stored on the record when it is created
 * (or moved to another customer), so changing a customer's currency later never rewrites what was
 * already billed. Amounts of different currencies are never added: reports total per currency.
 */
import type { Executor } from "../db/transaction.ts";
import type { FormatSettings } from "./format.ts";
import type { RecordValues } from "./records/rows.ts";

/** The currencies a customer may be billed in (ISO 4217), the workspace's own first. */
export const CURRENCIES = [
  { value: "USD", label: "USD — US dollar" },
  { value: "CAD", label: "CAD — Canadian dollar" },
  { value: "MXN", label: "MXN — Mexican peso" },
] as const;
export type Currency = typeof CURRENCIES[number]["value"];

/** The currency of a customer with none chosen (and of every record before currencies). */
export const DEFAULT_CURRENCY: Currency = "USD";

/** Whether `value` is one of the currencies above. */
export function isCurrency(value: unknown): value is Currency {
  return CURRENCIES.some((c) => c.value === value);
}

/** The currency a customer is billed in (the default for an unknown id). */
export async function customerCurrency(tx: Executor, customerId: unknown): Promise<Currency> {
  if (typeof customerId !== "string" || !customerId) return DEFAULT_CURRENCY;
  const rs = await tx.execute({
    sql: "SELECT currency FROM customers WHERE id = ?",
    args: [customerId],
  });
  const currency = rs.rows[0]?.currency;
  return isCurrency(currency) ? currency : DEFAULT_CURRENCY;
}

/**
 * The currency a sales order or invoice write stores: the customer's when the record is new or
 * changes customer, else the one it already has.
 */
export async function currencyOnWrite(
  tx: Executor,
  values: RecordValues,
  existing: RecordValues | null,
): Promise<Currency> {
  if (existing && existing.customer_id === values.customer_id && isCurrency(existing.currency)) {
    return existing.currency;
  }
  return await customerCurrency(tx, values.customer_id);
}

/** The formatting settings for amounts of a record: the tenant's, in the record's currency. */
export function inCurrency(format: FormatSettings, currency: unknown): FormatSettings {
  return isCurrency(currency) && currency !== format.currency ? { ...format, currency } : format;
}
