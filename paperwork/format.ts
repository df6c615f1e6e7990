/**
 * @module paperwork/format
 * How values read on paper. Money, unit prices ("$2.2375/LB", "$45.00/case"), weights, counts,
 * dates ("Oct 5, 2026", never ambiguous between US and European order) and temperatures come from
 * domain/format.ts, the one formatting module of pages, lists, history and PDFs; this module adds
 * what only paper needs: blanks as null, addresses, safe file names and the goods table's row.
 */
import * as fmt from "../domain/format.ts";
import { inCurrency } from "../domain/currency.ts";

/**
 * Integer cents as money: 1234567 -> "$12,345.67", -500 -> "-$5.00" (none reads "$0.00"); in
 * another currency than USD with its own sign ("CA$12,345.67", "MX$12,345.67").
 */
export function money(
  cents: number | null | undefined,
  currency?: unknown,
  locale?: string,
): string {
  return fmt.money(Number(cents ?? 0), inCurrency(formats(locale), currency));
}

/** The default formats in `locale` (a party's language, paperwork/language.ts); en-US without. */
function formats(locale?: string): fmt.FormatSettings {
  return locale ? { ...fmt.DEFAULT_FORMAT, locale } : fmt.DEFAULT_FORMAT;
}

/** A unit price with what it is per: per weight unit or per case. */
export function unitPrice(
  price: unknown,
  basis: unknown,
  weightUnit: unknown,
  currency?: unknown,
  locale?: string,
): string {
  return fmt.unitPrice(
    Number(price ?? 0),
    basis === "case" ? "case" : "weight",
    weightUnit,
    inCurrency(formats(locale), currency),
  );
}

/** A weight with its unit: 40000 LB -> "40,000 LB"; blank for none (or zero). */
export function weight(value: unknown, unit: unknown, locale?: string): string {
  return fmt.weight(value, String(unit || "LB"), formats(locale));
}

/** A count of cases: 800 -> "800"; blank for none (or zero). */
export function count(value: unknown, locale?: string): string {
  return fmt.quantity(value, formats(locale));
}

/** A business date `YYYY-MM-DD` as "Oct 5, 2026" (es: "5 oct 2026"); null when there is none. */
export function day(iso: unknown, locale?: string): string | null {
  return fmt.date(iso, formats(locale)) || null;
}

/** An appointment `YYYY-MM-DDTHH:MM` (the broker's local time) as "Oct 7, 2026 08:00". */
export function appointment(value: unknown, locale?: string): string | null {
  return fmt.dateTime(value, formats(locale)) || null;
}

/** A temperature in °F: 28 -> "28°F"; null when there is none. */
export function fahrenheit(value: unknown): string | null {
  return fmt.fahrenheit(value) || null;
}

/** Address fields (of a party, a location or the company) as printed lines. */
export function addressLines(
  a: Record<string, unknown>,
  prefix: "" | "company_" = a.company_name === undefined ? "" : "company_",
): string[] {
  const get = (key: string) => String(a[`${prefix}${key}`] ?? "").trim();
  const street = get("address").split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const region = [get("state"), get("postal_code")].filter(Boolean).join(" ");
  const town = [get("city"), region].filter(Boolean).join(", ");
  return [...street, town, get("country")].filter(Boolean);
}

/** A download name from a record number: "INV-50001" -> "INV-50001.pdf" (nothing else kept). */
export function pdfFilename(number: string, fallback: string): string {
  const safe = number.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/ł/g, "l")
    .replace(/Ł/g, "L").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "").slice(0, 80);
  return `${safe || fallback}.pdf`;
}

/** A line of goods as the table prints it: description, cases, weight, price, amount. */
export function goodsRow(
  line: Record<string, unknown>,
  currency?: unknown,
  locale?: string,
): string[] {
  return [
    String(line.description ?? ""),
    count(line.cases, locale),
    weight(line.weight, line.weight_unit, locale),
    unitPrice(line.price, line.price_basis, line.weight_unit, currency, locale),
    money(Number(line.amount_cents ?? 0), currency, locale),
  ];
}
