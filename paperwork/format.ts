/**
 * @module paperwork/format
 * How values read on paper: money through the app's `formatCents`, unit prices with their basis
 * ("$2.2375/LB", "$45.00/case"), weights with their unit, dates written out ("Oct 5, 2026", never
 * ambiguous between US and European order), temperatures, addresses and safe file names.
 */
import { formatCents } from "../domain/records/fields.ts";

/** Integer cents as money: 1234567 -> "$12,345.67", -500 -> "-$5.00". */
export function money(cents: number | null | undefined): string {
  const n = Number(cents ?? 0);
  return `${n < 0 ? "-" : ""}$${formatCents(Math.abs(n))}`;
}

/** A unit price with what it is per: per weight unit or per case. */
export function unitPrice(price: unknown, basis: unknown, weightUnit: unknown): string {
  const n = Number(price ?? 0);
  const text = n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 });
  return `$${text}/${basis === "case" ? "case" : String(weightUnit || "LB")}`;
}

/** A weight with its unit: 40000 LB -> "40,000 LB"; blank for none (or zero). */
export function weight(value: unknown, unit: unknown): string {
  if (!Number(value)) return "";
  const n = Number(value).toLocaleString("en-US", { maximumFractionDigits: 3 });
  return `${n} ${String(unit || "LB")}`;
}

/** A count of cases: 800 -> "800"; blank for none (or zero). */
export function count(value: unknown): string {
  if (!Number(value)) return "";
  return Number(value).toLocaleString("en-US");
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A business date `YYYY-MM-DD` as "Oct 5, 2026"; null when there is none. */
export function day(iso: unknown): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso ?? ""));
  if (!m) return null;
  return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${Number(m[3])}, ${m[1]}`;
}

/** An appointment `YYYY-MM-DDTHH:MM` (the broker's local time) as "Oct 7, 2026 08:00". */
export function appointment(value: unknown): string | null {
  const text = String(value ?? "");
  const date = day(text);
  if (!date) return null;
  const time = /T(\d{2}:\d{2})/.exec(text)?.[1];
  return time ? `${date} ${time}` : date;
}

/** A temperature in °F: 28 -> "28°F"; null when there is none. */
export function fahrenheit(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return `${Number(value).toLocaleString("en-US", { maximumFractionDigits: 1 })}°F`;
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
export function goodsRow(line: Record<string, unknown>): string[] {
  return [
    String(line.description ?? ""),
    count(line.cases),
    weight(line.weight, line.weight_unit),
    unitPrice(line.price, line.price_basis, line.weight_unit),
    money(Number(line.amount_cents ?? 0)),
  ];
}
