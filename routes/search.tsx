/**
 * @module routes/search
 * The global search page: one query across every record (numbers, names, MC, DOT and EST
 * numbers, contacts), answered from the tenant's full-text index.
 */
import { Hono } from "hono";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import {
  searchAll,
  shownSubtitle,
  snippetParts,
  titlesFromFormats,
  withShownTitles,
} from "../domain/records/search.ts";
import { recordTitle } from "../domain/records/repository.ts";
import { loadFormatSettings } from "../domain/format.ts";
import { formatsFor } from "../i18n/mod.ts";
import { recordType } from "../domain/catalog.ts";
import { recordTypeFor, recordTypeIn } from "../customization/terms.ts";
import { languageOf, tOf } from "../i18n/middleware.ts";

const app = new Hono<AppEnv>();
app.use("/search", memberPage());

app.get("/search", async (c) => {
  const q = (c.req.query("q") ?? "").trim().slice(0, 200);
  const db = tenantOf(c).db;
  const config = c.get("configuration")?.document;
  // A payment's title (amount and date) in the reader's language and the workspace's formats.
  const found = q ? await searchAll(db, q, 50) : [];
  const format = titlesFromFormats(found)
    ? formatsFor(await loadFormatSettings(db, config?.formats), languageOf(c))
    : null;
  const hits = format
    ? await withShownTitles(db, found, (def, row) => recordTitle(def, row, format))
    : found;
  const t = tOf(c);
  // A hit's type as the reader names it: the workspace's name in their language, else translated.
  const subtitle = (h: { collection: string; subtitle: string }) => {
    const def = recordType(h.collection);
    return def
      ? shownSubtitle(
        h.subtitle,
        [def.singular, recordTypeFor(config, def).singular],
        recordTypeIn(config, def, languageOf(c)).singular,
      )
      : h.subtitle;
  };
  return renderApp(
    c,
    q ? t("search.title_q", { q }) : t("search.title"),
    <>
      <h1>{t("search.title")}</h1>
      <form
        method="get"
        action="/search"
        class="global-search"
        role="search"
        aria-label={t("search.page")}
      >
        <label for="search-q" class="visually-hidden">{t("search.everything")}</label>
        <input
          id="search-q"
          type="search"
          name="q"
          value={q}
          placeholder={t("search.placeholder")}
        />
        <button class="button primary" type="submit">{t("search.title")}</button>
      </form>
      {q
        ? hits.length
          ? (
            <ol class="search-results">
              {hits.map((h) => (
                <li key={h.id}>
                  <a href={`/${h.collection}/${h.id}`}>
                    <strong>{h.title}</strong>
                  </a>{" "}
                  <span class="muted">{subtitle(h)}</span>
                  <br />
                  <small class="muted snippet">
                    {snippetParts(h).map((part, i) =>
                      part.match ? <mark key={i}>{part.text}</mark> : part.text
                    )}
                  </small>
                </li>
              ))}
            </ol>
          )
          : <p class="empty-state">{t("search.nothing", { q })}</p>
        : <p class="muted">{t("search.hint")}</p>}
    </>,
  );
});

export default app;
