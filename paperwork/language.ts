/**
 * @module paperwork/language
 * A document's fixed labels in the language of the party it is for (a customer's or carrier's
 * `language`, mail/language.ts). Every heading and label a document prints already goes through
 * its `Words` (paperwork/layout.ts), so the language is one more `Words`: the English label looked
 * up among the `paper.*` messages of the catalogue (whose English text is the label), then the
 * titles with their number ("Invoice INV-1", "…, continued") and the page numbers. Values (names,
 * numbers, amounts) are never touched. A workspace's own rename wins, as on its pages.
 */
import { CATALOGUES, type Language, translator } from "../i18n/mod.ts";
import { messageInWords } from "../customization/terms.ts";
import type { Configuration } from "../customization/document/schema.ts";
import type { Words } from "./layout.ts";

let byEnglish: Map<string, string> | null = null;

/** The `paper.*` key of an English label, case-insensitive ("INVOICE" is "Invoice"). */
function keyOf(text: string): string | undefined {
  byEnglish ??= new Map(
    Object.entries(CATALOGUES.en).filter(([key]) => key.startsWith("paper.")).map((
      [key, english],
    ) => [english.toLowerCase(), key]),
  );
  return byEnglish.get(text.toLowerCase());
}

/**
 * The `Words` a document is drawn with for a reader of `language`: the workspace's words first
 * (a label it renamed stays as it wrote it), then the translation of the built-in label. With the
 * workspace's `config`, a sentence naming a record type it renamed ("…acepta esta carga…") is
 * written from its `.renamed` message with the workspace's name for that language
 * (`messageInWords`): "…acepta este envío…".
 */
export function paperWords(
  language: Language,
  words: Words = (text) => text,
  config?: Configuration | null,
): Words {
  if (language === "en") return words;
  const t = translator(language);
  const translate = (text: string): string => {
    const named = words(text);
    const key = keyOf(text);
    // A label the workspace named anew wins; a built-in word renamed inside a longer label or
    // sentence ("Shipment number", "…accepts this shipment…") is English rewording, and the
    // translation reads as translated, as on its pages (docs/languages.md).
    if (named !== text && !(key && sharesWord(text, named))) return named;
    if (key && config && CATALOGUES[language][`${key}.renamed`] !== undefined) {
      return messageInWords(config, language, key);
    }
    if (key) return t(key);
    const page = /^Page (\d+) of (\d+)$/.exec(text);
    if (page) return t("paper.page_of", { page: Number(page[1]), count: Number(page[2]) });
    const continued = /^(.+), continued$/.exec(text);
    if (continued) return t("paper.continued", { title: translate(continued[1]!) });
    const numbered = /^(.+) (\S+)$/.exec(text);
    if (numbered && keyOf(numbered[1]!)) return `${translate(numbered[1]!)} ${numbered[2]}`;
    return text;
  };
  return translate;
}

/** Whether two labels have a word in common (a rename of some of its words, not all). */
function sharesWord(a: string, b: string): boolean {
  const words = new Set(a.toLowerCase().match(/\p{L}+/gu) ?? []);
  return (b.toLowerCase().match(/\p{L}+/gu) ?? []).some((w) => words.has(w));
}
