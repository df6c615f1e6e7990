/**
 * @module components/Words
 * The words of the page being rendered. `renderApp` and `renderPublic` provide two things through
 * contexts: the request's language with its `t(key, args)` over the message catalogue (i18n/),
 * and the tenant's resolver of customization/terms.ts (record type renames and reworded
 * phrases). Server components write catalogue text as `t("nav.dashboard")` (`useT()`) and older
 * fixed phrases as `<T>Export CSV</T>`, so a phrase a tenant rewords in `terminology.phrases`
 * changes on every page without each page passing the configuration down.
 * Outside a page (e-mails, tests) `t` is English and a phrase is written as it is.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Language, type Translate, translator } from "../i18n/mod.ts";

/** The resolver of the page being rendered: built-in text in, the tenant's text out. */
export const WordsContext = createContext<(text: string) => string>((text) => text);

/** The page's language and its translator (tenant rewordings already applied). */
export const LanguageContext = createContext<{ language: Language; t: Translate }>({
  language: "en",
  t: translator("en"),
});

/** The current page's resolver, for attributes and computed text. */
export function useWords(): (text: string) => string {
  return useContext(WordsContext);
}

/** The current page's `t(key, args)` over the message catalogue. */
export function useT(): Translate {
  return useContext(LanguageContext).t;
}

/** The current page's language ("en", "es"). */
export function useLanguage(): Language {
  return useContext(LanguageContext).language;
}

/** A fixed phrase of the interface, in the tenant's words. */
export function T(props: { children: string }) {
  return <>{useWords()(props.children)}</>;
}
