// Packer order acknowledgement reader: a layout the built-in reader does not know. The page has a
// title "ORDER ACKNOWLEDGEMENT", labelled header values ("Ack No:", "Order Date:", "Ship Date:"),
// the packer's name on the first line, and a table whose header row reads
// ITEM  DESCRIPTION  BOXES  NET LBS  $/LB. Columns are found from the header's x positions, so
// the values line up even when a description is long. Answers a draft purchase order (extension
// API 1.x reader answer). Pure: it needs no host call and no permission.

const HEADERS = {
  item: /^ITEM$/i,
  description: /^DESCRIPTION$/i,
  boxes: /^BOXES$/i,
  weight: /^NET\s*LBS$/i,
  price: /^\$\s*\/\s*LB$/i,
};

/** MM/DD/YYYY (or M/D/YY) as YYYY-MM-DD; null when it is not a date. */
export function isoDate(text) {
  const m = /(\d{1,2})\/(\d{1,2})\/(\d{2,4})/.exec(String(text));
  if (!m) return null;
  const year = m[3].length === 2 ? `20${m[3]}` : m[3];
  return `${year}-${m[1].padStart(2, "0")}-${m[2].padStart(2, "0")}`;
}

function number(text) {
  const n = Number(String(text).replace(/[$,\s]/g, ""));
  return Number.isFinite(n) ? n : null;
}

/** The page's items grouped into rows by y (within 3 points), each row sorted by x. */
function rows(items) {
  const sorted = [...items].filter((i) => String(i.str).trim()).sort((a, b) =>
    a.y - b.y || a.x - b.x
  );
  const out = [];
  for (const item of sorted) {
    const row = out.find((r) => Math.abs(r.y - item.y) <= 3);
    if (row) row.items.push(item);
    else out.push({ y: item.y, items: [item] });
  }
  for (const r of out) r.items.sort((a, b) => a.x - b.x);
  return out;
}

function field(text, label) {
  const m = new RegExp(`\\b${label}\\s*:\\s*([^\\n]+?)\\s*(?:\\s{2,}|$)`, "im").exec(text);
  return m ? m[1].trim() : null;
}

const sure = (value, confidence = 0.9) => ({ value, confidence });

/**
 * Without word positions (a plain text layer): the rows under the header line, read from the
 * right, where the three numbers are: item code, description, boxes, net pounds, price per pound.
 */
function linesFromText(text) {
  const all = text.split("\n");
  const header = all.findIndex((l) => /BOXES/i.test(l) && /\$\s*\/\s*LB/i.test(l));
  if (header < 0) return [];
  const out = [];
  for (const row of all.slice(header + 1)) {
    if (/^\s*(SUB)?TOTAL/i.test(row)) break;
    const m = /^\s*(\S+)\s+(.+?)\s+([\d,]+)\s+([\d,]+(?:\.\d+)?)\s+\$?(\d+(?:\.\d+)?)\s*$/.exec(
      row,
    );
    if (!m) continue;
    out.push({
      description: sure(`${m[1]} ${m[2]}`, 0.8),
      cases: sure(number(m[3]), 0.8),
      weight: sure(number(m[4]), 0.8),
      weight_unit: sure("LB"),
      price: sure(number(m[5]), 0.8),
      price_basis: sure("weight"),
    });
  }
  return out;
}

export function readAck(input) {
  const text = String(input.text ?? "");
  if (!/ORDER\s+ACKNOWLEDG(E)?MENT/i.test(text)) return { matched: false };
  const fields = {};
  const ack = field(text, "Ack(?:nowledgement)?\\s*(?:No\\.?|Number|#)");
  if (ack) fields.supplier_confirmation = sure(ack);
  const ordered = isoDate(field(text, "Order\\s*Date") ?? "");
  if (ordered) fields.order_date = sure(ordered);
  const ship = isoDate(field(text, "Ship\\s*Date") ?? "");
  if (ship) fields.pickup_date = sure(ship, 0.8);
  const packer = text.split("\n").map((l) => l.trim()).find(Boolean) ?? "";
  const est = /EST\.?\s*(?:No\.?)?\s*(\d{1,6}[A-Z]?)/i.exec(text);

  const lines = [];
  const warnings = [];
  for (const page of input.pages ?? []) {
    const grid = rows(page.items ?? []);
    const headerIndex = grid.findIndex((r) =>
      r.items.some((i) => HEADERS.boxes.test(i.str)) &&
      r.items.some((i) => HEADERS.price.test(i.str))
    );
    if (headerIndex < 0) continue;
    const columns = Object.entries(HEADERS).map(([key, re]) => {
      const at = grid[headerIndex].items.find((i) => re.test(String(i.str).trim()));
      return at ? { key, x: at.x } : null;
    }).filter(Boolean);
    for (const row of grid.slice(headerIndex + 1)) {
      if (/^(TOTAL|SUBTOTAL)/i.test(row.items[0].str)) break;
      const cells = {};
      for (const item of row.items) {
        // Each value belongs to the nearest column header on its left (or the first column).
        const column = columns.filter((c) => c.x <= item.x + 2).pop() ?? columns[0];
        cells[column.key] = cells[column.key]
          ? `${cells[column.key]} ${item.str}`
          : String(item.str);
      }
      const weight = number(cells.weight ?? "");
      const price = number(cells.price ?? "");
      if (!cells.description || weight === null || price === null) continue;
      lines.push({
        description: sure([cells.item, cells.description].filter(Boolean).join(" ").trim()),
        cases: sure(number(cells.boxes ?? "") ?? null, 0.9),
        weight: sure(weight),
        weight_unit: sure("LB"),
        price: sure(price),
        price_basis: sure("weight"),
      });
    }
  }
  if (lines.length === 0) lines.push(...linesFromText(text));
  if (lines.length === 0) {
    warnings.push("No lines were found under the BOXES / NET LBS / $/LB header.");
  }
  return {
    matched: true,
    classification: "sales_confirmation",
    confidence: lines.length ? 0.9 : 0.5,
    fields,
    lines,
    parties: packer
      ? { supplier: { name: packer, est_number: est ? est[1] : null, confidence: 0.8 } }
      : {},
    refs: {},
    warnings,
  };
}
