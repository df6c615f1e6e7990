/**
 * @module ai/offline/pairs
 * Key-value pairs by geometry: every cell of the laid-out page is tried as a label (the longest
 * run of its first words that the vocabulary knows, or the text before its colon); its value is
 * the rest of the cell, else the next cell to its right, else the cell under it on the next lines
 * (columns overlapping). Each candidate keeps how it was found, so that confidence can say why.
 */
import type { Cell, Line } from "./layout.ts";
import {
  type ConceptName,
  CONCEPTS,
  editDistance,
  type LabelMatch,
  matchLabel,
  normalizeLabel,
  type ValueKind,
} from "./vocabulary.ts";
import { parseDate, parseMoney } from "./values.ts";

/** Document titles: a label on its own, but nothing under a title is its value. */
const TITLES = new Set(
  [
    "purchase order",
    "bill of lading",
    "straight bill of lading",
    "invoice",
    "freight bill",
    "sales confirmation",
    "order confirmation",
    "rate confirmation",
    "load confirmation",
    "proof of delivery",
    "delivery receipt",
    "statement",
  ].map(normalizeLabel),
);

/** A document's title, also with an OCR slip ("BILL 0F LAD1NG"). */
function isTitle(text: string): boolean {
  const key = normalizeLabel(labelLetters(text));
  return TITLES.has(key) || [...TITLES].some((t) => t.length >= 9 && editDistance(t, key, 1) <= 1);
}

export type Position = "inline" | "right" | "below";

export interface Candidate {
  concepts: ConceptName[];
  label: string;
  value: string;
  strength: number;
  position: Position;
  /** The label ended with a colon or "#". */
  marked: boolean;
  line: number;
  /** Where the value sits: line index and the value cell's start column. */
  at: string;
  /** The label cell's start column (for remembered layouts). */
  column: number;
  /** Found beside or under a label followed by extra words, not beside a bare label. */
  extra?: boolean;
}

/** "PO#4512" -> "PO# 4512"; a colon between letters and a value gets its space. */
function spaced(text: string): string {
  return text.replace(/#(?=[A-Za-z0-9])/g, "# ").replace(/(?<=[A-Za-z)]):(?=\S)/g, ": ");
}

interface Split {
  label: string;
  match: LabelMatch;
  rest: string;
  marked: boolean;
}

/** A label with its unit or plural mark in brackets ("Total Pay (USD)", "Seal number(s)"). */
const bracketed = (label: string) => label.replace(/\s*\([^()]{1,12}\)\s*$/, "").trim();

/**
 * A label the vocabulary knows, also in a bilingual or paired form ("No de facture / Invoice
 * No", "Trailer/Seal"): the part that names a field, and which of the slash-parts it is.
 */
function matchParts(label: string): { match: LabelMatch; part: number; of: number } | null {
  const whole = matchLabel(label) ?? matchLabel(bracketed(label)) ?? totalOf(bracketed(label));
  const parts = label.split(/\s*\/\s*/);
  if (parts.length < 2 || parts.length > 3) return whole ? { match: whole, part: -1, of: 1 } : null;
  if (whole) {
    // "Trailer/Seal" is known whole, but its value pairs up: the seal is the second value.
    const at = parts.findIndex((p) => matchLabel(p)?.concepts.join() === whole.concepts.join());
    return { match: whole, part: whole.concepts.length ? at : -1, of: parts.length };
  }
  let party: { match: LabelMatch; part: number; of: number } | null = null;
  for (const [i, p] of parts.entries()) {
    if (p.length < 2) continue;
    const match = matchLabel(p) ?? matchLabel(bracketed(p));
    if (match?.concepts.length) return { match, part: i, of: parts.length };
    if (match && !party) party = { match, part: i, of: parts.length };
  }
  return party;
}

/** "Total <a money label>" ("Total Carrier Rate") is that amount's total. */
function totalOf(label: string): LabelMatch | null {
  const m = /^(?:grand\s+)?total\s+(.{3,30})$/i.exec(label.trim());
  const match = m ? matchLabel(m[1]!) : null;
  return match?.concepts.length && match.concepts.every((k) => CONCEPTS[k].kind === "money")
    ? match
    : null;
}

/** The value of the label's part when the value pairs up with the label ("5312 / S1188"). */
function valuePart(rest: string, part: number, of: number): string {
  if (part < 0) return rest;
  const values = rest.split(/\s+\/\s+|(?<=\S)\/(?=\S)/);
  return values.length === of ? values[part]!.trim() : rest;
}

/**
 * A label's letters where OCR read digits for them ("Sh1p Date", "B0L", "0F"): a 0, 1 or 5 between
 * letters, a 0 starting a word of letters, or a 0 or 1 ending one, is the letter it looks like.
 * Labels only: a value keeps its digits.
 */
export function labelLetters(label: string): string {
  const look: Record<string, string> = { "0": "o", "1": "l", "5": "s" };
  return label.replace(
    /(?<=[A-Za-z])[015](?=[A-Za-z])|\b0(?=[A-Za-z]+\b)|(?<=[A-Za-z])[01]\b/g,
    (d) => look[d]!,
  );
}

/** The label at the start of a cell's text, and what follows it. */
export function splitLabel(raw: string): Split | null {
  const text = spaced(raw.trim());
  const colon = /^([^:]{1,40}?)\s*:\s*(.*)$/.exec(text);
  const label = colon ? labelLetters(colon[1]!) : "";
  if (colon && !/\d/.test(label)) {
    // A label before a colon that the vocabulary does not know is someone else's label (one
    // whose digits were no OCR slip is tried word by word below).
    const found = matchParts(label);
    if (found) {
      const rest = valuePart(colon[2]!.trim(), found.part, found.of);
      return { label, match: found.match, rest, marked: true };
    }
    if (!/\d/.test(colon[1]!)) return null;
  }
  // A label in two languages standing alone ("CONNAISSEMENT / BILL OF LADING", "FACTURE / INVOICE"):
  // matched part by part as with a colon, its value beside or under it.
  if (!colon && /\S\s*\/\s*\S/.test(text) && !/\d/.test(text)) {
    const found = matchParts(text);
    if (found && found.part >= 0) {
      return { label: text, match: found.match, rest: "", marked: false };
    }
  }
  const words = text.split(/\s+/);
  for (let k = Math.min(6, words.length); k >= 1; k--) {
    const head = words.slice(0, k).map(labelLetters);
    if (head.some((w) => /\d/.test(w))) continue;
    const label = head.join(" ");
    const match = matchLabel(label);
    if (!match) continue;
    // A unit or plural mark in brackets after the label is part of it, not its value.
    const rest = words.slice(k).join(" ").replace(/^[:#.\-–]+\s*/, "").replace(
      /^\([^()\d]{1,12}\)\s*:?\s*/,
      "",
    ).trim();
    return { label, match, rest, marked: /[:#]$/.test(label) || /^[:#]/.test(words[k] ?? "") };
  }
  return null;
}

/** A cell that is itself a label (its whole text), so never a value. */
export function isLabelCell(text: string): boolean {
  const s = splitLabel(text);
  return s !== null && s.rest === "";
}

function cellBelow(lines: Line[], i: number, cell: Cell): { cell: Cell; line: number } | null {
  for (let j = i + 1; j < Math.min(lines.length, i + 3); j++) {
    const found = lines[j]!.cells.find((c) =>
      Math.abs(c.start - cell.start) <= 3 || (c.start < cell.end + 1 && c.end > cell.start - 1)
    );
    if (found) return { cell: found, line: j };
  }
  return null;
}

/** A value of the kind (checked before a label's extra words give up their value). */
function valueOfKind(kind: ValueKind, v: string): boolean {
  const t = v.trim();
  switch (kind) {
    case "date":
    case "datetime":
      return parseDate(t) !== null;
    case "money":
      return /^(USD|US\$|\$)?\s*\d/.test(t) && parseMoney(t) !== null;
    case "temp":
      return /^-?\s?\d+(\.\d+)?\s*°?\s*[FC]\b/i.test(t);
    case "id":
      return /^[A-Z0-9][A-Z0-9\-/.]{2,}$/i.test(t.split(/\s+/)[0]!) &&
        /\d/.test(t.split(/\s+/)[0]!) && !parseDate(t);
    case "text":
      return false;
  }
}

/** Words after a label that cannot be its value: letters only, a few words, no colon. */
const wordsOnly = (rest: string) =>
  !/[\d:$€£#]/.test(rest) && rest.split(/\s+/).length <= 4 && rest.length <= 30 &&
  !TITLE_WORD.test(rest);
/** A document's title word ("CUSTOMER INVOICE" is a title, not a label with extra words). */
const TITLE_WORD =
  /\b(invoice|order|lading|confirmation|receipt|statement|bill|agreement|contract|delivery|tender|copy)\b/i;

/** Cuts a value at the next "Label:" that OCR or a tight layout left in the same cell. */
function cutAtNextLabel(value: string): string {
  const m = /\s+([A-Za-z][A-Za-z .'/]{1,30}?)\s*:\s/.exec(value);
  if (m && matchLabel(m[1]!)) return value.slice(0, m.index).trim();
  return value;
}

/**
 * A cell holding two "Label: value" pairs a narrow gap apart ("FOB: Dakota City, NE  Terms: Net
 * 7": two spaces, too few to part cells) is two cells, cut where a label the vocabulary knows
 * starts after two spaces or more, whether or not the first label is known.
 */
export function pairCells(cell: Cell): Cell[] {
  const out: Cell[] = [];
  let from = 0;
  for (const m of cell.text.matchAll(/\s{2,}(?=([A-Za-z][A-Za-z .'/#]{0,30}?)\s*:\s*\S)/g)) {
    if (!matchLabel(m[1]!)?.concepts.length) continue;
    const cut = m.index! + m[0].length;
    out.push({ text: cell.text.slice(from, m.index).trim(), start: cell.start + from, end: 0 });
    from = cut;
  }
  if (!out.length) return [cell];
  out.push({ text: cell.text.slice(from).trim(), start: cell.start + from, end: cell.end });
  return out.map((c, k) => ({ ...c, end: out[k + 1] ? c.start + c.text.length : cell.end }));
}

/** Every label-value candidate on the page, in reading order. */
export function findPairs(lines: Line[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = { ...lines[i]!, cells: lines[i]!.cells.flatMap(pairCells) };
    const rowOfLabels = line.cells.length > 1 && line.cells.every((c) => isLabelCell(c.text));
    for (let c = 0; c < line.cells.length; c++) {
      const cell = line.cells[c]!;
      const split = splitLabel(cell.text);
      if (!split || split.match.party || !split.match.concepts.length) continue;
      const base = {
        concepts: split.match.concepts,
        label: split.label,
        strength: split.match.strength,
        marked: split.marked,
        column: cell.start,
      };
      if (split.rest) {
        out.push({
          ...base,
          value: cutAtNextLabel(split.rest),
          position: "inline",
          line: i,
          at: `${i}:${cell.start}`,
        });
        // "PULP TEMP AT LOADING" over "27.4 F": words after a known label that are no value
        // (letters only, or a phrase the label's kinds do not read) leave the value beside or
        // under the cell, read at a lower strength.
        // Not a generic "Date" with a word after it ("Date Acknowledged"): that names a date
        // the vocabulary does not know, left to the rules by type and position.
        if (!wordsOnly(split.rest) || split.match.concepts.every((k) => k === "date")) continue;
        base.strength *= 0.9;
        const right = line.cells[c + 1];
        const below = cellBelow(lines, i, cell);
        const fits = (v: string) =>
          split.match.concepts.some((k) => valueOfKind(CONCEPTS[k].kind, v));
        if (right && fits(right.text)) {
          out.push({
            ...base,
            value: right.text,
            position: "right",
            line: i,
            at: `${i}:${right.start}`,
            extra: true,
          });
        } else if (below && fits(below.cell.text)) {
          out.push({
            ...base,
            value: below.cell.text,
            position: "below",
            line: below.line,
            at: `${below.line}:${below.cell.start}`,
            extra: true,
          });
        }
        continue;
      }
      const right = line.cells[c + 1];
      if (right && !rowOfLabels && !isLabelCell(right.text)) {
        out.push({
          ...base,
          value: right.text,
          position: "right",
          line: i,
          at: `${i}:${right.start}`,
        });
      }
      const title = isTitle(cell.text) &&
        !/(#|\bno\.?|\bnumber)\s*:?$/i.test(cell.text);
      const below = title ? null : cellBelow(lines, i, cell);
      if (below && !splitLabel(below.cell.text)?.match.concepts.length) {
        out.push({
          ...base,
          value: below.cell.text,
          position: "below",
          line: below.line,
          at: `${below.line}:${below.cell.start}`,
        });
      }
    }
  }
  return out;
}
