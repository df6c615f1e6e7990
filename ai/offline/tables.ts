/**
 * @module ai/offline/tables
 * Lines of goods from a table, by column alignment: a header row names at least three columns
 * (description, code, cases, weight, price, amount) through a vocabulary of header words; each
 * cell of the rows below belongs to the header column it starts under. The table ends at a totals
 * row, a sentence, or a change of structure; when the same header comes back (the next page of a
 * long table) the rows go on. A line of text alone under the description column continues the
 * line above (a description on two lines), unless the line under it holds the numbers alone: then
 * the two are one row that OCR split (a tilted photo). A line whose price times quantity equals
 * its printed amount is trusted more; a price that OCR read without its decimal point is repaired
 * when the amount and quantity make the reading certain, and a price OCR garbled (letters or marks
 * in it, "LAP", "2:59;", or one digit of a pair OCR confuses, "1.58" for 1.50) is taken from
 * amount / quantity when that comes out in whole cents (at 0.6, "price read from amount /
 * quantity"). Two headers OCR glued with no space between them are split where a known one ends
 * and one a slip from another begins, and a cell of numbers that runs over the next column's start
 * ("$ 218,727.93 60,927", one space kept between two columns) gives one number to each column.
 */
import type { DraftValue } from "../../domain/documents/draft.ts";
import type { Cell, Line } from "./layout.ts";
import { parseMoney, parseNumber } from "./values.ts";
import { editDistance, normalizeLabel } from "./vocabulary.ts";

type Column = "description" | "code" | "cases" | "weight" | "price" | "amount" | "other";

const HEADER_WORDS: Record<Exclude<Column, "other">, string[]> = {
  description: [
    "description",
    "product",
    "item description",
    "commodity",
    "goods",
    "product description",
    "desc",
    "item name",
    "product name",
    "cut",
    "cut description",
    "article",
    "specification",
  ],
  code: [
    "item",
    "code",
    "sku",
    "item #",
    "product code",
    "prod code",
    "namp",
    "lot",
    "plu",
    "item no",
    "prod #",
    "product #",
    "item code",
    "line",
    "ln",
  ],
  cases: [
    "cases",
    "cs",
    "qty",
    "quantity",
    "boxes",
    "cartons",
    "ctns",
    "pieces",
    "pcs",
    "units",
    "bx",
    "case count",
    "qty cs",
    "ctn",
    "case qty",
    "boxes shipped",
    "cases shipped",
  ],
  weight: [
    "weight",
    "net weight",
    "net wt",
    "wt",
    "lbs",
    "pounds",
    "kgs",
    "kg",
    "net lbs",
    "net kg",
    "gross weight",
    "lb",
    "net",
    "catch weight",
    "weight lbs",
    "total lbs",
    "shipped weight",
  ],
  price: [
    "price",
    "unit price",
    "rate",
    "cost",
    "price lb",
    "lb",
    "cost lb",
    "price per lb",
    "unit cost",
    "fob",
    "price cwt",
    "price kg",
    "price cs",
    "unit",
    "each",
  ],
  amount: [
    "amount",
    "total",
    "extension",
    "ext",
    "line total",
    "value",
    "ext price",
    "extended",
    "total price",
    "line amount",
    "amount usd",
    "total amount",
    "net amount",
  ],
};

const INDEX = new Map<string, Exclude<Column, "other">>();
for (
  const [col, words] of Object.entries(HEADER_WORDS) as Array<[Exclude<Column, "other">, string[]]>
) {
  for (const w of words) if (!INDEX.has(normalizeLabel(w))) INDEX.set(normalizeLabel(w), col);
}

function headerKey(text: string): string {
  // OCR reads "lb" as "1b" or "Ib".
  const t = text.replace(/\b[1I]b(s?)\b/g, "lb$1");
  return normalizeLabel(t.replace(/\$\s*\/\s*/g, "price ").replace(/\((lbs?|kgs?)\)?/gi, ""));
}

/**
 * A header one OCR slip away, for headers of five letters or more: "frice" for "price", "Price/1lb"
 * for "Price/lb", and a word OCR broke with a space ("Product Descri iption"), compared without
 * their spaces.
 */
function looseColumn(key: string): Exclude<Column, "other"> | undefined {
  const bare = key.replace(/ /g, "");
  if (bare.length < 5) return undefined;
  for (const [word, col] of INDEX) {
    const w = word.replace(/ /g, "");
    if (w.length >= 5 && editDistance(w, bare) <= 1) return col;
  }
  return undefined;
}

/** The columns a header cell names: one, or two when a tight layout ran two words together. */
function columnsOf(cell: Cell): Array<{ col: Column; start: number }> {
  const key = headerKey(cell.text);
  const whole = INDEX.get(key);
  if (whole) return [{ col: whole, start: cell.start }];
  const words = cell.text.split(/\s+/);
  for (let k = 1; k < words.length; k++) {
    const head = INDEX.get(headerKey(words.slice(0, k).join(" ")));
    const tail = INDEX.get(headerKey(words.slice(k).join(" ")));
    if (head && tail) {
      const offset = cell.text.indexOf(words[k]!, words.slice(0, k).join(" ").length);
      return [{ col: head, start: cell.start }, { col: tail, start: cell.start + offset }];
    }
  }
  const loose = looseColumn(key);
  if (loose) return [{ col: loose, start: cell.start }];
  // OCR glued two headers with no space ("Net Weight (kgfrice"): a known head and a tail one slip
  // from a header word, the tail's column starting where its letters do.
  for (let i = cell.text.length - 4; i >= 2; i--) {
    const head = INDEX.get(headerKey(cell.text.slice(0, i)));
    const tail = looseColumn(headerKey(cell.text.slice(i)));
    if (head && tail && head !== tail) {
      return [{ col: head, start: cell.start }, { col: tail, start: cell.start + i }];
    }
  }
  return [{ col: "other", start: cell.start }];
}

interface Header {
  columns: Array<{ col: Column; start: number }>;
  unit: "LB" | "KG";
  basis: "case" | "weight";
}

function headerOf(line: Line): Header | null {
  const columns = line.cells.flatMap(columnsOf);
  const kinds = columns.map((c) => c.col).filter((c) => c !== "other");
  if (!kinds.includes("description") || new Set(kinds).size < 3) return null;
  const priceCell = line.cells.find((c) => columnsOf(c).some((x) => x.col === "price"))?.text ?? "";
  return {
    columns,
    unit: /\bkgs?\b|\(kgs?/i.test(line.text) ? "KG" : "LB",
    basis: /(\/|per\s*)(cs|case|box|ctn)/i.test(priceCell) ? "case" : "weight",
  };
}

/** Whether a line is a goods table's header row (three known columns, one the description). */
export function isGoodsHeader(line: Line): boolean {
  return headerOf(line) !== null;
}

/** Whether a line closes a table (a totals row). */
export function isTableEnd(line: Line): boolean {
  return END.test(line.text.trim());
}

const END =
  /^\s*(sub\s*-?\s*total|total|grand total|tax|amount due|balance|invoice total|freight|net due)\b/i;
const PAGE_NOTE = /\b(continued|page\s+\d|carried\s+forward|cont'd)\b/i;
const NUMBER = /^[$(]?-?(USD\s*)?\$?\d[\d,]*(\.\d+)?\)?(\s*(lbs?|kgs?|cs|#))?$/i;

function columnAt(h: Header, cell: Cell): Column {
  let k = 0;
  for (let j = 0; j < h.columns.length; j++) if (h.columns[j]!.start <= cell.start + 3) k = j;
  const col = h.columns[k]!.col;
  // A number right-aligned under a wide header may start left of it: take the nearest numeric.
  return col;
}

export interface TableResult {
  lines: Array<Record<string, DraftValue>>;
  end: number;
}

function toLine(
  h: Header,
  words: string[],
  values: Partial<Record<Column, string>>,
): Record<string, DraftValue> {
  // OCR reads a speck after the last letter as a period or comma ("Beef brisket 120A.").
  const description = words.join(" ").replace(/\s*[.,]$/, "").slice(0, 300);
  const line: Record<string, DraftValue> = {
    description: { value: description, confidence: 0.9 },
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
  if (values.price) {
    let price = parseNumber(values.price.replace(/^(USD\s*)?\$/i, ""));
    const amount = values.amount ? amountOf(values.amount) : null;
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
    const qtyOf = (b: string) => (b === "case" ? line.cases?.value : line.weight?.value);
    // OCR garbled the price ("LAP" for 7.17, "7.1L", "2:59;", or "1.58" for 1.50: one digit of a
    // pair OCR confuses): the amount over the quantity is the price printed when it comes out in
    // whole cents and gives the amount back.
    const q = qtyOf(basis);
    const derived = amount !== null && typeof q === "number" && q > 0
      ? Math.round(amount / q) / 100
      : null;
    const garbled = /[^\d.,$\s-]/.test(values.price) ||
      (price !== null && derived !== null && ocrTwin(price.toFixed(2), derived.toFixed(2)));
    if (amount !== null && derived !== null && garbled) {
      const p = derived;
      if (p > 0 && Math.abs(Math.round(p * (q as number) * 100) - amount) <= 1) {
        price = p;
        line.price = { value: p, confidence: 0.6, why: "price read from amount / quantity" };
      }
    }
    if (price !== null && amount !== null) {
      const agrees = (p: number, b: string) => {
        const q = qtyOf(b);
        return typeof q === "number" && Math.abs(Math.round(p * q * 100) - amount) <= 1;
      };
      if (!agrees(price, basis) && agrees(price, basis === "case" ? "weight" : "case")) {
        basis = basis === "case" ? "weight" : "case";
      }
      // OCR dropped the decimal point: "325" for 3.25 where amount / quantity says so.
      if (!agrees(price, basis) && Number.isInteger(price) && agrees(price / 100, basis)) {
        price /= 100;
        line.price = { value: price, confidence: 0.85, why: "OCR slip repaired" } as DraftValue;
      }
      const ok = agrees(price, basis);
      for (const v of Object.values(line)) if (!v.why) v.confidence = ok ? 0.97 : 0.6;
      if (!ok) {
        for (const v of Object.values(line)) v.why = "price x quantity is not the amount";
      }
    }
    if (price !== null) {
      line.price ??= { value: price, confidence: line.description!.confidence };
      line.price.value = price;
      line.price_basis = { value: basis, confidence: 0.8 };
    }
  }
  return line;
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
  const t = text.trim().replace(/^(USD|US\$|\$)\s*/i, "");
  if (/^\d{1,3}(?:,\s*\d{3}|\s+\d{3})*,\s*\d{2}$/.test(t)) {
    return parseMoney(t.replace(/,\s*(\d{2})$/, ".$1").replace(/[\s,]/g, ""));
  }
  return parseMoney(t);
}

/**
 * A cell of numbers that runs over the start of the next header column ("$ 218,727.93 60,927":
 * OCR, or a tight layout, kept one space between two columns) is split, one number per column,
 * in the header's order from the column the cell starts under.
 */
function splitNumbers(header: Header, cell: Cell): Array<[Column, string]> {
  const col = columnAt(header, cell);
  const tokens = cell.text.trim().split(/\s+/).reduce<string[]>((out, t) => {
    const last = out[out.length - 1];
    if (last && /^(\$|USD)$/i.test(last)) out[out.length - 1] = `${last} ${t}`;
    else out.push(t);
    return out;
  }, []);
  if (tokens.length < 2 || !tokens.every((t) => NUMBER.test(t.replace(/^(\$|USD)\s+/i, "$")))) {
    return [[col, cell.text]];
  }
  const at = header.columns.findIndex((c, j) =>
    c.start <= cell.start + 3 && (header.columns[j + 1]?.start ?? Infinity) > cell.start + 3
  );
  const crossed = header.columns.filter((c) => c.start > cell.start + 3 && c.start <= cell.end + 4);
  if (at < 0 || crossed.length < tokens.length - 1) return [[col, cell.text]];
  return tokens.map((t, k) => [header.columns[at + k]?.col ?? "other", t]);
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

/** A row's cells by the header column they start under. */
function rowCells(header: Header, row: Line) {
  const values: Partial<Record<Column, string>> = {};
  const words: string[] = [];
  for (const [col, text] of row.cells.flatMap((cell) => splitNumbers(header, cell))) {
    if (col === "description") words.push(text);
    else if (col !== "other" && col !== "code") values[col] = text;
  }
  const numeric = Object.values(values).filter((v) => NUMBER.test(v!.trim())).length;
  return { values, words, numeric };
}

const WHOLE = /^\d{1,5}$/;
const DECIMAL = /^\$?\d{1,3}\.\d{2}$/;

/**
 * A short header OCR misread past any match ("Ss" for CS, "aty" for Qty, "$b" for $/lb): when the
 * header lacks cases or a price and exactly one unread column of four characters or less has under
 * it, in the rows that follow, only whole numbers (cases) or only prices with cents (price), the
 * column is that one. The row's arithmetic (price x quantity = amount) still decides its
 * confidence. Tuned on development scans and photos (bench/documents_ocr_heldout.ts --dev).
 */
function unreadColumns(header: Header, lines: Line[], h: number): Header {
  const cols = header.columns;
  const rows = lines.slice(h + 1, h + 4).filter((l) => !END.test(l.text.trim()));
  const candidates = (want: "cases" | "price", shape: RegExp) =>
    cols.flatMap((c, k) => {
      if (c.col !== "other" || cols.some((x) => x.col === want)) return [];
      const text = lines[h]!.cells.find((cell) => cell.start === c.start)?.text ?? "";
      if (text.replace(/\s/g, "").length > 4) return [];
      const values = rows.map((row) =>
        row.cells.find((cell) => columnAt(header, cell) === "other" && cellColumn(cols, cell) === k)
          ?.text.trim()
      );
      return values.length && values.every((v) => v !== undefined && shape.test(v)) ? [k] : [];
    });
  const fixed = cols.map((c) => ({ ...c }));
  for (const [want, shape] of [["cases", WHOLE], ["price", DECIMAL]] as const) {
    const found = candidates(want, shape);
    if (found.length === 1) fixed[found[0]!]!.col = want;
  }
  return { ...header, columns: fixed };
}

/** The index of the header column a cell starts under. */
function cellColumn(cols: Header["columns"], cell: Cell): number {
  let k = 0;
  for (let j = 0; j < cols.length; j++) if (cols[j]!.start <= cell.start + 3) k = j;
  return k;
}

/** Reads the first table of goods in `lines`. */
export function readGoodsTable(lines: Line[]): TableResult | null {
  for (let h = 0; h < lines.length; h++) {
    const found = headerOf(lines[h]!);
    if (!found) continue;
    const header = unreadColumns(found, lines, h);
    // The header as read, to know it again on the next page of a long table.
    const kinds = found.columns.map((c) => c.col).join();
    const out: Array<Record<string, DraftValue>> = [];
    let i = h + 1;
    for (; i < lines.length && out.length < 200; i++) {
      const row = lines[i]!;
      if (END.test(row.text.trim())) break;
      if (out.length && headerOf(row)?.columns.map((c) => c.col).join() === kinds) continue;
      const { values, words, numeric } = rowCells(header, row);
      if (words.length && numeric >= 2) {
        out.push(toLine(header, words, values));
        continue;
      }
      // One row OCR put on two lines (a tilted or curled photo): its description alone and its
      // numbers alone, one line under the other, in either order.
      const next = lines[i + 1] ? rowCells(header, lines[i + 1]!) : null;
      if (next && !END.test(lines[i + 1]!.text.trim())) {
        const textThenNumbers = words.length && !numeric && !next.words.length &&
          next.numeric >= 2;
        const numbersThenText = !words.length && numeric >= 2 && next.words.length &&
          !next.numeric && lines[i + 1]!.cells.length === 1;
        if (textThenNumbers || numbersThenText) {
          const [text, nums] = textThenNumbers ? [words, next.values] : [next.words, values];
          out.push(toLine(header, text, nums));
          i++;
          continue;
        }
      }
      // A description's second line: text alone under the description column.
      const prev = out[out.length - 1];
      if (
        prev && words.length === 1 && row.cells.length === 1 && !numeric &&
        words[0]!.length <= 40 && !/[.!?]$/.test(words[0]!) && !PAGE_NOTE.test(words[0]!)
      ) {
        prev.description!.value = `${prev.description!.value} ${words[0]}`.slice(0, 300);
        continue;
      }
      if (!out.length) continue;
      // The same header further down: the table goes on (the next page of a long table).
      const again = lines.slice(i + 1, i + 10).findIndex((l) =>
        headerOf(l)?.columns.map((c) => c.col).join() === kinds
      );
      if (again < 0) break;
      i += again + 1;
    }
    if (out.length) return { lines: out, end: i };
  }
  return null;
}
