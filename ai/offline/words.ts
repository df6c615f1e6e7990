/**
 * @module ai/offline/words
 * Positioned words to layout text. OCR (tesseract's word boxes) and pdf.js both know where each
 * word sits; the readers downstream work on lines of cells whose offsets are character columns.
 * Words on one baseline become a line; a gap wider than about one letter height starts a new cell
 * (written as three or more spaces), and each cell starts at the column its x gives, so a value
 * stays under its label and a table's numbers under their header. OCR's plain text keeps one space
 * between side-by-side columns, which merged a supplier's name with the next label: this is why.
 */

/** A word with its box, in any unit (points, pixels) with y growing downwards. */
export interface Word {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
}

/**
 * Straightens a skewed page: the median slope of the lines tesseract found (words of one line,
 * first to last, when they span a tenth of the page or more) is taken out of every word's y, so
 * that a table row tilted by a phone photo stays one line.
 */
export function deskew(words: Word[], lines: Word[][]): Word[] {
  const width = Math.max(1, ...words.map((w) => w.x + w.w)) - Math.min(...words.map((w) => w.x));
  const slopes: number[] = [];
  for (const line of lines) {
    const first = line[0];
    const last = line[line.length - 1];
    if (!first || !last || last.x - first.x < width / 10) continue;
    const dy = (last.y + last.h / 2) - (first.y + first.h / 2);
    slopes.push(dy / (last.x + last.w / 2 - first.x - first.w / 2));
  }
  if (slopes.length < 2) return words;
  const slope = median(slopes);
  if (Math.abs(slope) < 0.002) return words;
  return words.map((w) => ({ ...w, y: w.y - slope * (w.x + w.w / 2) }));
}

/** Groups words into lines by their vertical centre, top to bottom, each sorted left to right. */
export function wordLines(words: Word[]): Word[][] {
  const ordered = words.filter((w) => w.text.trim()).sort((a, b) =>
    (a.y + a.h / 2) - (b.y + b.h / 2)
  );
  const lines: Array<{ mid: number; h: number; words: Word[] }> = [];
  for (const word of ordered) {
    const mid = word.y + word.h / 2;
    const line = lines.find((l) => Math.abs(l.mid - mid) <= Math.max(l.h, word.h) * 0.45);
    if (line) {
      line.words.push(word);
      line.mid = (line.mid * (line.words.length - 1) + mid) / line.words.length;
    } else lines.push({ mid, h: word.h, words: [word] });
  }
  lines.sort((a, b) => a.mid - b.mid);
  return lines.map((l) => l.words.sort((a, b) => a.x - b.x));
}

/** The gap between two words of a larger font (a letterhead) that is still one phrase. */
function localGap(a: Word, b: Word): number {
  const letter = (a.w / Math.max(1, a.text.length) + b.w / Math.max(1, b.text.length)) / 2;
  return Math.max(letter * 1.8, Math.max(a.h, b.h) * 0.9);
}

/**
 * Layout text of positioned words: one text line per baseline, cells separated by three or more
 * spaces, each cell at the character column of its x (the width of an average letter).
 */
export function wordsToText(words: Word[]): string {
  const real = words.filter((w) => w.text.trim());
  if (!real.length) return "";
  const letters = real.reduce((n, w) => n + w.text.length, 0);
  const charWidth = Math.max(1e-6, real.reduce((n, w) => n + w.w, 0) / letters);
  // Word boxes of lower-case words are short: the gap that starts a new cell is measured against
  // the tallest boxes (capitals, the line height) and the width of a letter.
  const height = median(real.map((w) => w.h).filter((h, _, all) => h >= median(all))) ||
    charWidth * 2;
  const gapLimit = Math.max(height * 0.9, charWidth * 1.8);
  const out: string[] = [];
  for (const line of wordLines(real)) {
    let text = "";
    let end = -Infinity;
    let prev: Word | undefined;
    for (const word of line) {
      const gap = word.x - end;
      if (!text) text = " ".repeat(Math.max(0, Math.round(word.x / charWidth)));
      else if (gap > Math.max(gapLimit, localGap(prev!, word))) {
        const column = Math.round(word.x / charWidth);
        text = text.trimEnd();
        text += " ".repeat(Math.max(3, column - text.length));
      } else text += " ";
      text += word.text.trim();
      end = word.x + word.w;
      prev = word;
    }
    out.push(text.trimEnd());
  }
  return out.join("\n");
}
