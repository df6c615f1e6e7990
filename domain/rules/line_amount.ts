/**
 * @module domain/rules/line_amount
 * A line's amount in cents, price x quantity computed exactly on the decimal values as typed (1.005
 * is one thousand and five thousandths, not the binary float just under it) and rounded half up
 * to the cent, and the most one amount may be. Pure: the form island computes live amounts with it.
 */

/**
 * The largest amount of money a line, a document's total or any money field may hold, in cents
 * ($1,000,000,000.00). Sums of such amounts stay well inside the integers SQLite and JavaScript
 * share exactly.
 */
export const MAX_MONEY_CENTS = 100_000_000_000;

/** A decimal as an integer and a power of ten: 1.005 -> [1005n, 3]; null when not a number. */
function decimal(value: unknown): [bigint, number] | null {
  if (value === null || value === undefined || value === "") return [0n, 0];
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  // String(number) is the shortest text that reads back as the same number: what was typed.
  const text = String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m || (!m[2] && !m[3])) return null;
  const fraction = m[3] ?? "";
  const exponent = Number(m[4] ?? 0);
  if (Math.abs(exponent) > 400) return null;
  const digits = BigInt(`${m[2] || "0"}${fraction}`);
  return [m[1] === "-" ? -digits : digits, fraction.length - exponent];
}

/**
 * price x quantity in cents, exactly, rounded half up (half away from zero for a negative amount):
 * 1 x $1.005 is 101 cents, 10 x $1.0005 is 1001. NaN when either is not a number.
 */
export function centsOf(price: unknown, quantity: unknown): number {
  const p = decimal(price);
  const q = decimal(quantity);
  if (!p || !q) return NaN;
  const product = p[0] * q[0] * 100n; // in units of 10^-scale cents
  const scale = p[1] + q[1];
  if (scale <= 0) return Number(product * 10n ** BigInt(-scale));
  const unit = 10n ** BigInt(scale);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  let cents = magnitude / unit;
  if ((magnitude % unit) * 2n >= unit) cents += 1n;
  return Number(negative ? -cents : cents);
}
