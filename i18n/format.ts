/**
 * @module i18n/format
 * ICU messages formatted with `intl-messageformat`, compiled once per language and text. Apart
 * from the catalogues (i18n/mod.ts), so an island that imports it ships only the messages it was
 * handed, not every language's catalogue.
 */
import { IntlMessageFormat } from "intl-messageformat";

/** The languages the interface is written in, English first (the fallback). */
export const LANGUAGES = ["en", "es"] as const;
export type Language = typeof LANGUAGES[number];

export type Messages = Record<string, string>;
export type MessageArgs = Record<string, string | number | Date>;
/** Formats a catalogue key with its arguments in one language. */
export type Translate = (key: string, args?: MessageArgs) => string;

/** Whether a value names a supported language. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Compiled messages, by language and text. Bounded: texts include a workspace's own words (its
 * renamed record types, through customization/terms.ts), so every configuration version of every
 * workspace brought new ones, kept for the life of the process.
 */
const compiled = new Map<string, IntlMessageFormat>();
export const MAX_COMPILED = 5000;

/** How many compiled messages are kept (for tests). */
export function compiledMessages(): number {
  return compiled.size;
}

/** One ICU message with its arguments, numbers and plurals by the language's rules. */
export function formatMessage(language: Language, source: string, args?: MessageArgs): string {
  const id = `${language}|${source}`;
  let message = compiled.get(id);
  if (!message) {
    message = new IntlMessageFormat(source, language === "es" ? "es-US" : "en-US");
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(id, message);
  }
  const out = message.format(args);
  return Array.isArray(out) ? out.join("") : String(out);
}

/** `t(key, args)` over the messages an island was handed (i18n/mod.ts `messagesFor`). */
export function translatorOf(language: Language, messages: Messages): Translate {
  return (key, args) => {
    const source = messages[key];
    return source === undefined ? key : formatMessage(language, source, args);
  };
}
