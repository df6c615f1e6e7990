/**
 * @module i18n
 * The message catalogue: every fixed text a user reads, one JSON file per language in
 * `i18n/messages/` (ICU message format: `{count, plural, one {# line} other {# lines}}`,
 * `{name}`), formatted by `intl-messageformat`. Pages get a `t(key, args)` for the request's
 * language (`http/page.tsx` puts it in a context, `components/Words.tsx` reads it); islands get
 * only the messages they name (`messagesFor`) and format them with i18n/format.ts. Pure.
 *
 * The language of a request: the member's saved choice, else the first supported language of
 * the browser's Accept-Language, else the workspace's default (its locale in Settings → Company),
 * else English (`chooseLanguage`). A key missing from a catalogue falls back to English and then
 * to the key itself, so a gap shows as text, never as an error page; the catalogue tests keep
 * gaps from being committed.
 */
import {
  formatMessage,
  isLanguage,
  type Language,
  type Messages,
  type Translate,
} from "./format.ts";
import assistantEn from "./messages/assistant.en.json" with { type: "json" };
import assistantEs from "./messages/assistant.es.json" with { type: "json" };
import en from "./messages/en.json" with { type: "json" };
import es from "./messages/es.json" with { type: "json" };
import mailEn from "./messages/mail.en.json" with { type: "json" };
import mailEs from "./messages/mail.es.json" with { type: "json" };
import moneyEn from "./messages/money.en.json" with { type: "json" };
import moneyEs from "./messages/money.es.json" with { type: "json" };
import pagesEn from "./messages/pages.en.json" with { type: "json" };
import pagesEs from "./messages/pages.es.json" with { type: "json" };
import readerEn from "./messages/reader.en.json" with { type: "json" };
import readerEs from "./messages/reader.es.json" with { type: "json" };
import serviceEn from "./messages/service.en.json" with { type: "json" };
import serviceEs from "./messages/service.es.json" with { type: "json" };

export {
  isLanguage,
  type Language,
  LANGUAGES,
  type MessageArgs,
  type Messages,
  type Translate,
  translatorOf,
} from "./format.ts";

/** Each language's name in itself, for the language picker. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", es: "Español" };

/**
 * The catalogues, by language: the core file plus one file per area (`mail.es.json`: e-mails and
 * notifications; `money.*`: payments, disputes and exchange; `pages.*`: settings, documents,
 * import, reports; `reader.*`: the document reader's warnings and reasons; `service.*`: plan
 * limits, alerts, outbound webhook descriptions and import problems), so that a change to one area touches one small file. A key belongs to
 * exactly one file (`joinAreas` refuses a key defined twice).
 */
export const CATALOGUES: Record<Language, Messages> = {
  en: joinAreas("en", [en, assistantEn, mailEn, moneyEn, pagesEn, readerEn, serviceEn]),
  es: joinAreas("es", [es, assistantEs, mailEs, moneyEs, pagesEs, readerEs, serviceEs]),
};

function joinAreas(language: Language, areas: readonly Messages[]): Messages {
  const out: Messages = {};
  for (const area of areas) {
    for (const [key, text] of Object.entries(area)) {
      if (key in out) throw new Error(`i18n: the ${language} key ${key} is defined twice`);
      out[key] = text;
    }
  }
  return out;
}

/** "es-MX" -> "es", "EN" -> "en"; null when the language is not one the interface speaks. */
export function languageOf(tag: unknown): Language | null {
  if (typeof tag !== "string") return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : null;
}

/** The supported languages of an Accept-Language header, in the browser's order of preference. */
export function acceptedLanguages(header: string | null | undefined): Language[] {
  if (!header) return [];
  const ranked = header.split(",").map((part, index) => {
    const [tag = "", ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    return { tag, q: q === undefined ? 1 : Number(q), index };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  const out: Language[] = [];
  for (const { tag } of ranked) {
    const language = languageOf(tag);
    if (language && !out.includes(language)) out.push(language);
  }
  return out;
}

/**
 * The language a request is answered in: the member's saved choice, the browser's, the
 * workspace's default (a locale such as "es-MX"), English.
 */
export function chooseLanguage(
  from: { saved?: unknown; acceptLanguage?: string | null; workspaceLocale?: unknown },
): Language {
  return (isLanguage(from.saved) ? from.saved : null) ??
    acceptedLanguages(from.acceptLanguage)[0] ?? languageOf(from.workspaceLocale) ?? "en";
}

/**
 * The locale numbers, money and dates are written in for a language: the workspace's own
 * locale when it is of that language (en-US, es-MX), otherwise the language's usual one for a
 * US broker's team (es-US: "$1,234.56", "6 dic 2026").
 */
export function formatLocaleFor(language: Language, workspaceLocale: string): string {
  return languageOf(workspaceLocale) === language
    ? workspaceLocale
    : language === "es"
    ? "es-US"
    : "en-US";
}

/** `t(key, args)` for a language, over the whole catalogue. */
export function translator(language: Language): Translate {
  const messages = CATALOGUES[language];
  return (key, args) => {
    const source = messages[key] ?? CATALOGUES.en[key];
    return source === undefined ? key : formatMessage(language, source, args);
  };
}

/** Only the named messages of a language, for an island's props (never the whole catalogue). */
export function messagesFor(language: Language, keys: readonly string[]): Messages {
  const out: Messages = {};
  for (const key of keys) {
    const text = CATALOGUES[language][key] ?? CATALOGUES.en[key];
    if (text !== undefined) out[key] = text;
  }
  return out;
}

/**
 * A workspace's format settings for a reader of `language`: the same currency and the
 * workspace's chosen date and number formats, in that language's locale (es: "6 dic 2026").
 */
export function formatsFor<T extends { locale: string }>(settings: T, language: Language): T {
  const locale = formatLocaleFor(language, settings.locale);
  return locale === settings.locale ? settings : { ...settings, locale };
}

/**
 * `t` as a workspace's reader sees it: a phrase the workspace reworded
 * (`terminology.phrases`, keyed by the built-in English text) wins in every language; in English
 * the renamed record types replace their built-in names as words too (customization/terms.ts).
 */
export function workspaceTranslator(
  language: Language,
  phrases: Readonly<Record<string, string>>,
  englishWords: (text: string) => string,
): Translate {
  const english = translator("en");
  const own = translator(language);
  return (key, args) => {
    const built = english(key, args);
    const reworded = phrases[built];
    if (reworded !== undefined) return reworded;
    return language === "en" ? englishWords(built) : own(key, args);
  };
}

/** The catalogue key of a built-in label of the record definitions: "PO number" -> "label.po_number". */
export function labelKey(label: string): string {
  return `label.${label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "")}`;
}

/**
 * A record type's or field's label in the reader's language: the built-in label translated, a
 * label the workspace renamed (customization/terms.ts) as the workspace wrote it, in every
 * language.
 */
export function shownLabel(t: Translate, builtIn: string, named: string = builtIn): string {
  if (named !== builtIn) return named;
  const key = labelKey(builtIn);
  const text = t(key);
  return text === key ? builtIn : text;
}

let phraseKeys: Map<string, string> | null = null;

/**
 * A fixed phrase written in English in a component (`<T>Export CSV</T>`, `useWords()("Details")`)
 * in the reader's language, through its `phrase.*` key; undefined when the catalogue has none.
 */
export function translatePhrase(language: Language, text: string): string | undefined {
  phraseKeys ??= new Map(
    Object.entries(CATALOGUES.en).filter(([key]) => key.startsWith("phrase.")).map((
      [key, english],
    ) => [english, key]),
  );
  const key = phraseKeys.get(text);
  return key === undefined ? undefined : CATALOGUES[language][key] ?? text;
}

/**
 * The words of a workspace page for a reader of `language`: a phrase the workspace reworded as it
 * wrote it, otherwise the catalogue's translation of the phrase, otherwise the workspace's
 * words (record type renames) over the English text.
 */
export function workspaceWords(
  language: Language,
  phrases: Readonly<Record<string, string>>,
  englishWords: (text: string) => string,
): (text: string) => string {
  if (language === "en") return englishWords;
  return (text) => phrases[text] ?? translatePhrase(language, text) ?? englishWords(text);
}

/** The catalogue key of a built-in field hint: the first 60 characters as a slug. */
export function hintKey(hint: string): string {
  const slug = hint.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
  return `hint.${slug.slice(0, 60).replace(/_+$/, "")}`;
}
