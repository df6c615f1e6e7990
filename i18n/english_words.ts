/**
 * @module i18n/english_words
 * Finds English words in text written for a Spanish reader: a stricter check than
 * i18n/untranslated.ts, which finds only whole catalogue messages. The words are those the
 * English catalogue writes and the Spanish one never does ("delivered", "invoice", "to"), so a
 * sentence built from pieces, a label with an English word inside, or a renamed record type's
 * English name left in a Spanish sentence is found too. Values are the caller's to remove first
 * (the workspace's data: names, numbers, the custom fields it labelled itself).
 */
import { IntlMessageFormat } from "intl-messageformat";
import { CATALOGUES, type Language } from "./mod.ts";

type Node = { type: number; value?: string; options?: Record<string, { value: Node[] }> };

/** The literal text of an ICU message, without its arguments and select or plural keys. */
function literalText(source: string, language: Language): string {
  const out: string[] = [];
  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.type === 0 && node.value !== undefined) out.push(node.value);
      for (const option of Object.values(node.options ?? {})) visit(option.value);
    }
  };
  try {
    visit(new IntlMessageFormat(source, language).getAst() as unknown as Node[]);
  } catch {
    out.push(source);
  }
  return out.join(" ");
}

/** The words of a text, lower case (letters only, so "customer's" gives "customer" and "s"). */
export function wordsOf(text: string): string[] {
  return [...text.toLowerCase().matchAll(/\p{L}+/gu)].map((m) => m[0]);
}

function catalogueWords(language: Language): Set<string> {
  const out = new Set<string>();
  for (const source of Object.values(CATALOGUES[language])) {
    for (const word of wordsOf(literalText(source, language))) out.add(word);
  }
  return out;
}

let englishOnly: Set<string> | null = null;

/** Words of two letters or more that the English catalogue uses and the Spanish one never does. */
export function englishOnlyWords(): Set<string> {
  if (englishOnly) return englishOnly;
  const spanish = catalogueWords("es");
  englishOnly = new Set(
    [...catalogueWords("en")].filter((word) => word.length >= 2 && !spanish.has(word)),
  );
  return englishOnly;
}

/**
 * The English words of a text shown to a Spanish reader, once every value in `values` (the
 * workspace's own data) is taken out of it; e-mail addresses and links are values too.
 */
export function englishWordsIn(text: string, values: readonly string[] = []): string[] {
  // JSON (a configuration's history) is data, in the API's words.
  if (/^\s*[\[{]/.test(text)) return [];
  // A time zone's name (America/New York) and a list of API names (a CSV file's columns).
  if (/^[A-Z][a-z]+\/\S/.test(text) || /^[a-z_]+(?:, [a-z_]+)+$/.test(text)) return [];
  let rest = text.replace(/https?:\/\/\S+/g, " ").replace(/\S+@\S+/g, " ");
  for (const value of values) if (value) rest = caseless(rest, value);
  rest = rest
    // Quoted text is quoted as written: a value, or a name that stays English on purpose.
    .replace(/"[^"]*"|“[^”]*”|«[^»]*»/g, " ")
    // Codes: API names, scopes, event types, paths, headers, time zones (purchase_orders:read,
    // invoice.overdue, /api/v1/loads, webhook-signature, America/New York) and acronyms.
    .replace(/[\p{L}\d-]*[._:\/][\p{L}\d._:\/-]*/gu, " ")
    .replace(/\b\p{Ll}+(?:-\p{Ll}+)+\b/gu, " ")
    .replace(/\b[A-Z]{2,}\b/g, " ")
    // Ids and numbers with letters in them (01m96w8zqp0be2…, 81/19, 2x).
    .replace(/[\p{L}\d]*\d[\p{L}\d]*/gu, " ");
  const english = englishOnlyWords();
  return [...new Set(wordsOf(rest).filter((word) => english.has(word) && !SPANISH_TOO.has(word)))];
}

/** Spanish words that the Spanish catalogue happens not to write but English does. */
const SPANISH_TOO = new Set(["sale"]);

/** `text` without any occurrence of `value` as whole words, ignoring case. */
function caseless(text: string, value: string): string {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`(?<![\\p{L}\\d])${escaped}(?![\\p{L}\\d])`, "giu"), " ");
}
