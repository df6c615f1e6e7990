/**
 * @module routes/help
 * The help center: `/help` lists the articles (docs/help/) and searches them with `?q=`;
 * `/help/<slug>` shows one, both in the request's language (an article not translated yet in
 * English, saying so). A signed-in member reads it inside the app; anyone else (before signing up,
 * or on a workspace's sign-in page) reads it in the public frame: it holds no data.
 */
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import type { AppContext, AppEnv } from "../http/env.ts";
import { renderApp, renderPublic } from "../http/page.tsx";
import { NotFoundError } from "../domain/errors.ts";
import { type HelpArticle, helpArticles, searchHelp } from "../help/articles.ts";
import { MarkdownBlocks, renderCodeMarks } from "../help/markdown.tsx";
import { builtInWords, words } from "../customization/terms.ts";
import { languageOf, tOf } from "../i18n/middleware.ts";
import { useT } from "../components/Words.tsx";

const app = new Hono<AppEnv>();

/** Says, to a reader of another language, that this article is not translated yet. */
function EnglishOnly(props: { c: AppContext; article: HelpArticle }) {
  return props.article.language === languageOf(props.c)
    ? null
    : <p class="muted" lang={languageOf(props.c)}>{tOf(props.c)("help_page.english_only")}</p>;
}

/** The workspace's words for a signed-in member; the built-in ones elsewhere. */
function wordsOf(c: AppContext): (text: string) => string {
  const config = c.get("auth") ? c.get("configuration")?.document : undefined;
  return (text) => words(config, text);
}

function render(c: AppContext, title: string, body: ComponentChildren, status = 200) {
  return c.get("site") === "tenant" && c.get("auth")
    ? renderApp(c, title, body, status)
    : renderPublic(c, title, body, status);
}

function SearchForm(props: { q: string }) {
  const t = useT();
  return (
    <form
      method="get"
      action="/help"
      class="filters"
      role="search"
      aria-label={t("help_page.search")}
    >
      <div class="field grow">
        <label for="help-q">{t("help_page.search")}</label>
        <input
          type="search"
          id="help-q"
          name="q"
          value={props.q}
          placeholder={t("help_page.placeholder")}
        />
      </div>
      <div class="filter-actions">
        <button class="button primary" type="submit">{t("help_page.search_button")}</button>
      </div>
    </form>
  );
}

/**
 * An article's title in the reader's language: its own heading, in English in the workspace's
 * words; for an article not translated yet, the catalogue's `help_title.<slug>`.
 */
function titleOf(c: AppContext, article: HelpArticle): string {
  if (languageOf(c) === "en") return wordsOf(c)(article.title);
  if (article.language === languageOf(c)) return article.title;
  const key = `help_title.${article.slug}`;
  const text = tOf(c)(key);
  return text === key ? article.title : text;
}

/** Articles with their summary or snippet; English ones in the workspace's words. */
function ArticleList(props: {
  items: Array<{ article: HelpArticle; text: string }>;
  words: (text: string) => string;
  title: (article: HelpArticle) => string;
}) {
  return (
    <ul class="help-list">
      {props.items.map(({ article, text }) => (
        <li key={article.slug}>
          <a href={`/help/${article.slug}`}>{props.title(article)}</a>
          <p class="muted" lang={article.language}>
            {renderCodeMarks(text, article.language === "en" ? props.words : undefined)}
          </p>
        </li>
      ))}
    </ul>
  );
}

app.get("/help", async (c) => {
  const articles = await helpArticles(languageOf(c));
  const q = (c.req.query("q") ?? "").slice(0, 200).trim();
  if (!q) {
    const t = tOf(c);
    return render(
      c,
      t("help_page.title"),
      <>
        <h1>{t("help_page.title")}</h1>
        <SearchForm q="" />
        <section class="card" aria-labelledby="help-all">
          <h2 id="help-all">{t("help_page.all")}</h2>
          <ArticleList
            items={articles.map((article) => ({ article, text: article.summary }))}
            words={wordsOf(c)}
            title={(article) => titleOf(c, article)}
          />
        </section>
      </>,
    );
  }
  // A renamed record type is searched by its built-in name too ("packer" finds "supplier").
  const config = c.get("auth") ? c.get("configuration")?.document : undefined;
  const hits = searchHelp(articles, builtInWords(config, q));
  const t = tOf(c);
  return render(
    c,
    t("help_page.title_q", { q }),
    <>
      <h1>{t("help_page.title")}</h1>
      <SearchForm q={q} />
      <section class="card" aria-labelledby="help-results">
        <h2 id="help-results">
          {hits.length
            ? t("help_page.found", { count: hits.length, q })
            : t("help_page.none", { q })}
        </h2>
        {hits.length
          ? (
            <ArticleList
              items={hits.map((h) => ({ article: h.article, text: h.snippet }))}
              words={wordsOf(c)}
              title={(article) => titleOf(c, article)}
            />
          )
          : (
            <p>
              {t("help_page.try_fewer")} <a href="/help">{t("help_page.browse")}</a>.
            </p>
          )}
      </section>
    </>,
  );
});

app.get("/help/:slug", async (c) => {
  const articles = await helpArticles(languageOf(c));
  const index = articles.findIndex((a) => a.slug === c.req.param("slug"));
  const article = articles[index];
  if (!article) throw new NotFoundError(tOf(c)("help_page.no_article"));
  const previous = articles[index - 1];
  const next = articles[index + 1];
  return render(
    c,
    titleOf(c, article),
    <>
      <p class="breadcrumb">
        <a href="/help">{tOf(c)("help_page.title")}</a>
      </p>
      <EnglishOnly c={c} article={article} />
      <article class="card help-article" lang={article.language}>
        <h1>{titleOf(c, article)}</h1>
        <MarkdownBlocks blocks={article.blocks} />
      </article>
      <nav class="help-pager" aria-label={tOf(c)("help_page.more")}>
        {previous ? <a href={`/help/${previous.slug}`}>← {titleOf(c, previous)}</a> : <span />}
        {next ? <a href={`/help/${next.slug}`}>{titleOf(c, next)} →</a> : <span />}
      </nav>
    </>,
  );
});

export default app;
