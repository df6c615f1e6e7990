/**
 * @module ai/offline/layout
 * A document's text as lines of cells (runs of text separated by three or more spaces, with
 * their column offsets), and the two ways forms put a value with its label: beside it
 * ("PO #: 4512", "PO #   4512") or under it (a row of labels over a row of values).
 */

export interface Cell {
  text: string;
  start: number;
  end: number;
}

export interface Line {
  text: string;
  cells: Cell[];
  index: number;
}

export interface Found {
  value: string;
  confidence: number;
  line: number;
}

/** Splits text into lines of cells. */
export function toLines(text: string): Line[] {
  return text.split(/\r?\n/).map((drawn, index) => {
    // A table drawn with pipes ("| PO No. | NP-1 |"): the rules are column gaps, not text.
    const raw = drawn.includes("|")
      ? drawn.replace(/(^|\s)\|(?=\s|$)/g, (m) => " ".repeat(m.length))
      : drawn;
    const cells: Cell[] = [];
    for (const m of raw.matchAll(/\S+(?: {1,2}\S+)*/g)) {
      cells.push({ text: m[0], start: m.index!, end: m.index! + m[0].length });
    }
    return { text: raw, cells, index };
  }).filter((l) => l.cells.length > 0).map((l, index) => ({ ...l, index }));
}

/** A cell that reads like a label (no digits, short, often upper case or ending in ":" / "#"). */
function labelLike(text: string): boolean {
  return !/\d/.test(text) && (/[:#]\s*$/.test(text) || text === text.toUpperCase()) &&
    text.length < 40;
}

/**
 * Finds the value of the first label (case-insensitive regex sources, matched at a word start)
 * in `lines` that `accept` takes. The label is followed on its cell by ":" or "#" and the value,
 * or its value is the next cell, or (on a row of labels) the cell under it on the next line.
 */
export function findLabeled(
  lines: Line[],
  labels: string[],
  accept: (value: string) => boolean = () => true,
): Found | null {
  for (const source of labels) {
    const re = new RegExp(
      `(^|[^A-Za-z0-9])(?:${source})(?![A-Za-z])\\s*(?:No\\.?|#|Number)?\\s*([:#.]?)\\s*`,
      "i",
    );
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const headerRow = line.cells.every((c) => labelLike(c.text));
      for (let c = 0; c < line.cells.length; c++) {
        const cell = line.cells[c]!;
        const m = re.exec(cell.text);
        if (!m) continue;
        const atStart = cell.text.slice(0, m.index + m[1]!.length).trim() === "";
        const rest = cell.text.slice(m.index + m[0].length).trim();
        // Mid-cell labels must be followed by a colon or "#", or they are just words.
        if (!atStart && !m[2] && !/#\s*$/.test(m[0])) continue;
        const candidates: Array<[string, number, number]> = [];
        if (rest) candidates.push([rest, m[2] || atStart ? 0.95 : 0.8, i]);
        else {
          const under = cellUnder(lines, i, cell);
          const next = line.cells[c + 1];
          if (headerRow && under) candidates.push([under.text, 0.9, i + 1]);
          if (next && !labelLike(next.text)) candidates.push([next.text, 0.9, i]);
          if (!headerRow && under && !labelLike(under.text)) {
            candidates.push([under.text, 0.8, i + 1]);
          }
        }
        for (const [value, confidence, at] of candidates) {
          if (accept(value)) return { value, confidence, line: at };
        }
      }
    }
  }
  return null;
}

/** The cell on the next line(s) that sits under `cell` (overlapping columns). */
export function cellUnder(lines: Line[], i: number, cell: Cell): Cell | null {
  for (let j = i + 1; j < Math.min(lines.length, i + 3); j++) {
    const found = lines[j]!.cells.find((c) =>
      Math.abs(c.start - cell.start) <= 4 || (c.start < cell.end && c.end > cell.start)
    );
    if (found) return found;
  }
  return null;
}

/** The lines after a label line up to a blank gap or the next label (addresses, party blocks). */
export function blockAfter(
  lines: Line[],
  labels: string[],
): { lines: string[]; line: number } | null {
  const re = new RegExp(`(^|[^A-Za-z])(?:${labels.join("|")})\\s*[:#]?\\s*`, "i");
  for (let i = 0; i < lines.length; i++) {
    for (const cell of lines[i]!.cells) {
      const m = re.exec(cell.text);
      if (!m || (m.index > 0 && cell.text.slice(0, m.index + 1).trim() !== "")) continue;
      const rest = cell.text.slice(m.index + m[0].length).trim();
      const beside = lines[i]!.cells.find((c) => c.start > cell.end);
      if (!rest && beside && !labelLike(beside.text)) return null; // "Carrier   Polar Express"
      const out: string[] = rest ? [rest] : [];
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        const under = lines[j]!.cells.find((c) => Math.abs(c.start - cell.start) <= 4);
        if (!under || /[:#]\s*$/.test(under.text) || (labelLike(under.text) && !out.length)) break;
        out.push(under.text);
      }
      if (out.length) return { lines: out, line: i };
    }
  }
  return null;
}
