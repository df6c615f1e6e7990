/**
 * @module ai/offline/parties
 * Who a document names, by geometry: a party label ("Vendor:", "Carrier", "Bill To") with the
 * name beside it, right of it or under it, and the letterhead (the sender's name at the top,
 * which is neither a title nor a label). Party labels are plain phrases compared after
 * normalising, so "SOLD BY", "Sold by:" and "Sold By" are one label.
 */
import type { Line } from "./layout.ts";
import { matchLabel, normalizeLabel } from "./vocabulary.ts";
import { cleanPartyName } from "./values.ts";

/** Labels of the party an invoice is billed to, English, Spanish and French. */
export const CUSTOMER_LABELS = [
  "bill to",
  "sold to",
  "customer",
  "buyer",
  "invoice to",
  "billed to",
  "cliente",
  "comprador",
  "facturar a",
  "vendu a",
  "facture a",
  "facturer a",
  "acheteur",
];

export interface PartyFound {
  name: string;
  /** The line the label (or letterhead) sits on. */
  line?: number;
  /** The text around it (for EST, MC and DOT numbers). */
  near: string;
  confidence: number;
}

const TITLE_WORDS =
  /\b(purchase\s+order|invoice|bill\s+of\s+lading|confirmation|receipt|statement|freight\s+bill|agreement|proof\s+of\s+delivery|contract|tender|p\.?o\.?)\b/i;

function nameOf(text: string): string | null {
  if (TITLE_WORDS.test(text) || /:/.test(text)) return null;
  // A sentence (a footer, terms) is not a name.
  if (/[.!?]$/.test(text.trim()) && (text.match(/\b[a-z]{2,}\b/g) ?? []).length >= 3) return null;
  return cleanPartyName(text);
}

/** A heading cell: short, no digits, no colon value, all capitals ("SHIP FROM (PLANT)"). */
const heading = (t: string) =>
  t.length <= 32 && !/\d/.test(t) && !/:\s*\S/.test(t) && /[A-Z]{2}/.test(t) &&
  t === t.toUpperCase();

/** A label or its bilingual form ("Transporteur / Carrier"): each part is tried. */
function labelParts(label: string): string[] {
  const parts = label.split(/\s*\/\s*/).filter((p) => p.length >= 2);
  return parts.length > 1 ? [label, ...parts] : [label];
}

/** The name a party label gives; null when the page has none of the labels. */
export function readParty(lines: Line[], labels: string[]): PartyFound | null {
  const wanted = new Set(labels.map(normalizeLabel));
  const known = (label: string) => labelParts(label).some((p) => wanted.has(normalizeLabel(p)));
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.cells;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!;
      const colon = /^([^:\d]{2,30}?)\s*:\s*(.*)$/.exec(cell.text.trim());
      const label = colon ? colon[1]! : cell.text;
      if (!known(label)) continue;
      const below = lines[i + 1]?.cells.find((b) =>
        b.start < cell.end + 1 && b.end > cell.start - 1
      );
      // On a row of labels ("TERMS   SUPPLIER   ESTABLISHMENT") the next cell is a label too;
      // so is a heading beside a heading when each has its own text under it.
      const rightCell = cells[c + 1];
      const right = rightCell?.text;
      const headingLike = (t: string) =>
        heading(t) || known(t) || labelParts(t).some((p) => matchLabel(p));
      const besideHeading = !colon && rightCell && headingLike(cell.text) &&
        headingLike(rightCell.text) &&
        below && lines[i + 1]!.cells.some((b) => b !== below && b.start >= rightCell.start - 3);
      const options: Array<[string | undefined, number, string]> = [
        [colon?.[2], 0.85, cell.text],
        [
          (right && matchLabel(right)) || besideHeading ? undefined : right,
          0.85,
          `${cell.text} ${right ?? ""}`,
        ],
      ];
      options.push([
        below?.text,
        0.8,
        `${cell.text}\n${below?.text ?? ""}\n${lines[i + 2]?.text ?? ""}`,
      ]);
      for (const [text, confidence, near] of options) {
        const name = text ? nameOf(text) : null;
        if (name) return { name, near, confidence, line: i };
      }
    }
  }
  return null;
}

/** An address, telephone, e-mail or web line: under a letterhead, never the name itself. */
export function addressLine(text: string): boolean {
  return /^\d+[A-Za-z]?\s+\p{L}/u.test(text) || // a street number first
    /\b[A-Z]{2},?\s+\d{5}(-\d{4})?\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b/.test(text) || // US zip, Canadian code
    /\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}/.test(text) || /@|www\.|https?:/i.test(text) ||
    /^(p\.?\s?o\.?\s+box|suite|ste\.?|page)\b/i.test(text);
}

/**
 * The sender's name at the top of the page: the first prominent cell that is not a title, a
 * label, an address, telephone or e-mail line, whatever its case ("SUNRISE FOODS, LLC").
 */
export function letterhead(lines: Line[]): PartyFound | null {
  for (const [i, line] of lines.slice(0, 4).entries()) {
    const cell = line.cells[0];
    if (!cell) continue;
    // A title run into the name by a tight layout: keep what comes before it.
    const text = cell.text.replace(TITLE_WORDS, "\u0000").split("\u0000")[0]!.trim();
    if (!text || text.length < 4 || addressLine(text)) continue;
    if (matchLabel(text)) continue;
    const name = nameOf(text);
    if (name && /[A-Za-z]{2}/.test(name) && /\s/.test(name) && !addressLine(name)) {
      return { name, near: line.text, confidence: 0.75, line: i };
    }
  }
  return null;
}
