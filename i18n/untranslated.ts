/**
 * @module i18n/untranslated
 * Finds English left in a page rendered for a Spanish reader: every text node and every
 * label-like attribute (aria-label, placeholder, title, alt) is compared with the English
 * catalogue, and a text equal to an English message whose Spanish differs is untranslated. Used
 * by the Spanish page test (i18n/spanish_pages_test.ts) and the Spanish browser flow
 * (tests/e2e/spanish_flow_test.ts).
 */
import { CATALOGUES, LANGUAGE_NAMES } from "./mod.ts";

/**
 * English catalogue texts that read differently in Spanish (a text equal in both is fine). A
 * language's name in itself ("English" in the language picker) is written so on purpose.
 */
const ENGLISH_ONLY = new Set(
  Object.entries(CATALOGUES.en)
    .filter(([key, text]) => !text.includes("{") && CATALOGUES.es[key] !== text)
    .map(([, text]) => text)
    .filter((text) => !Object.values(LANGUAGE_NAMES).includes(text)),
);

function decode(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&");
}

/**
 * The visible text nodes and the attributes a person reads or hears, trimmed. An option (or a
 * checkbox choice) whose text is its value is a value of the workspace's option lists (Settings →
 * Option lists): the workspace's data, in the words it chose, not interface text.
 */
export function readableTexts(html: string): string[] {
  const body = html.replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<option value="([^"]*)"[^>]*>\1<\/option>/g, "")
    .replace(/<input type="checkbox"[^>]*? value="([^"]*)"[^>]*>\s*\1<\/label>/g, "");
  const out: string[] = [];
  for (const part of body.split(/<[^>]*>/)) {
    const text = decode(part).trim();
    if (text) out.push(text);
  }
  for (const m of body.matchAll(/\s(?:aria-label|placeholder|title|alt)="([^"]*)"/g)) {
    const text = decode(m[1]!).trim();
    if (text) out.push(text);
  }
  return out;
}

/** The texts of a page that are English catalogue messages left untranslated. */
export function untranslated(html: string): string[] {
  return [...new Set(readableTexts(html).filter((text) => ENGLISH_ONLY.has(text)))];
}
