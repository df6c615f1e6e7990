/**
 * @module domain/exchange
 * Exchange rates between a customer's currency (USD, CAD, MXN: domain/currency.ts) and the
 * workspace's own currency (Settings → Company), which costs, freight and bills are kept in.
 * The broker enters one rate per currency and day (Settings → Exchange rates); the rate that
 * applies to a day is that day's or the latest before it. An invoice freezes its rate when it is
 * issued (`freezeInvoiceRate`), so a later rate never rewrites what was billed.
 *
 * A rate is stored as the workspace currency's units for one unit of the other currency, in
 * millionths (integer `rate_e6`), and a conversion rounds to the cent half to even with integer
 * arithmetic (`convertCents`): no float ever touches money. Where no rate exists, nothing is
 * guessed: callers get `null` and say on the page what was left out.
 */
import { daySchema } from "./day.ts";
import type { Executor } from "../db/transaction.ts";
import { z } from "zod";
import { CURRENCIES, type Currency, DEFAULT_CURRENCY, isCurrency } from "./currency.ts";
import { InvalidError, NotFoundError } from "./errors.ts";
import { markChanged } from "./records/changes.ts";

/** One rate per currency and day. */
export interface ExchangeRate {
  currency: Currency;
  day: string;
  /** Workspace units per unit of `currency`, in millionths. */
  rate_e6: number;
  /** The same as a decimal string ("1.371234"), as the API carries it. */
  rate: string;
  updated_at: string;
}

export { convertCents, convertCentsFrom, parseRate, rateText } from "./exchange_math.ts";
import { parseRate, rateText } from "./exchange_math.ts";

/** The workspace's own currency (Settings → Company), USD when none was chosen. */
export async function workspaceCurrency(db: Executor): Promise<string> {
  const rs = await db.execute("SELECT value FROM settings WHERE key = 'currency'");
  const value = rs.rows[0]?.value;
  return typeof value === "string" && /^[A-Z]{3}$/.test(value) ? value : DEFAULT_CURRENCY;
}

/** The rate of `currency` on `day`, or the latest before it; null when there is none. */
export async function rateOn(
  db: Executor,
  currency: string,
  day: string,
): Promise<{ rate_e6: number; day: string } | null> {
  const rs = await db.execute({
    sql: `SELECT rate_e6, day FROM exchange_rates WHERE currency = ? AND day <= ?
          ORDER BY day DESC LIMIT 1`,
    args: [currency, day],
  });
  const row = rs.rows[0];
  return row ? { rate_e6: Number(row.rate_e6), day: String(row.day) } : null;
}

/**
 * SQL for the rate (millionths) of the currency in `currencySql` on the day in `daySql`, or the
 * latest before it; NULL when there is none. For reports that convert row by row.
 */
export function rateSql(currencySql: string, daySql: string): string {
  return `(SELECT r.rate_e6 FROM exchange_rates r WHERE r.currency = ${currencySql}
    AND r.day <= ${daySql} ORDER BY r.day DESC LIMIT 1)`;
}

/** The rates entered, newest day first (Settings → Exchange rates lists them). */
export async function listRates(db: Executor, limit = 200): Promise<ExchangeRate[]> {
  const rs = await db.execute({
    sql: `SELECT currency, day, rate_e6, updated_at FROM exchange_rates
          ORDER BY day DESC, currency LIMIT ?`,
    args: [limit],
  });
  return rs.rows.map((r) => ({
    currency: String(r.currency) as Currency,
    day: String(r.day),
    rate_e6: Number(r.rate_e6),
    rate: rateText(Number(r.rate_e6)),
    updated_at: String(r.updated_at),
  }));
}

/** The form and the API of one rate: currency, day, and the rate as a decimal. */
export const RateInputSchema = z.strictObject({
  currency: z.enum(CURRENCIES.map((c) => c.value) as [Currency, ...Currency[]], {
    error: "Choose USD, CAD or MXN.",
  }),
  day: daySchema(),
  rate: z.string().trim().refine((text) => parseRate(text) !== null, {
    message: "Write the rate as a positive number with up to six decimals, like 0.7312.",
  }),
});
export type RateInput = z.infer<typeof RateInputSchema>;

/**
 * Saves the rate of a currency for a day (replacing that day's rate, if any). The workspace's
 * own currency needs none and is refused.
 */
export async function saveRate(
  db: Executor,
  input: RateInput,
  by: { userId: string | null; at: string },
): Promise<ExchangeRate> {
  const own = await workspaceCurrency(db);
  if (input.currency === own || !isCurrency(input.currency)) {
    throw new InvalidError(`${own} is the workspace's own currency: it needs no rate.`, {
      currency: ["Choose another currency than the workspace's own."],
    }, 422);
  }
  const rateE6 = parseRate(input.rate)!;
  await db.execute({
    sql: `INSERT INTO exchange_rates (currency, day, rate_e6, updated_at, updated_by)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (currency, day) DO UPDATE SET rate_e6 = excluded.rate_e6,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    args: [input.currency, input.day, rateE6, by.at, by.userId],
  });
  await markChanged(db); // the dashboard's converted totals change with it
  return {
    currency: input.currency,
    day: input.day,
    rate_e6: rateE6,
    rate: rateText(rateE6),
    updated_at: by.at,
  };
}

/** Deletes the rate of a currency for a day (invoices keep the rate they froze). */
export async function deleteRate(db: Executor, currency: string, day: string): Promise<void> {
  const rs = await db.execute({
    sql: "DELETE FROM exchange_rates WHERE currency = ? AND day = ?",
    args: [currency, day],
  });
  if (!rs.rowsAffected) throw new NotFoundError("No rate for that currency and day.");
  await markChanged(db);
}

/**
 * Freezes the rate on an invoice once it is issued (no longer a draft), in a currency other than
 * the workspace's, if it has none yet: its invoice date's rate or the latest before it. An
 * invoice issued before any rate existed keeps none and is converted at its date's rate once
 * one is entered (reports say so while there is none).
 */
export async function freezeInvoiceRate(tx: Executor, id: string): Promise<void> {
  const rate = rateSql("invoices.currency", "invoices.invoice_date");
  const day = `(SELECT r.day FROM exchange_rates r WHERE r.currency = invoices.currency
    AND r.day <= invoices.invoice_date ORDER BY r.day DESC LIMIT 1)`;
  await tx.execute({
    sql: `UPDATE invoices SET exchange_rate_e6 = ${rate}, exchange_rate_day = ${day}
          WHERE id = ? AND state <> 'draft' AND exchange_rate_e6 IS NULL
            AND currency <> COALESCE((SELECT value FROM settings WHERE key = 'currency'),
              '${DEFAULT_CURRENCY}')`,
    args: [id],
  });
}

/** Money of one currency that could not be converted for want of a rate. */
export interface Unconverted {
  currency: string;
  cents: number;
}

/** Adds `cents` of `currency` to a list of unconverted sums, one entry per currency. */
export function addUnconverted(list: Unconverted[], currency: string, cents: number): void {
  const entry = list.find((u) => u.currency === currency);
  if (entry) entry.cents += cents;
  else list.push({ currency, cents });
}

/**
 * What a form needs to show a sale in a customer's currency in the workspace's: the workspace's
 * currency, each other currency's rate on `day` (or the latest before it), and the customers
 * billed in another currency than the workspace's, by id.
 */
export async function saleCurrencies(db: Executor, day: string): Promise<{
  workspace: string;
  rates: Record<string, number>;
  customers: Record<string, string>;
}> {
  const workspace = await workspaceCurrency(db);
  const rates: Record<string, number> = {};
  for (const { value } of CURRENCIES) {
    if (value === workspace) continue;
    const rate = await rateOn(db, value, day);
    if (rate) rates[value] = rate.rate_e6;
  }
  const rs = await db.execute({
    sql: `SELECT id, currency FROM customers WHERE archived_at IS NULL AND currency <> ?
          ORDER BY id LIMIT 5000`,
    args: [workspace],
  });
  const customers = Object.fromEntries(rs.rows.map((r) => [String(r.id), String(r.currency)]));
  return { workspace, rates, customers };
}
