/**
 * @module ai/offline/fields
 * A document's header fields from its key-value candidates (pairs.ts): for each field of the
 * document's kind, the candidates of the concepts that may fill it, checked by the value's type
 * (dates, money, temperatures, identifiers, terms) and scored. The confidence multiplies the
 * evidence: how well the label matched, whether it was marked by a colon, where the value sat,
 * whether the value is exactly of its type or had to be cut or repaired, whether the reading came
 * from OCR, and whether the page disagrees with itself (two different values for one field).
 * The factors were set on the corpus's development layouts so that a value at 0.9 or above is
 * right at least 98 times in 100 (the benchmark checks it on the held-out layouts), and each
 * lowered value carries the reason shown on the review page.
 */
import type { Classification, DraftValue } from "../../domain/documents/draft.ts";
import type { Candidate } from "./pairs.ts";
import type { Line } from "./layout.ts";
import type { ConceptName, ValueKind } from "./vocabulary.ts";
import { CONCEPTS } from "./vocabulary.ts";
import {
  fixDigits,
  parseDate,
  parseIdentifier,
  parseMoney,
  parseTemperature,
  parseTime,
} from "./values.ts";

/** Each field of a kind of document, and the concepts that fill it, best first. */
export const FIELD_CONCEPTS: Partial<Record<Classification, Record<string, ConceptName[]>>> = {
  purchase_order: {
    number: ["po_number"],
    order_date: ["order_date", "date"],
    pickup_date: ["ship_date"],
    supplier_confirmation: ["confirmation_number"],
    carrier_release: ["release_number"],
    payment_terms: ["terms"],
  },
  sales_confirmation: {
    supplier_confirmation: ["confirmation_number"],
    number: ["po_number"],
    order_date: ["order_date", "date"],
    pickup_date: ["ship_date"],
    payment_terms: ["terms"],
  },
  bill_of_lading: {
    bol_number: ["bol_number"],
    seal_number: ["seal_number"],
    pickup_appointment: ["ship_date", "date"],
    setpoint_temp_f: ["setpoint"],
    pickup_temp_f: ["pickup_temp"],
  },
  proof_of_delivery: {
    bol_number: ["bol_number"],
    delivery_appointment: ["delivery_date", "date"],
    delivery_temp_f: ["delivery_temp", "setpoint"],
  },
  rate_confirmation: {
    number: ["load_number"],
    freight_cents: ["rate_total"],
    pickup_appointment: ["ship_date"],
    delivery_appointment: ["delivery_date"],
    setpoint_temp_f: ["setpoint"],
  },
  invoice: {
    number: ["invoice_number"],
    invoice_date: ["invoice_date", "date"],
    due_date: ["due_date"],
    ship_date: ["ship_date"],
    payment_terms: ["terms"],
    tax_cents: ["tax"],
  },
  carrier_invoice: {
    number: ["invoice_number", "pro_number"],
    bill_date: ["invoice_date", "date"],
    due_date: ["due_date"],
    payment_terms: ["terms"],
    charges_cents: ["total_due"],
  },
  supplier_invoice: {
    number: ["invoice_number"],
    bill_date: ["invoice_date", "date"],
    due_date: ["due_date"],
    payment_terms: ["terms"],
  },
};

/** Fields read as a date and a time together. */
const DATETIME = new Set(["pickup_appointment", "delivery_appointment"]);

const TERMS =
  /^(net\s*\d{1,3}|\d{1,3}\s*days?|n\/?\d{1,3}|c\.?o\.?d\.?|c\.?i\.?a\.?|cash( in advance)?|prepaid|due (on|upon) receipt|upon receipt|\d+(\.\d+)?%\s*\d+.*net\s*\d+)/i;

export interface Typed {
  value: string | number;
  /** The whole value was of the type (nothing cut off, nothing repaired). */
  exact: boolean;
  repaired: boolean;
  /** A date and time field whose value printed no time. */
  noTime?: boolean;
}

/** "Net 10 days", "NET 7 DAYS", "30 días", "Net 21 jours / days": the terms as "Net N". */
export function netTerms(text: string): string | null {
  const m = /^(?:net|neto)\s*(\d{1,3})(?:\s*(?:days?|d[ií]as|jours)\b[\s/a-z]*)?$/i.exec(text) ??
    /^(\d{1,3})\s*(?:days?|d[ií]as|jours)(?:\s*(?:net|neto|nets?))?[\s/a-z]*$/i.exec(text);
  return m ? `Net ${+m[1]!}` : null;
}

/** The date at the start of a date-and-time value, so that its year is never read as a time. */
const DATE_HEAD =
  /^\s*(?:\p{L}{3,9}\.?,?\s+)?(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\p{L}{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+\d{4})?|\d{1,2}(?:\s+de)?[\s-]\p{L}{3,10}\.?(?:\s+de)?(?:[\s-]\d{2,4})?)/u;

/** Reads a value as its kind; null when it is not of that kind. */
export function typed(
  kind: ValueKind | "datetime",
  raw: string,
  opts: { dayFirst?: boolean } = {},
): Typed | null {
  const text = raw.trim();
  switch (kind) {
    case "date":
    case "datetime": {
      const date = parseDate(text, opts);
      if (!date) return null;
      const repaired = fixDigits(text) !== text;
      if (kind === "date") {
        const exact = /^[\w/.,\- ]{6,20}$/.test(text) && !/\d{1,2}:\d{2}/.test(text);
        return { value: date, exact: exact && text.length <= 18, repaired };
      }
      const time = parseTime(text.replace(DATE_HEAD, ""), { afterDate: true });
      return { value: `${date}T${time ?? "00:00"}`, exact: true, repaired, noTime: !time };
    }
    case "id": {
      if (parseDate(text)) return null;
      // OCR reads a leading S as "$" ("$383270" for seal S383270): an identifier is never money.
      const cleaned = text.replace(/^(no\.?|#|number)\s*/i, "").replace(/^\$(?=\d{4,}$)/, "S");
      const id = parseIdentifier(cleaned);
      if (!id || id.length < 3) return null;
      // Letters and digits OCR confuses, where the pattern makes the reading certain: O between
      // digits is 0; a letter prefix with a 0 in it ("P0-7550") is O; 5 before a letter is S.
      const fixed = id.replace(/(?<=\d)[Oo](?=\d)|(?<=\d{2})[Oo]$/g, "0")
        .replace(/^([A-Z]*)0([A-Z]*)(?=-)/, (m, a: string, b: string) => a || b ? `${a}O${b}` : m)
        .replace(/^5(?=[A-Z]{1,2}\d{3,}$)/, "S");
      const whole = cleaned.replace(/^[#:.\s]+/, "").trim();
      return { value: fixed, exact: whole === id, repaired: fixed !== id };
    }
    case "money": {
      const cents = parseMoney(text);
      if (cents === null) return null;
      const exact =
        /^(USD|US\$|\$)?\s*\(?-?\$?\s*\d{1,3}(,\d{3})*(\.\d{2})?\)?\s*(USD)?$/i.test(text) ||
        /^(USD|US\$|\$)?\s*\d+(\.\d{2})?$/.test(text);
      return { value: cents, exact, repaired: fixDigits(text) !== text };
    }
    case "temp": {
      const t = parseTemperature(text);
      if (t === null || t < -40 || t > 80) return null;
      return { value: t, exact: /°|\b[FC]\b|deg/i.test(text), repaired: false };
    }
    case "text": {
      const t = text.split(/\s{3,}/)[0]!.trim().slice(0, 100).replace(/^(net)\s*(?=\d)/i, "Net ");
      if (!t) return null;
      const net = netTerms(t);
      if (net) return { value: net, exact: true, repaired: false };
      return { value: t, exact: TERMS.test(t), repaired: false };
    }
  }
}

const TOTAL_LIKE = /\btotal|\ball[\s-]*in\b|\b(balance|amount)\s+due\b/i;

/** A time in the cells right of a date's value or just under it ("Time: 06:00", "0600"). */
function timeBeside(lines: Line[], c: Candidate): string | null {
  const [li, start] = c.at.split(":").map(Number) as [number, number];
  const line = lines[li];
  if (!line) return null;
  const after = line.cells.filter((x) => x.start > start).slice(0, 2);
  for (const cell of after) {
    const m = /^(?:time|hora|heure|appt|appointment)?\s*:?\s*(.*)$/i.exec(cell.text)!;
    const time = parseTime(m[1]!, { afterDate: true });
    if (time && !parseDate(m[1]!)) return time;
    if (!/^(time|hora|heure)\b/i.test(cell.text)) break;
  }
  return null;
}

interface Scored {
  candidate: Candidate;
  value: string | number;
  confidence: number;
  why: string[];
}

/** The confidence of one reading and its reasons (see the module header). */
export function scoreCandidate(
  c: Candidate,
  t: Typed,
  rank: number,
  opts: { ocr: boolean },
  kind: ValueKind | "datetime" = "text",
): { confidence: number; why: string[] } {
  const why: string[] = [];
  let p = 0.99;
  if (c.strength < 1) (p *= 0.8 * c.strength, why.push("label matched loosely"));
  if (!t.exact) (p *= 0.8, why.push("value had to be cut from other text"));
  if (t.repaired) (p *= 0.85, why.push("OCR slip repaired"));
  if (c.position === "below") p *= c.marked ? 0.99 : 0.97;
  else if (c.position === "inline" && !c.marked) p *= 0.96;
  if (rank > 0) (p *= 0.9, why.push("generic label"));
  if (opts.ocr) (p *= 0.9, why.push("read by OCR"));
  // OCR confuses O and 0, S and 5, B and 8: an identifier read from an image is always checked.
  if (opts.ocr && kind === "id") p *= 0.85;
  return { confidence: Math.round(p * 100) / 100, why };
}

/** Reads the header fields of a document of kind `type` from its candidates. */
export function readFields(
  type: Classification,
  candidates: Candidate[],
  opts: { ocr: boolean; dayFirst?: boolean; lines?: Line[] } = { ocr: false },
): Record<string, DraftValue & { why?: string }> {
  const plan = FIELD_CONCEPTS[type] ?? {};
  const options: Array<{ field: string; best: Scored; rivals: Scored[] }> = [];
  for (const [field, concepts] of Object.entries(plan)) {
    const scored: Scored[] = [];
    concepts.forEach((concept, rank) => {
      const kind = DATETIME.has(field) ? "datetime" : CONCEPTS[concept].kind;
      for (const c of candidates) {
        if (!c.concepts.includes(concept)) continue;
        // A label shared by several concepts (e.g. "total") is weaker for each of them.
        const t = typed(kind, c.value, opts);
        if (!t) continue;
        const s = scoreCandidate(c, t, rank, opts, kind);
        if (t.noTime) {
          // The time printed beside the date ("Date: 12/07   Time: 06:00"), else none at all.
          const time = opts.lines ? timeBeside(opts.lines, c) : null;
          if (time) {
            t.value = String(t.value).replace(/T00:00$/, `T${time}`);
            s.confidence = Math.min(s.confidence, 0.85);
            s.why.push("time read beside the date");
          } else {
            s.confidence = Math.min(s.confidence, 0.75);
            s.why.push("no time printed");
          }
        }
        // A total beats its components: a label saying "total" (or "all in", "balance due")
        // wins over a line haul or a charge of the same field.
        if (CONCEPTS[concept].kind === "money" && TOTAL_LIKE.test(c.label)) s.confidence += 0.005;
        scored.push({ candidate: c, value: t.value, ...s });
      }
    });
    const money = concepts.every((c) => CONCEPTS[c].kind === "money");
    if (money && scored.some((x) => TOTAL_LIKE.test(x.candidate.label))) {
      for (const x of scored) {
        if (!TOTAL_LIKE.test(x.candidate.label)) x.confidence = Math.min(x.confidence, 0.6);
      }
    }
    scored.sort((a, b) => b.confidence - a.confidence || a.candidate.line - b.candidate.line);
    for (const x of scored) x.confidence = Math.min(0.99, x.confidence);
    if (scored[0]) options.push({ field, best: scored[0], rivals: scored.slice(1) });
  }
  // The most certain fields claim their value cells first; a cell fills one field only.
  options.sort((a, b) => b.best.confidence - a.best.confidence);
  const used = new Set<string>();
  const out: Record<string, DraftValue & { why?: string }> = {};
  for (const { field, best, rivals } of options) {
    const pick = [best, ...rivals].find((s) => !used.has(s.candidate.at));
    if (!pick) continue;
    used.add(pick.candidate.at);
    let confidence = pick.confidence;
    const why = [...pick.why];
    const others = [best, ...rivals].filter((s) =>
      s !== pick && s.candidate.at !== pick.candidate.at
    );
    const disagree = others.some((s) =>
      s.confidence >= pick.confidence - 0.1 && String(s.value) !== String(pick.value)
    );
    if (disagree) (confidence = Math.min(confidence, 0.7), why.push("the page gives two values"));
    if (pick !== best) (confidence *= 0.85, why.push("label shared with another field"));
    out[field] = {
      value: pick.value,
      confidence: Math.round(confidence * 100) / 100,
      ...(why.length ? { why: why.join("; ") } : {}),
    };
  }
  return out;
}
