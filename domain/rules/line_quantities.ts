/**
 * @module domain/rules/line_quantities
 * A priced line needs the quantity its price is per: a line at $42.00 per case with no case count
 * (or per pound with no weight) would otherwise total $0.00 without a word, and an invoice, bill or
 * order would go out short by the whole line. Drafts may stay incomplete (a document the reader
 * could not fully read is saved as a draft and finished by hand); the line is refused once the
 * document counts money: an order past draft, a sent invoice, an open or disputed bill.
 */
import type { RecordValues } from "../records/rows.ts";
import { InvalidError } from "../errors.ts";

/** The statuses (or states) in which a document's amounts do not count yet, per collection. */
const INCOMPLETE_ALLOWED: Record<string, { field: string; values: readonly string[] }> = {
  "purchase-orders": { field: "status", values: ["draft", "cancelled"] },
  "sales-orders": { field: "status", values: ["draft", "cancelled"] },
  invoices: { field: "state", values: ["draft", "void"] },
  bills: { field: "state", values: ["void"] },
};

/** Whether a document of `collection` with `values` counts its lines' amounts. */
export function amountsCount(collection: string, values: RecordValues): boolean {
  const allowed = INCOMPLETE_ALLOWED[collection];
  if (!allowed) return true;
  return !allowed.values.includes(String(values[allowed.field] ?? ""));
}

function positive(value: unknown): boolean {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0;
}

/**
 * Refuses (422 on `lines.<i>.cases` or `lines.<i>.weight`) a line with a price but none of the
 * quantity it is priced per. Lines are numbered from 1, as the form shows them.
 */
export function checkLineQuantities(lines: RecordValues[]): void {
  for (const [i, line] of lines.entries()) {
    if (!positive(line.price)) continue;
    const n = i + 1;
    if (line.price_basis === "case") {
      if (positive(line.cases)) continue;
      if (positive(line.weight)) {
        throw new InvalidError(
          `Line ${n} is priced per case but has no cases, so its price cannot be applied to its weight: enter the number of cases, or price the line per weight unit.`,
          { [`lines.${i}.cases`]: ["Enter the number of cases."] },
          422,
        );
      }
      throw new InvalidError(
        `Line ${n} is priced per case but has no cases: enter the number of cases.`,
        { [`lines.${i}.cases`]: ["Enter the number of cases."] },
        422,
      );
    } else if (!positive(line.weight)) {
      throw new InvalidError(
        `Line ${n} is priced per weight unit but has no weight: enter the weight, or price the line per case.`,
        { [`lines.${i}.weight`]: ["Enter the weight."] },
        422,
      );
    }
  }
}

/**
 * The check on a write of a document with lines: its new lines when the write carries them, else
 * its stored lines when the write moves it out of draft (a draft PO approved as it stands).
 */
export function checkLinesOnWrite(
  collection: string,
  values: RecordValues,
  lines: RecordValues[] | undefined,
  existing: RecordValues | null,
): void {
  if (!amountsCount(collection, values)) return;
  if (lines) checkLineQuantities(lines);
  else if (existing && !amountsCount(collection, existing)) {
    checkLineQuantities((existing.lines as RecordValues[] | undefined) ?? []);
  }
}
