/**
 * @module ai/offline/table_repairs
 * OCR slips in a goods table's cells that the row itself can settle (issue 14, phone photos). Each
 * repair proposes a reading; the table reader keeps it only when the row's arithmetic (quantity x
 * price = the line's amount, to the cent) confirms it, and marks it at 0.6 for the reviewer:
 * - a number whose digits OCR broke with marks or spaces ("23),232", "40 ,698"): its digits alone;
 * - a price that lost a character ("$.25" for 5.25: the 5 read as the dollar sign), gained one
 *   (its period read as a digit, "2231" for 2.31) or lost its period with a digit misread ("247"
 *   for 2.17);
 * - a weight one digit off by a pair OCR confuses ("27,849" for 27,840).
 * Descriptions are never a reason to drop a row: their slips are repaired only where the meat
 * trade's own notation makes the reading certain (lean points "90CL" read "9OCL", "9ecL", "9@CL";
 * "B/S" read "BIS"), and otherwise kept as read for the reviewer.
 * Measured on development photos (bench/documents_ocr_heldout.ts --dev2): docs/benchmarks.md.
 */

/** The digits of a number cell OCR broke with marks or spaces, when nothing else is in it. */
export function digitsThroughMarks(text: string): number | null {
  const t = text.trim();
  if (!/^\d[\d\s,.;:)(')|]*\d$/.test(t) || /^\d{1,3}(,\d{3})*(\.\d+)?$/.test(t)) return null;
  // A decimal point printed before the last two digits stays one ("1,234.56" read "1,2)34.56").
  const m = /^(.*?)(?:\.(\d{1,2}))?$/.exec(t)!;
  const whole = m[1]!.replace(/\D/g, "");
  if (!whole || whole.length > 7) return null;
  return Number(m[2] ? `${whole}.${m[2]}` : whole);
}

/**
 * Whether a price as OCR read it is the derived one with a character lost or gained: one leading
 * digit lost ("$.25", ".25" for 5.25, "1.5" never: the cents must be whole), or the decimal point
 * read as a digit ("2231" for 2.31). `derived` is amount / quantity, already whole to the cent.
 */
export function priceSlip(read: string, derived: number): boolean {
  const want = derived.toFixed(2);
  const wantDigits = want.replace(".", "");
  const t = read.trim().replace(/^(USD\s*)/i, "");
  // Lost its first digit: ".25", "$.25", "S.25" for 5.25 (the cents as printed, one digit fewer).
  const lost = /^[$S]?\.(\d{2})$/.exec(t) ?? /^[$S]?(\d+)\.(\d{2})$/.exec(t);
  if (lost) {
    const digits = t.replace(/\D/g, "");
    if (digits.length === wantDigits.length - 1 && wantDigits.endsWith(digits)) return true;
  }
  // The period read as a digit: one digit more, and without the third from last it is the price.
  if (/^\d{4,7}$/.test(t) && t.length === wantDigits.length + 1) {
    return t.slice(0, -3) + t.slice(-2) === wantDigits;
  }
  // The period lost and one digit misread with it ("247" for 2.17): as many digits, one differs.
  if (/^\d{3,6}$/.test(t) && t.length === wantDigits.length) {
    return [...t].filter((c, i) => c !== wantDigits[i]).length === 1;
  }
  return false;
}

/** Letters OCR reads in a lean-point grade ("9OCL", "9ecL", "9@CL", "goCL" for 90CL). */
const LEAN = /\b([5-9g])[OoQDe@c]([Cc][Ll])\b/g;

/**
 * A description's OCR slips where the trade's notation makes the reading certain: the lean points
 * of trimmings and ground beef (two digits, then CL: "9OCL" is 90CL) and boneless skinless as
 * "B/S" ("BIS", "B|S", "Bys").
 */
export function repairDescription(text: string): { text: string; repaired: boolean } {
  const out = text.replace(
    LEAN,
    (_, d: string, cl: string) => `${d === "g" ? "9" : d}0${cl.toUpperCase()}`,
  )
    .replace(/(?<=\s|^)B[I|1ly]S(?=\s|$)/gi, (m) => `${m[0]}/${m[2]}`);
  return { text: out, repaired: out !== text };
}
