/**
 * @module components/records/ListPager
 * What a record list shows around its rows (issue 17): how many records match in all, page
 * numbers (a window around the current page, with the first and last), the stable "Next page"
 * cursor for reading on, and the user's saved views (a named filter, search and sort), kept per
 * user. Plain links and forms: they work without JavaScript.
 */
import { CsrfInput } from "../Form.tsx";
import { useLanguage, useT } from "../Words.tsx";

export interface SavedView {
  name: string;
  /** The list's query string, without cursor or page. */
  query: string;
}

function href(base: string, params: Record<string, string>): string {
  const qs = new URLSearchParams(params).toString();
  return qs ? `${base}?${qs}` : base;
}

/** "123 purchase orders", page links and the next-page cursor. */
export function ListPager(
  props: {
    base: string;
    plural: string;
    total: number;
    limit: number;
    /** The page shown, when known (null when reached by a cursor). */
    page: number | null;
    /** The list's query without cursor and page. */
    params: Record<string, string>;
    nextCursor: string | null;
    onFirstPage: boolean;
  },
) {
  const t = useT();
  const language = useLanguage();
  const pages = Math.max(1, Math.ceil(props.total / props.limit));
  const current = props.page;
  const shown = new Set<number>([1, pages]);
  const middle = current ?? 1;
  for (let p = middle - 2; p <= middle + 2; p++) if (p >= 1 && p <= pages) shown.add(p);
  const numbers = [...shown].sort((a, b) => a - b);
  return (
    <nav class="pager" aria-label={t("list.pages")}>
      <p class="list-count">
        <strong>{props.total.toLocaleString(language === "es" ? "es-US" : "en-US")}</strong>{" "}
        {props.plural.toLowerCase()}
        {pages > 1 && current ? t("list.page_of", { page: current, pages }) : ""}
      </p>
      {pages > 1
        ? (
          <ul class="page-numbers">
            {numbers.map((p, i) => (
              <li key={p}>
                {i > 0 && p - numbers[i - 1]! > 1 ? <span aria-hidden="true">…</span> : null}
                {p === current
                  ? <span class="button small primary" aria-current="page">{p}</span>
                  : (
                    <a
                      class="button small secondary"
                      href={href(
                        props.base,
                        p === 1 ? props.params : { ...props.params, page: String(p) },
                      )}
                      aria-label={t("list.page", { page: p })}
                    >
                      {p}
                    </a>
                  )}
              </li>
            ))}
          </ul>
        )
        : null}
      {!props.onFirstPage && !current
        ? (
          <a class="button secondary" href={href(props.base, props.params)}>
            {t("list.first_page")}
          </a>
        )
        : null}
      {props.nextCursor
        ? (
          <a
            class="button secondary"
            rel="next"
            href={current
              ? href(props.base, { ...props.params, page: String(current + 1) })
              : href(props.base, { ...props.params, cursor: props.nextCursor })}
          >
            {t("list.next_page")}
          </a>
        )
        : null}
    </nav>
  );
}

/** The user's saved views of this list, and a form to save the current one. */
export function SavedViews(
  props: { base: string; views: SavedView[]; current: string; csrf: string },
) {
  const t = useT();
  return (
    <details class="saved-views" open={props.views.length > 0 ? true : undefined}>
      <summary>{t("list.saved_views")}</summary>
      {props.views.length
        ? (
          <ul>
            {props.views.map((v) => (
              <li key={v.name}>
                <a
                  href={v.query ? `${props.base}?${v.query}` : props.base}
                  aria-current={v.query === props.current ? "page" : undefined}
                >
                  {v.name}
                </a>{" "}
                <form method="post" action={`${props.base}/views`} class="inline">
                  <CsrfInput token={props.csrf} />
                  <input type="hidden" name="delete" value={v.name} />
                  <button
                    class="button small secondary"
                    type="submit"
                    aria-label={t("list.remove_view", { name: v.name })}
                  >
                    ×
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )
        : null}
      <form method="post" action={`${props.base}/views`} class="inline-search">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="query" value={props.current} />
        <label for="view-name">{t("list.save_view_as")}</label>
        <input id="view-name" name="name" maxLength={60} required />
        <button class="button small secondary" type="submit">{t("list.save_view")}</button>
      </form>
    </details>
  );
}

/** Saved views as stored in a preference (JSON), ignoring anything malformed. */
export function parseViews(stored: string | null): SavedView[] {
  try {
    const parsed = JSON.parse(stored ?? "[]");
    return Array.isArray(parsed)
      ? parsed.filter((v) => typeof v?.name === "string" && typeof v?.query === "string")
      : [];
  } catch {
    return [];
  }
}
