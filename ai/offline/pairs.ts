/**
 * @module ai/offline/pairs
 * Key-value pairs by geometry: every cell of the laid-out page is tried as a label (the longest
 * run of its first words that the vocabulary knows, or the text before its colon); its value is
 * the rest of the cell, else the next cell to its right, else the cell under it on the next lines
 * (columns overlapping). Each candidate keeps how it was found, so that confidence can say why.
 */
import type { Cell, Line } from "./layout.ts";
import { type ConceptName, type LabelMatch, matchLabel, normalizeLabel } from "./vocabulary.ts";

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

/** The label at the start of a cell's text, and what follows it. */
export function splitLabel(raw: string): Split | null {
  const text = spaced(raw.trim());
  const colon = /^([^:\d]{1,40}?)\s*:\s*(.*)$/.exec(text);
  if (colon) {
    // A label before a colon that the vocabulary does not know is someone else's label.
    const match = matchLabel(colon[1]!);
    return match ? { label: colon[1]!, match, rest: colon[2]!.trim(), marked: true } : null;
  }
  const words = text.split(/\s+/);
  for (let k = Math.min(6, words.length); k >= 1; k--) {
    const head = words.slice(0, k);
    if (head.some((w) => /\d/.test(w))) continue;
    const label = head.join(" ");
    const match = matchLabel(label);
    if (!match) continue;
    const rest = words.slice(k).join(" ").replace(/^[:#.\-–]+\s*/, "").trim();
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

/** Cuts a value at the next "Label:" that OCR or a tight layout left in the same cell. */
function cutAtNextLabel(value: string): string {
  const m = /\s+([A-Za-z][A-Za-z .'/]{1,30}?)\s*:\s/.exec(value);
  if (m && matchLabel(m[1]!)) return value.slice(0, m.index).trim();
  return value;
}

/** Every label-value candidate on the page, in reading order. */
export function findPairs(lines: Line[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
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
      const title = TITLES.has(normalizeLabel(cell.text)) &&
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
