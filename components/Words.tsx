/**
 * @module components/Words
 * The tenant's words while a page renders: `renderApp` provides the resolver of
 * customization/terms.ts (record type renames and reworded phrases) through a context, and
 * server components write fixed phrases as `<T>Export CSV</T>`, so a phrase a tenant rewords in
 * `terminology.phrases` changes on every page without each page passing the configuration down.
 * Outside a workspace page (public pages, e-mails) the phrase is written as it is.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";

/** The resolver of the page being rendered: built-in text in, the tenant's text out. */
export const WordsContext = createContext<(text: string) => string>((text) => text);

/** The current page's resolver, for attributes and computed text. */
export function useWords(): (text: string) => string {
  return useContext(WordsContext);
}

/** A fixed phrase of the interface, in the tenant's words. */
export function T(props: { children: string }) {
  return <>{useWords()(props.children)}</>;
}
