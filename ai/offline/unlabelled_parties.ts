/**
 * @module ai/offline/unlabelled_parties
 * Parties whose heading the vocabulary does not know (unlabelled.ts does the fields): a company's
 * name after an unknown heading ("<heading>: Heartland Beef Inc.", or under it) that is not the
 * workspace itself nor the letterhead, and a carrier's name beside or above its MC or DOT number,
 * which carries its own prefix. Headings the vocabulary knows name other parties (ship-to,
 * consignee, shipper) and are skipped. The caller gives these names confidence 0.6 and a warning.
 */
import type { Line } from "./layout.ts";
import { headerBand, labelLike } from "./unlabelled.ts";
import { cleanPartyName, findDot, findMc } from "./values.ts";
import { matchLabel } from "./vocabulary.ts";

const HEADED = /^([^:\d]{2,32}?)\s*:\s*(\S.*)$/;
const plain = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();

/** A company's name: two words or more, capitalised, no digits at its start. */
function companyName(text: string): string | null {
  const name = cleanPartyName(text.trim());
  if (!name || !/^[A-Z]/.test(name) || name.split(/\s+/).length < 2 || labelOnly(name)) return null;
  return name;
}
const labelOnly = (t: string) => matchLabel(t) !== null;

/**
 * A party's name under a heading the vocabulary does not know ("Packing House: Prairie Packing
 * Co.", or the heading alone with the name under it), other than `us` and `not`: the first such on
 * the page. Headings the vocabulary knows name other parties (ship-to, consignee) and are skipped.
 */
export function headedName(lines: Line[], not: Array<string | undefined>): string | null {
  const skip = new Set(not.filter(Boolean).map((n) => plain(n!)));
  const band = headerBand(lines);
  for (let i = 0; i < band.length; i++) {
    for (const cell of band[i]!.cells) {
      const m = HEADED.exec(cell.text.trim());
      let name: string | null = null;
      if (m && labelLike(m[1]!) && !matchLabel(m[1]!)) name = companyName(m[2]!);
      else if (/:\s*$/.test(cell.text) && labelLike(cell.text) && !matchLabel(cell.text)) {
        const under = band[i + 1]?.cells.find((c) => Math.abs(c.start - cell.start) <= 3);
        name = under ? companyName(under.text) : null;
      }
      if (name && !skip.has(plain(name))) return name;
    }
  }
  return null;
}

/** The carrier's name beside its MC or DOT number, or on the line above it (no carrier label). */
export function nameByMc(lines: Line[]): string | null {
  const band = headerBand(lines);
  const at = band.findIndex((l) => l.cells.some((c) => findMc(c.text) || findDot(c.text)));
  if (at < 0) return null;
  const nameIn = (text: string) => {
    const m = HEADED.exec(text.trim());
    if (m && matchLabel(m[1]!)) return null; // "Shipper: ..." names someone else
    return companyName(m ? m[2]! : text);
  };
  for (const cell of band[at]!.cells) {
    const name = findMc(cell.text) || findDot(cell.text) ? null : nameIn(cell.text);
    if (name) return name;
  }
  const above = band[at - 1]?.cells[0];
  return above ? nameIn(above.text) : null;
}
