/**
 * @module ai/offline/tables
 * Lines of goods from a table, by column alignment: a header row names at least three columns
 * (description, code, cases, weight, price, amount) through a vocabulary of header words; each
 * cell of the rows below belongs to the header column it starts under. The table ends at a totals
 * row, a sentence, or a change of structure; when the same header comes back (the next page of a
 * long table) the rows go on. A line of text alone under the description column continues the
 * line above (a description on two lines), unless the line under it holds the numbers alone: then
 * the two are one row that OCR split (a tilted photo). Each row becomes a line, checked and
 * repaired by its own arithmetic, in table_row.ts. Two headers OCR glued with no space between
 * them are split where a known one ends and one a slip from another begins, and a cell of numbers
 * that runs over the next column's start ("$ 218,727.93 60,927", one space kept between two
 * columns) gives one number to each column.
 * Photos' headers are their weakest words: columns the header leaves unread get the weight, price
 * and amount it lacks from the rows' arithmetic (table_columns.ts), and a header row no word of
 * which is known is still taken when its rows' words and numbers add up under it.
 */
import type { DraftValue } from "../../domain/documents/draft.ts";
import type { Cell, Line } from "./layout.ts";
import { editDistance, normalizeLabel } from "./vocabulary.ts";
import { parseNumber } from "./values.ts";
import { type Column, type Header, toLine, unitNamed } from "./table_row.ts";
import { columnsByArithmetic, type Provable } from "./table_columns.ts";
import { decimalComma, pointDecimalLine } from "./table_numbers.ts";

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
    // Spanish, French and Portuguese (accents are dropped before lookup).
    "descripcion",
    "producto",
    "articulo",
    "mercancia",
    "designation",
    "produit",
    "libelle",
    "marchandise",
    "descricao",
    "produto",
    "mercadoria",
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
    "codigo",
    "clave",
    "lote",
    "reference",
    "ref",
    "code article",
    "referencia",
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
    "cantidad",
    "cajas",
    "bultos",
    "cartones",
    "piezas",
    "quantite",
    "qte",
    "colis",
    "cartons",
    "pieces",
    "quantidade",
    "qtd",
    "caixas",
    "volumes",
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
    // Catch weight: the weight actually shipped, which the line is priced on.
    "catch wt",
    "catch weight lbs",
    "act wt",
    "actual wt",
    "actual weight",
    "ship wt",
    "shipped wt",
    "net lb",
    "peso",
    "peso neto",
    "kilos",
    "kilogramos",
    "poids",
    "poids net",
    "peso liquido",
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
    "precio",
    "precio unitario",
    "precio unit",
    "precio kg",
    "prix",
    "prix unitaire",
    "prix unit",
    "prix kg",
    "pu",
    "preco",
    "preco unitario",
    "preco kg",
    "tarifa",
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
    "importe",
    "monto",
    "valor",
    "subtotal",
    "montant",
    "montant ht",
    "total ht",
    "valor total",
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
  // A currency in a header ("Price USD/kg", "Amount CAD") says nothing of its column.
  const t = text.replace(/\b[1I]b(s?)\b/g, "lb$1").replace(/\b(USD|CAD|MXN|EUR)\b/gi, " ");
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
    if (w.length >= 5 && editDistance(w, bare, 1) <= 1) return col;
  }
  return undefined;
}

/** The columns a header cell names: one, or two when a tight layout ran two words together. */
function columnsOf(cell: Cell): Array<{ col: Column; start: number }> {
  const key = headerKey(cell.text);
  // A short header written as a plural names the column of its singular.
  const whole = INDEX.get(key) ??
    (/^[a-z]{2,4}s$/.test(key) ? INDEX.get(key.slice(0, -1)) : undefined);
  if (whole) return [{ col: whole, start: cell.start }];
  const words = cell.text.split(/\s+/);
  for (let k = 1; k < words.length; k++) {
    const head = INDEX.get(headerKey(words.slice(0, k).join(" ")));
    const tail = INDEX.get(headerKey(words.slice(k).join(" ")));
    // "Lbs Net", "Kg Neto": two words of one column (a unit and its qualifier) name it once.
    if (head && tail && head === tail) return [{ col: head, start: cell.start }];
    if (head && tail) {
      const offset = cell.text.indexOf(words[k]!, words.slice(0, k).join(" ").length);
      return [{ col: head, start: cell.start }, { col: tail, start: cell.start + offset }];
    }
  }
  // A known header and the words that qualify it ("Descripción del producto", "Prix par colis",
  // "Price per carton"): the header names the column.
  const qualified = /^(.+?)\s+(?:de|del|de la|des|du|da|do|por|par|per|pour|of|en|em)\s+\S/i.exec(
    key,
  );
  const head = qualified ? INDEX.get(qualified[1]!) : undefined;
  if (head) return [{ col: head, start: cell.start }];
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

/**
 * Of several weight columns (nominal and catch weight, gross and net), the line's weight is the
 * one the goods are priced on: the catch (actual, shipped) weight, else the net, else the first.
 */
function weightRank(text: string): number {
  const t = normalizeLabel(text);
  if (/\b(catch|act|actual|real|ship|shipped|reel)\b/.test(t)) return 0;
  if (/\b(net|neto|liquido)\b/.test(t)) return 1;
  if (/\b(nom|nominal|est|estimated|avg|average|gross|bruto|brut|tare|std|standard)\b/.test(t)) {
    return 3;
  }
  return 2;
}

/** A price per case written on the price's header ("Price/cs", "Precio por caja", "Prix/colis"). */
export const PER_CASE =
  /(\/|\bper\s*|\bpor\s*|\bpar\s*)(cs|case|cases|box|bx|ctn|carton|caja|colis|caixa|bulto)\b/i;

function headerOf(line: Line): Header | null {
  const columns = line.cells.flatMap((cell) =>
    columnsOf(cell).map((c) => ({ ...c, text: cell.text }))
  );
  const priceCell = line.cells.find((c) => columnsOf(c).some((x) => x.col === "price"))?.text ?? "";
  const pricePer = unitNamed(priceCell);
  const weights = columns.filter((c) => c.col === "weight");
  if (weights.length > 1) {
    // Of equally good weights (net kilos beside net pounds), the one in the price's unit.
    const rank = (c: { text: string }) =>
      weightRank(c.text) + (pricePer && unitNamed(c.text) === pricePer ? 0 : 0.5);
    const best = weights.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    for (const w of weights) if (w !== best) w.col = "other";
  }
  const kinds = columns.map((c) => c.col).filter((c) => c !== "other");
  if (!kinds.includes("description") || new Set(kinds).size < 3) return null;
  const weightCell = columns.find((c) => c.col === "weight")?.text ?? "";
  return {
    columns: columns.map(({ col, start }) => ({ col, start })),
    // The weight column's own unit ("Peso Lbs" beside "Precio/Kg"), else any the header names.
    unit: unitNamed(weightCell) ??
      (/\b(kgs?|kilos?|kilogram(o|me)?s?)\b|\(kgs?/i.test(line.text) ? "KG" : "LB"),
    basis: PER_CASE.test(priceCell) ? "case" : "weight",
    ...(pricePer && !PER_CASE.test(priceCell) ? { pricePer } : {}),
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
  /^\s*(sub\s*-?\s*total|total|grand total|tax|amount due|balance|invoice total|freight|net due|iva|tva|impuestos?|importe total|montant total|net a payer|saldo|valor total)\b/i;
const PAGE_NOTE = /\b(continued|page\s+\d|carried\s+forward|cont'd)\b/i;
/** A number cell, with its currency and a unit or a price's unit ("$48.00/cs", "2.15 USD/lb"). */
const NUMBER =
  /^[$€(]?-?(USD\s*|EUR\s*)?[$€]?\d[\d,]*(\.\d+)?\)?(\s*(€|EUR|USD))?(\s*(lbs?|kgs?|cs|#))?(\s*(\/|per\s+|par\s+|por\s+)\s*\p{L}{1,8})?$/iu;

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
 * header lacks cases or a price and exactly one unread column has under it, in the rows that
 * follow, only whole numbers (cases) or only prices with cents (price), and its header is four
 * characters or less, the column is that one. Whole numbers stepping evenly (1000, 1007, 1014)
 * number the items and are not counted as a candidate. The row's arithmetic (price x quantity = amount) still decides its
 * confidence. Tuned on development scans and photos (bench/documents_ocr_heldout.ts --dev).
 */
function unreadColumns(header: Header, lines: Line[], h: number): Header {
  const cols = header.columns;
  const rows = lines.slice(h + 1, h + 4).filter((l) => !END.test(l.text.trim()));
  const short = (k: number) =>
    (lines[h]!.cells.find((cell) => cell.start === cols[k]!.start)?.text ?? "").replace(/\s/g, "")
      .length <= 4;
  const candidates = (want: "cases" | "price", shape: RegExp) =>
    cols.flatMap((c, k) => {
      if (c.col !== "other" || cols.some((x) => x.col === want)) return [];
      const values = rows.map((row) =>
        row.cells.find((cell) => columnAt(header, cell) === "other" && cellColumn(cols, cell) === k)
          ?.text.trim()
      );
      if (!values.length || !values.every((v) => v !== undefined && shape.test(v))) return [];
      // Numbers stepping evenly down three rows or more (1, 2, 3; 1000, 1007, 1014) number the
      // lines or items: they are no count.
      const n = values.map(Number);
      const step = n[1]! - n[0]!;
      const counting = want === "cases" && n.length >= 3 && step > 0 &&
        n.every((v, i) => i === 0 || v - n[i - 1]! === step);
      return counting ? [] : [k];
    });
  const fixed = cols.map((c) => ({ ...c }));
  for (const [want, shape] of [["cases", WHOLE], ["price", DECIMAL]] as const) {
    // Only one column of that shape, and under a short header (a longer one read clearly is a
    // column no list holds, such as a lot number).
    const found = candidates(want, shape);
    if (found.length === 1 && short(found[0]!)) fixed[found[0]!]!.col = want;
  }
  return { ...header, columns: fixed };
}

/** The index of the header column a cell starts under. */
function cellColumn(cols: Header["columns"], cell: Cell): number {
  let k = 0;
  for (let j = 0; j < cols.length; j++) if (cols[j]!.start <= cell.start + 3) k = j;
  return k;
}

/** The rows under a header line, up to the totals row (at most eight, for typing columns). */
function rowsUnder(lines: Line[], h: number): Line[] {
  const end = lines.findIndex((l, i) => i > h && END.test(l.text.trim()));
  return lines.slice(h + 1, Math.min(end < 0 ? lines.length : end, h + 9));
}

/** How many of `rows` add up exactly (price x quantity = amount) as read, nothing repaired. */
function addsUp(header: Header, rows: Line[]): number {
  let n = 0;
  for (const row of rows) {
    const { values, words } = rowCells(header, row);
    if (!words.length || !values.amount || !values.price || !(values.weight ?? values.cases)) {
      continue;
    }
    const line = toLine(header, words, values);
    // 0.97 is given only when price x quantity = amount was checked and held.
    const held = line.price?.confidence === 0.97;
    if (held && Object.entries(line).every(([k, v]) => k === "description" || !v.why)) n++;
  }
  return n;
}

/**
 * The weight, price and amount a header lacks, given to its unread columns by the rows' arithmetic
 * (table_columns.ts), before the short-column rule below: a header misread past any match keeps
 * its table whatever the printed word was.
 */
function typedByValues(header: Header, lines: Line[], h: number): Header {
  const rows = rowsUnder(lines, h);
  const has = new Set(header.columns.map((c) => c.col));
  const missing = (["weight", "price", "amount"] as const).filter((k) => !has.has(k));
  const free = header.columns.flatMap((c, k) => (c.col === "other" ? [k] : []));
  const with_ = (given: Map<number, Provable>): Header => ({
    ...header,
    columns: header.columns.map((c, k) => ({ ...c, col: given.get(k) ?? c.col })),
  });
  // Rows where the price read is smaller than the weight read: a price per pound, not the pounds.
  const fit = (g: Map<number, Provable>) =>
    rows.filter((row) => {
      const { values } = rowCells(with_(g), row);
      const price = values.price ? parseNumber(values.price.replace(/^(USD\s*)?\$/i, "")) : null;
      const weight = values.weight ? parseNumber(values.weight) : null;
      return price !== null && weight !== null && price < weight;
    }).length;
  const given = columnsByArithmetic(free, missing, (g) => addsUp(with_(g), rows), fit);
  return given ? with_(given) : header;
}

const LETTERS = /[A-Za-z]{3}/;

/**
 * A header row no vocabulary names (OCR garbled every word, or words no list holds): three cells
 * or more with no number, over a row of goods (words and three numbers or more). The description
 * is the column the rows' words start under; the numbers' columns are typed by the arithmetic,
 * and the header is taken only when a row adds up exactly with them (to the cent: a proof no
 * other block of numbers gives by chance; rows OCR garbled are then repaired or flagged as usual).
 */
function inferredHeader(lines: Line[], h: number): Header | null {
  const line = lines[h]!;
  if (
    line.cells.length < 3 || END.test(line.text.trim()) ||
    line.cells.some((c) => /\d/.test(c.text) && NUMBER.test(c.text.trim()))
  ) return null;
  const isText = (c: Cell) => LETTERS.test(c.text) && !NUMBER.test(c.text.trim());
  const goods = rowsUnder(lines, h).filter((r) =>
    r.cells.some(isText) && r.cells.filter((c) => NUMBER.test(c.text.trim())).length >= 3
  );
  if (!goods.length || goods[0] !== lines[h + 1]) return null;
  const columns = line.cells.flatMap(columnsOf);
  if (!columns.some((c) => c.col === "description")) {
    const under = goods.map((r) => cellColumn(columns, r.cells.find(isText)!));
    const k = under[0]!;
    if (!under.every((u) => u === k) || columns[k]!.col !== "other") return null;
    columns[k] = { ...columns[k]!, col: "description" };
  }
  const header = unreadColumns(
    typedByValues(
      {
        columns,
        unit: /\bkgs?\b|\(kgs?/i.test(line.text) ? "KG" : "LB",
        basis: "weight",
      },
      lines,
      h,
    ),
    lines,
    h,
  );
  const kinds = new Set(header.columns.map((c) => c.col).filter((c) => c !== "other"));
  const adds = addsUp(header, goods);
  return kinds.size >= 3 && adds >= 1 ? header : null;
}

/**
 * The lines with the table's numbers written with a decimal point when the table under header
 * line `h` writes them with a decimal comma (its value cells and totals row say so, never the US
 * way: table_numbers.ts); else the lines as they are.
 */
function withDecimalPoint(lines: Line[], h: number, header: Header): Line[] {
  const end = lines.findIndex((l, i) => i > h && END.test(l.text.trim()));
  const last = end < 0 ? Math.min(lines.length, h + 60) : end + 1;
  const cells = lines.slice(h + 1, last).flatMap((row) =>
    row.cells.filter((c) => columnAt(header, c) !== "description" || END.test(row.text.trim()))
      .map((c) => c.text)
  );
  if (!decimalComma(cells)) return lines;
  return lines.map((l, i) => (i > h ? pointDecimalLine(l) : l));
}

/**
 * Reads the first table of goods in `lines`: under a header the vocabulary names, else under a
 * header row told by its rows' values alone (`inferredHeader`).
 */
export function readGoodsTable(given: Line[]): TableResult | null {
  for (let h = 0; h < given.length; h++) {
    const found = headerOf(given[h]!);
    if (!found) continue;
    const lines = withDecimalPoint(given, h, found);
    const read = readUnder(
      lines,
      h,
      found,
      unreadColumns(typedByValues(found, lines, h), lines, h),
    );
    if (read) return read;
  }
  for (let h = 0; h < given.length; h++) {
    const header = inferredHeader(given, h);
    const lines = header ? withDecimalPoint(given, h, header) : given;
    const read = header ? readUnder(lines, h, header, header) : null;
    if (read) return read;
  }
  return null;
}

/** The rows under header line `h`; `found` is the header as read (to know it again further down). */
function readUnder(lines: Line[], h: number, found: Header, header: Header): TableResult | null {
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
  return out.length ? { lines: out, end: i } : null;
}
