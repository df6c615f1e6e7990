/**
 * @module ai/offline/tables
 * Lines of goods from a table: a header row naming at least two of description, cases, weight,
 * price and amount, then rows until a total or a blank stretch. Numbers in a row are given to the
 * header's numeric columns in order, so the table may be laid out any way. A line whose price
 * times quantity equals its printed amount is trusted more.
 */
import type { DraftValue } from "../../domain/documents/draft.ts";
import type { Line } from "./layout.ts";
import { parseMoney, parseNumber } from "./values.ts";

type Column = "description" | "code" | "cases" | "weight" | "price" | "amount" | "other";

const HEADERS: Array<[Column, RegExp]> = [
  ["description", /^(description|product( description)?|item description|commodity|goods)\b/i],
  ["code", /^(item|code|sku|product code|item #|namp|prod #|lot)\b/i],
  ["cases", /^(cases|cs|qty|quantity|boxes|cartons|ctns|pieces|pcs|units)\b/i],
  ["weight", /^(net\s+)?(weight|wt|lbs|pounds|kgs?|net lbs)\b/i],
  ["price", /^(unit\s+)?(price|rate|cost)\b|^\$\s*\/\s*(lb|kg|cs)/i],
  ["amount", /^(amount|total|extension|ext\.?|line total|value)\b/i],
];

function columnOf(cell: string): Column {
  for (const [col, re] of HEADERS) if (re.test(cell.trim())) return col;
  return "other";
}

export interface TableResult {
  lines: Array<Record<string, DraftValue>>;
  end: number;
}

/** Reads the first table of goods in `lines`. */
export function readGoodsTable(lines: Line[]): TableResult | null {
  for (let h = 0; h < lines.length; h++) {
    const header = lines[h]!;
    const columns = header.cells.map((c) => columnOf(c.text));
    const kinds = new Set(columns);
    if (!kinds.has("description") || columns.filter((c) => c !== "other").length < 3) continue;
    const numeric = columns.filter((c) =>
      c === "cases" || c === "weight" || c === "price" || c === "amount"
    );
    const headerText = header.text;
    const unit = /\bkgs?\b/i.test(headerText) ? "KG" : "LB";
    const priceCell = header.cells[columns.indexOf("price")]?.text ?? "";
    const basis = /(\/|per\s*)(cs|case|box|ctn)/i.test(priceCell) ? "case" : "weight";
    const out: Array<Record<string, DraftValue>> = [];
    let i = h + 1;
    for (; i < lines.length && out.length < 200; i++) {
      const row = lines[i]!;
      if (/^\s*(sub\s*total|total|grand total|tax|amount due|balance)/i.test(row.text.trim())) {
        break;
      }
      const values: Partial<Record<Column, string>> = {};
      const words: string[] = [];
      if (row.cells.length >= 2) {
        // Layout kept: each cell belongs to the header column it starts under.
        for (const cell of row.cells) {
          let k = 0;
          for (let j = 0; j < header.cells.length; j++) {
            if (header.cells[j]!.start <= cell.start + 3) k = j;
          }
          const col = columns[k]!;
          if (col === "description") words.push(cell.text);
          else if (col !== "other" && col !== "code") values[col] = cell.text;
        }
      } else {
        // One run of text (OCR, plain text): leading code, words, then numbers in column order.
        const tokens = (row.cells[0]?.text ?? "").split(/\s+/);
        const numbers: string[] = [];
        let skipCode = columns.indexOf("code") > -1 &&
          columns.indexOf("code") < columns.indexOf("description");
        for (const t of tokens) {
          const isNumber = /^[$(]?-?\$?\d[\d,]*(\.\d+)?\)?$/.test(t);
          if (skipCode && isNumber && words.length === 0) skipCode = false;
          else if (isNumber) numbers.push(t);
          else if (/^(lbs?|kgs?|cs|#)$/i.test(t) && numbers.length) {
            numbers[numbers.length - 1] += ` ${t}`;
          } else if (numbers.length === 0 || words.length === 0) words.push(t);
        }
        const before = columns.slice(0, columns.indexOf("description")).filter((c) =>
          (numeric as Column[]).includes(c)
        );
        const after = numeric.filter((c) => !before.includes(c));
        const order = [...before, ...after];
        numbers.forEach((n, k) => order[k] && (values[order[k]!] = n));
      }
      if (words.length === 0 || !Object.keys(values).length) {
        if (out.length > 0) break;
        continue;
      }
      const line: Record<string, DraftValue> = {
        description: { value: words.join(" ").slice(0, 300), confidence: 0.9 },
      };
      if (values.cases) {
        const n = parseNumber(values.cases);
        if (n !== null && Number.isInteger(n)) line.cases = { value: n, confidence: 0.9 };
      }
      if (values.weight) {
        const n = parseNumber(values.weight);
        if (n !== null) line.weight = { value: n, confidence: 0.9 };
        const u = /kg/i.test(values.weight) ? "KG" : /lb/i.test(values.weight) ? "LB" : unit;
        line.weight_unit = { value: u, confidence: 0.85 };
      }
      if (values.price) {
        const cents = parseMoney(values.price.replace(/^\$/, ""));
        const price = parseNumber(values.price.replace(/^\$/, ""));
        if (price !== null && cents !== null) {
          line.price = { value: price, confidence: 0.85 };
          line.price_basis = { value: basis, confidence: 0.8 };
        }
      }
      // The printed amount confirms price x quantity.
      if (values.amount && line.price) {
        const amount = parseMoney(values.amount);
        const qty = basis === "case" ? line.cases?.value : line.weight?.value;
        if (amount !== null && typeof qty === "number") {
          const agrees = Math.abs(Math.round(Number(line.price.value) * qty * 100) - amount) <= 1;
          for (const v of Object.values(line)) v.confidence = agrees ? 0.97 : 0.6;
        }
      }
      out.push(line);
    }
    if (out.length) return { lines: out, end: i };
  }
  return null;
}
