/**
 * @module ai/offline/table_row
 * One row of a goods table as a draft line: its cells, already given to the header's columns,
 * read by type and checked by the row's own arithmetic (price x quantity = amount, to the cent).
 * A line that adds up is trusted (0.97); one that does not is marked "price x quantity is not the
 * amount". OCR's slips are repaired only where the arithmetic makes the reading certain, each at
 * 0.6 with its reason: a price read without its decimal point, garbled ("LAP", "2:59;"), one digit
 * off by a pair OCR confuses ("1.58" for 1.50) or a character lost or gained ("$.25", "2231") is
 * amount / quantity; a weight OCR lost is amount / price; digits broken by marks ("23),232") are
 * read through them (table_repairs.ts). Split from tables.ts, which finds the table and its
 * columns.
 */
import type { DraftValue } from "../../domain/documents/draft.ts";
import { parseMoney, parseNumber } from "./values.ts";
import { digitsThroughMarks, priceSlip, repairDescription } from "./table_repairs.ts";
import { LB_PER_KG } from "../../domain/rules/totals.ts";

export type Column = "description" | "code" | "cases" | "weight" | "price" | "amount" | "other";

/** A goods table's header: its columns where they start, the weight unit and the price basis. */
export interface Header {
  columns: Array<{ col: Column; start: number }>;
  unit: "LB" | "KG";
  basis: "case" | "weight";
  /** The weight unit the price header prices by ("Precio/Kg", "$/Lb"), when it names one. */
  pricePer?: "LB" | "KG";
}

/** The weight unit a header or cell names: kilograms or pounds, else null. */
export function unitNamed(text: string): "LB" | "KG" | null {
  if (/\b(kgs?|kilos?|kilogram(o|me)?s?)\b/i.test(text)) return "KG";
  if (/\b(lbs?|[1I]bs?|pounds?|libras?|livres?)\b/i.test(text)) return "LB";
  return null;
}

/** The weight unit a price cell prints after its number ("4.10/kg", "2.15 USD/lb"), or null. */
function perUnitPrinted(text: string): "LB" | "KG" | null {
  const m = /\d\s*(?:USD|EUR|MXN|CAD|€|\$)?\s*(?:\/|\bper\b|\bpor\b|\bpar\b|\ba\b|@)\s*(\p{L}+)/iu
    .exec(text);
  return m ? unitNamed(m[1]!) : null;
}

/**
 * A weight in the unit the line is priced by: a price per kilogram beside pounds (or per pound
 * beside kilograms) multiplies the weight converted, never the pounds as printed (unless price x
 * weight as printed is the printed amount: the numbers outweigh a header's unit word). When the
 * printed amount over the price gives the converted weight back to within 0.2% (the printed
 * pounds were themselves rounded from kilos), that figure is the weight; else the conversion to
 * the hundredth.
 */
function inPriceUnit(
  weight: number,
  from: "LB" | "KG",
  price: number | null,
  amount: number | null,
): number {
  const converted = from === "LB" ? weight / LB_PER_KG : weight * LB_PER_KG;
  if (price && amount !== null) {
    const back = Math.round(amount / price) / 100;
    if (Math.abs(back - converted) <= converted * 0.002) return back;
  }
  return Math.round(converted * 100) / 100;
}

/** One row's cells (by column) as a draft line, checked and repaired by its arithmetic. */
export function toLine(
  h: Header,
  words: string[],
  values: Partial<Record<Column, string>>,
): Record<string, DraftValue> {
  // OCR reads a speck after the last letter as a period or comma ("Beef brisket 120A.").
  const read = repairDescription(words.join(" ").replace(/\s*[.,]$/, "").slice(0, 300));
  const line: Record<string, DraftValue> = {
    description: read.repaired
      ? { value: read.text, confidence: 0.6, why: "OCR slip repaired" }
      : { value: read.text, confidence: 0.9 },
  };
  if (values.cases) {
    const n = parseNumber(values.cases);
    const alike = n === null ? lookAlikeCount(values.cases) : null;
    if (n !== null && Number.isInteger(n)) {
      line.cases = { value: n, confidence: 0.9 };
      // Marks around the number ("23);"): OCR may have taken a digit for one of them.
      if (/[^\d,\s]/.test(values.cases.trim())) {
        line.cases = { value: n, confidence: 0.6, why: "read by OCR" };
      }
    } else if (alike !== null) {
      line.cases = { value: alike, confidence: 0.6, why: "OCR slip repaired" };
    }
  }
  if (values.weight) {
    const n = parseNumber(values.weight);
    if (n !== null) line.weight = { value: n, confidence: 0.9 };
    const u = /kg/i.test(values.weight) ? "KG" : /lb/i.test(values.weight) ? "LB" : h.unit;
    line.weight_unit = { value: u, confidence: 0.85 };
  }
  let basis = h.basis;
  // The price's own unit, printed with it ("$48.00/cs", "52.50 per carton", "2.15 USD/lb"),
  // says what it multiplies, whatever the header says.
  const printed = values.price ? priceUnit(values.price) : null;
  if (printed) basis = printed;
  if (values.price) {
    // The price as a number alone: its currency and its printed unit are no OCR slips.
    const core = printed
      ? values.price.replace(
        /\s*(?:USD|EUR|MXN|CAD|€|\$)?\s*(?:\/|\bper\b|\bpor\b|\bpar\b|\ba\b|\bthe\b|@|#).*$/iu,
        "",
      )
      : values.price;
    let price = parseNumber(core.replace(/^(USD|EUR|MXN|CAD|US\$)?\s*[$€]?\s*/i, ""));
    const amount = values.amount ? amountOf(values.amount) : null;
    // A price per kilogram beside a weight in pounds (or the other way): the weight in the
    // price's unit, so that price x weight is the amount.
    const per = perUnitPrinted(values.price) ?? (printed === "case" ? undefined : h.pricePer);
    const from = line.weight_unit?.value;
    // When price x weight as printed is the amount, the numbers say how the line was priced:
    // a unit word of the header that disagrees is not followed.
    const asPrinted = price !== null && amount !== null && typeof line.weight?.value === "number" &&
      Math.abs(Math.round(price * line.weight.value * 100) - amount) <= 1;
    if (
      per && basis === "weight" && typeof line.weight?.value === "number" &&
      (from === "LB" || from === "KG") && from !== per && !asPrinted
    ) {
      const why =
        `weight converted from ${from.toLowerCase()} to ${per.toLowerCase()}, the price's unit`;
      const w = inPriceUnit(line.weight.value, from, price, amount);
      line.weight = { value: w, confidence: 0.75, why };
      line.weight_unit = { value: per, confidence: 0.75, why };
    }
    // A quantity whose digits OCR broke with marks or spaces ("23),232", "40 ,698"): its digits
    // alone, when they give the amount back at the price.
    for (const key of ["weight", "cases"] as const) {
      const whole = values[key] ? digitsThroughMarks(values[key]) : null;
      const was = line[key]?.value;
      if (
        whole !== null && whole !== was && price !== null && amount !== null &&
        Number.isInteger(whole) && Math.abs(Math.round(whole * price * 100) - amount) <= 1
      ) {
        line[key] = { value: whole, confidence: 0.6, why: "OCR slip repaired" };
      }
    }
    // OCR lost the weight (its column, or the number): amount / price gives it back when it comes
    // out whole to the cent and the cases do not already account for the amount.
    if (!line.weight && price !== null && price > 0 && amount !== null && basis === "weight") {
      const w = Math.round(amount / (price * 100));
      const byCases = typeof line.cases?.value === "number" &&
        Math.abs(Math.round(price * line.cases.value * 100) - amount) <= 1;
      if (w > 0 && !byCases && Math.abs(Math.round(w * price * 100) - amount) <= 1) {
        line.weight = { value: w, confidence: 0.6, why: "weight read from amount / price" };
        line.weight_unit = {
          value: h.unit,
          confidence: 0.6,
          why: "weight read from amount / price",
        };
      }
    }
    // A weight one digit off by a pair OCR confuses ("27,849" for 27,840), when price is clean.
    const read = line.weight?.value;
    if (typeof read === "number" && !line.weight!.why && price !== null && amount !== null) {
      const w = Math.round(amount / (price * 100));
      if (
        w !== read && Math.abs(Math.round(w * price * 100) - amount) <= 1 &&
        ocrTwin(String(read), String(w))
      ) line.weight = { value: w, confidence: 0.6, why: "OCR slip repaired" };
    }
    const qtyOf = (b: string) => (b === "case" ? line.cases?.value : line.weight?.value);
    // OCR garbled the price ("LAP" for 7.17, "7.1L", "2:59;", or "1.58" for 1.50: one digit of a
    // pair OCR confuses): the amount over the quantity is the price printed when it comes out in
    // whole cents and gives the amount back.
    const q = qtyOf(basis);
    const derived = amount !== null && typeof q === "number" && q > 0
      ? Math.round(amount / q) / 100
      : null;
    const garbled =
      /[^\d.,$\s-]/.test(core.replace(/^(USD|EUR|MXN|CAD)\s*|\s*(€|EUR|USD)$/gi, "")) ||
      (price !== null && derived !== null && ocrTwin(price.toFixed(2), derived.toFixed(2))) ||
      (derived !== null && priceSlip(core, derived));
    if (amount !== null && derived !== null && garbled) {
      const p = derived;
      if (p > 0 && Math.abs(Math.round(p * (q as number) * 100) - amount) <= 1) {
        price = p;
        line.price = { value: p, confidence: 0.6, why: "price read from amount / quantity" };
      }
    }
    // The price's own confidence: the row's arithmetic when it was checked, not the description's
    // (a description OCR slipped on says nothing of the price).
    let checked: number | null = null;
    if (price !== null && amount !== null) {
      const agrees = (p: number, b: string) => {
        const q = qtyOf(b);
        return typeof q === "number" && Math.abs(Math.round(p * q * 100) - amount) <= 1;
      };
      if (
        !printed && !agrees(price, basis) && agrees(price, basis === "case" ? "weight" : "case")
      ) {
        basis = basis === "case" ? "weight" : "case";
      }
      // OCR dropped the decimal point: "325" for 3.25 where amount / quantity says so.
      if (!agrees(price, basis) && Number.isInteger(price) && agrees(price / 100, basis)) {
        price /= 100;
        line.price = { value: price, confidence: 0.85, why: "OCR slip repaired" } as DraftValue;
      }
      const ok = agrees(price, basis);
      checked = ok ? 0.97 : 0.6;
      for (const v of Object.values(line)) if (!v.why) v.confidence = checked;
      if (!ok) {
        for (const v of Object.values(line)) v.why = "price x quantity is not the amount";
      }
    }
    if (price !== null) {
      line.price ??= { value: price, confidence: checked ?? line.description!.confidence };
      line.price.value = price;
      line.price_basis = { value: basis, confidence: 0.8 };
    }
  }
  return line;
}

/**
 * The unit a price cell prints after its number: per case ("/cs", "per case", "a box", "por
 * caja", "par colis") or per weight ("/lb", "per pound", "USD/kg", "#"), else null.
 */
export function priceUnit(text: string): "case" | "weight" | null {
  const m =
    /\d\s*(?:USD|EUR|MXN|CAD|€|\$)?\s*(?:\/|\bper\b|\bpor\b|\bpar\b|\ba\b|\bthe\b|@)\s*(\p{L}+|#)/iu
      .exec(text);
  if (!m) return /\d\s*#$/.test(text.trim()) ? "weight" : null;
  const unit = m[1]!.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  if (
    /^(cs|cases?|box(es)?|bx|ctns?|cartons?|caja|cajas|colis|caisse|caixa|bulto|pk|pkg|pack|each|ea)$/
      .test(unit)
  ) {
    return "case";
  }
  if (/^(lbs?|pounds?|#|kgs?|kilos?|kilogram(o|me)?s?|libra|livre)$/.test(unit)) return "weight";
  return null;
}

/** Letters OCR reads for digits, in a cell that can only hold a number. */
const LOOK_ALIKE: Record<string, string> = { A: "4", l: "1", I: "1", "|": "1", O: "0", o: "0" };

/** A count OCR read wholly as look-alike letters ("Al" for 41), or null. */
function lookAlikeCount(text: string): number | null {
  const t = text.trim().replace(/[.,;:]+$/, "");
  if (!/^[\dAlI|Oo]{1,5}$/.test(t) || /^\d+$/.test(t)) return null;
  const n = Number([...t].map((c) => LOOK_ALIKE[c] ?? c).join(""));
  return Number.isInteger(n) && n > 0 && !t.startsWith("O") && !t.startsWith("o") ? n : null;
}

/**
 * A line's amount in cents; a period OCR read as a comma before the cents, with spaces in the
 * digits ("USD 259, 257,32"), is read as the decimal point.
 */
function amountOf(text: string): number | null {
  const t = text.trim().replace(/^(USD|US\$|\$)\s*/i, "")
    // A thousands comma OCR set apart with spaces ("$263 , 316.06", "$79, 640.88").
    .replace(/(?<=\d)(?:\s+,\s*|,\s+)(?=\d{3}(?:[.,\s]|$))/g, ",");
  if (/^\d{1,3}(?:,\s*\d{3}|\s+\d{3})*,\s*\d{2}$/.test(t)) {
    return parseMoney(t.replace(/,\s*(\d{2})$/, ".$1").replace(/[\s,]/g, ""));
  }
  return parseMoney(t);
}

/** Digits OCR takes for one another (a closed loop read open, a stroke lost or gained). */
const TWINS = new Set(["08", "06", "09", "17", "38", "56", "58", "68", "89"]);

/** Two prices that differ in one digit only, a pair OCR confuses ("1.58" for "1.50"). */
function ocrTwin(read: string, derived: string): boolean {
  if (read.length !== derived.length || read === derived) return false;
  const diff = [...read].flatMap((
    c,
    i,
  ) => (c === derived[i] ? [] : [[c, derived[i]!].sort().join("")]));
  return diff.length === 1 && TWINS.has(diff[0]!);
}
