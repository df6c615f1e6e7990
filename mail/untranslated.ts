/**
 * @module mail/untranslated
 * For tests of mail in another language: the English left in a message. The idea of
 * i18n/spanish_pages_test.ts applied to plain text: a line equal to an English catalogue message
 * whose Spanish differs is untranslated; and the same mail composed in English must share no
 * fixed line with it (values such as names, numbers and links are equal in both and skipped).
 */
import { CATALOGUES } from "../i18n/mod.ts";

/** English catalogue texts that read differently in Spanish (a text equal in both is fine). */
const ENGLISH_ONLY = new Set(
  Object.entries(CATALOGUES.en)
    .filter(([key, text]) => !text.includes("{") && CATALOGUES.es[key] !== text)
    .map(([, text]) => text.trim()),
);

/** A line with words in it, not only a value (an address, a number, an amount, a link). */
function hasWords(line: string): boolean {
  return /[A-Za-z]{3,}/.test(line.replace(/https?:\/\/\S+/g, "").replace(/\S+@\S+/g, ""));
}

/**
 * The lines of `spanish` (a subject or a body) that are English: catalogue messages left
 * untranslated, and fixed lines the English composition of the same mail (`english`) also has.
 * `values` are texts that are the same in every language (a company's or a person's name).
 */
export function englishLeftIn(
  spanish: string,
  english: string,
  values: readonly string[] = [],
): string[] {
  const strip = (line: string) => values.reduce((l, v) => l.split(v).join(""), line).trim();
  const englishLines = new Set(english.split("\n").map(strip).filter(hasWords));
  const out = new Set<string>();
  for (const raw of spanish.split("\n")) {
    const line = raw.trim();
    if (ENGLISH_ONLY.has(line)) out.add(line);
    const bare = strip(raw);
    if (hasWords(bare) && englishLines.has(bare)) out.add(line);
  }
  return [...out];
}
