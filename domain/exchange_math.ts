/**
 * @module domain/exchange_math
 * The arithmetic of exchange rates, pure so that islands use it too (domain/exchange.ts keeps
 * the rates): a rate is the workspace currency's units for one unit of the other currency, in
 * millionths (integer `rate_e6`); a conversion rounds to the cent half to even with BigInt.
 */

const RATE_TEXT = /^(\d{1,6})(?:\.(\d{1,6}))?$/;

/** Parses a rate written as a decimal ("0.7312", "18.05") into millionths; null if not one. */
export function parseRate(text: string): number | null {
  const m = RATE_TEXT.exec(text.trim().replace(/,/g, "."));
  if (!m) return null;
  const e6 = Number(m[1]) * 1_000_000 + Number((m[2] ?? "").padEnd(6, "0"));
  return e6 > 0 ? e6 : null;
}

/** A rate in millionths as a decimal string without trailing zeros: 1371200 -> "1.3712". */
export function rateText(rateE6: number): string {
  const whole = Math.trunc(rateE6 / 1_000_000);
  const fraction = String(rateE6 % 1_000_000).padStart(6, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * Converts an amount in cents at a rate in millionths, rounded to the cent half to even
 * (DESIGN.md's rounding), exactly: BigInt, so no amount is too large to convert right.
 */
export function convertCents(cents: number, rateE6: number): number {
  const product = BigInt(cents) * BigInt(rateE6);
  const million = 1_000_000n;
  const negative = product < 0n;
  const abs = negative ? -product : product;
  let quotient = abs / million;
  const remainder = abs % million;
  if (remainder * 2n > million || (remainder * 2n === million && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  return Number(negative ? -quotient : quotient);
}

/**
 * The other way: an amount in the workspace's cents into the other currency's cents at a rate in
 * millionths (workspace units per unit of the other), rounded half to even: USD 900.00 at 0.715
 * is CAD 1,258.74. What a customer billed in CAD is charged for a cost paid in USD.
 */
export function convertCentsFrom(cents: number, rateE6: number): number {
  if (rateE6 <= 0) throw new RangeError(`Not a rate: ${rateE6}`);
  const numerator = BigInt(cents) * 1_000_000n;
  const rate = BigInt(rateE6);
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  let quotient = abs / rate;
  const remainder = abs % rate;
  if (remainder * 2n > rate || (remainder * 2n === rate && quotient % 2n === 1n)) quotient += 1n;
  return Number(negative ? -quotient : quotient);
}
