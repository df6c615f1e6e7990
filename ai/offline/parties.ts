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

export interface PartyFound {
  name: string;
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

/** The name a party label gives; null when the page has none of the labels. */
export function readParty(lines: Line[], labels: string[]): PartyFound | null {
  const wanted = new Set(labels.map(normalizeLabel));
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.cells;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!;
      const colon = /^([^:\d]{2,30}?)\s*:\s*(.*)$/.exec(cell.text.trim());
      const label = colon ? colon[1]! : cell.text;
      if (!wanted.has(normalizeLabel(label))) continue;
      // On a row of labels ("TERMS   SUPPLIER   ESTABLISHMENT") the next cell is a label too.
      const right = cells[c + 1]?.text;
      const options: Array<[string | undefined, number, string]> = [
        [colon?.[2], 0.85, cell.text],
        [right && matchLabel(right) ? undefined : right, 0.85, `${cell.text} ${right ?? ""}`],
      ];
      const below = lines[i + 1]?.cells.find((b) =>
        b.start < cell.end + 1 && b.end > cell.start - 1
      );
      options.push([
        below?.text,
        0.8,
        `${cell.text}\n${below?.text ?? ""}\n${lines[i + 2]?.text ?? ""}`,
      ]);
      for (const [text, confidence, near] of options) {
        const name = text ? nameOf(text) : null;
        if (name) return { name, near, confidence };
      }
    }
  }
  return null;
}

/** The sender's name at the top of the page: the first cell that is not a title or label. */
export function letterhead(lines: Line[]): PartyFound | null {
  for (const line of lines.slice(0, 3)) {
    const cell = line.cells[0];
    if (!cell) continue;
    // A title run into the name by a tight layout: keep what comes before it.
    const text = cell.text.replace(TITLE_WORDS, "\u0000").split("\u0000")[0]!.trim();
    if (!text || text.length < 4) continue;
    const name = nameOf(text);
    if (name && /[a-z]/.test(name) && /\s/.test(name)) {
      return { name, near: line.text, confidence: 0.75 };
    }
  }
  return null;
}
