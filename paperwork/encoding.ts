/**
 * @module paperwork/encoding
 * Text the standard PDF fonts can draw. They encode WinAnsi (Latin-1 plus a few typographic
 * marks) only, and pdf-lib throws on anything else, so every string passes through `encodable`.
 */
import type { PDFFont } from "pdf-lib";

/** Replacements for letters the standard fonts lack that have a plain Latin look-alike. */
const LOOKALIKE: Record<string, string> = {
  "Ł": "L",
  "ł": "l",
  "Đ": "D",
  "đ": "d",
  "Ħ": "H",
  "ħ": "h",
  "ı": "i",
  "\u2010": "-",
  "\u2011": "-",
  "\u2212": "-",
};

/** Emoji and their joiners and variation selectors: left out rather than printed as "?". */
const PICTOGRAPH =
  /^(\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\u20e3|[\ufe00-\ufe0f])$/u;

/**
 * Makes text drawable in a standard font (WinAnsi): tabs become spaces, letters outside the
 * font lose their accents or take a look-alike ("Łódź" -> "Lódz"), emoji are left out and
 * anything else becomes "?". Drawing a character outside the font would throw.
 */
export function encodable(font: PDFFont, text: string): string {
  const known = charsetOf(font);
  let out = "";
  for (const ch of text.replace(/\t/g, " ").replace(/[\r\n]+/g, " ")) {
    if (known.has(ch.codePointAt(0)!)) out += ch;
    else if (PICTOGRAPH.test(ch)) continue;
    else if (LOOKALIKE[ch]) out += LOOKALIKE[ch];
    else {
      const bare = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      out += bare && [...bare].every((c) => known.has(c.codePointAt(0)!)) ? bare : "?";
    }
  }
  return out;
}

const charsets = new WeakMap<PDFFont, Set<number>>();
function charsetOf(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) charsets.set(font, set = new Set(font.getCharacterSet()));
  return set;
}
