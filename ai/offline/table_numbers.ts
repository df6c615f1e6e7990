/**
 * @module ai/offline/table_numbers
 * Which way a goods table writes its numbers, decided from the table's own evidence, the way a
 * clerk reads "2.268,000 kg" or "1 020,5" without being told the country: a comma followed by one
 * or two digits that end the number ("4,85", "11.000,00"), or thousands grouped by dots before a
 * comma ("18.144,000"), or two dot groups ("1.234.567"), is the decimal comma of continental
 * Europe and Latin America; a period before one or two final digits ("48.00") or a comma group
 * before a period ("1,234.56") is the US way. A table is read with decimal commas only when its
 * value cells (and its totals row) show the first and never the second, so a US table is never
 * read otherwise, and a table of whole numbers alone stays as it was. Its numbers are then
 * rewritten with a decimal point and no grouping ("2.268,000" -> "2268.000", "1 020,5" ->
 * "1020.5") before the table reader and the row's arithmetic see them.
 */
import type { Cell, Line } from "./layout.ts";

/** A cell holding one number, with a currency sign or code and a unit or "/cs" around it. */
const NUMERIC_CELL =
  /^[$€(]?\s*-?\s*(?:USD|EUR|MXN|CAD|US\$)?\s*[$€]?\s*\d[\d.,\s\u00a0]*\)?\s*(?:€|EUR|USD|MXN|CAD)?\s*(?:kgs?|lbs?|cs)?\s*(?:(?:\/|per\s+|par\s+|por\s+)\s*\p{L}{1,8})?$/iu;

const EU_EVIDENCE = [
  // A comma and one or two digits ending the number: "4,85", "11.000,00", "1 020,5".
  /(?<![\d.,])\d{1,3}(?:[.\s\u00a0]\d{3})*,\d{1,2}(?![\d.,])|(?<![\d.,])\d+,\d{1,2}(?![\d.,])/,
  // Thousands by dots before a comma: "18.144,000".
  /\d\.\d{3},\d/,
  // Two groups of three after dots: "1.234.567".
  /(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}(?![\d,])/,
];
const US_EVIDENCE = [
  // A period and one or two digits ending the number: "48.00", "1,234.5".
  /(?<![\d.])\d\.\d{1,2}(?![\d.,])/,
  // Thousands by commas before a period: "1,234.56".
  /\d,\d{3}\.\d/,
  // Two groups of three after commas: "1,234,567".
  /(?<![\d.,])\d{1,3}(?:,\d{3}){2,}(?![\d.])/,
];

/** Whether these cells (a table's value cells and totals) write numbers with a decimal comma. */
export function decimalComma(cells: string[]): boolean {
  const numbers = cells.map((c) => c.trim()).filter((c) => /\d/.test(c) && NUMERIC_CELL.test(c));
  const eu = numbers.filter((c) => EU_EVIDENCE.some((re) => re.test(c))).length;
  const us = numbers.filter((c) => US_EVIDENCE.some((re) => re.test(c))).length;
  return eu > 0 && us === 0;
}

/** A number written with a decimal comma, with its grouping: "2.268,000", "1 020,5", "18.144". */
const EU_NUMBER = /(?<![\d.,])(\d{1,3}(?:[.\u00a0 ]\d{3})+|\d+)(?:,(\d+))?(?![\d,]|\.\d)/g;

/** A cell's numbers with a decimal point and no grouping ("11.000,00 €" -> "11000.00 €"). */
export function pointDecimal(text: string): string {
  return text.replace(EU_NUMBER, (whole, int: string, frac: string | undefined) => {
    // A lone group with a space and no comma ("45 120") may be two numbers: left as it is.
    if (!frac && /[\s\u00a0]/.test(int)) return whole;
    return int.replace(/[.\s\u00a0]/g, "") + (frac ? `.${frac}` : "");
  });
}

/** The line with every cell's numbers written with a decimal point (columns kept in place). */
export function pointDecimalLine(line: Line): Line {
  const cells: Cell[] = line.cells.map((c) => ({ ...c, text: pointDecimal(c.text) }));
  return { ...line, text: pointDecimal(line.text), cells };
}
