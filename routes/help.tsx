/**
 * @module routes/help
 * The help center: `/help` lists the articles (docs/help/) and searches them with `?q=`;
 * `/help/<slug>` shows one. A signed-in member reads it inside the app; anyone else (before
 * signing up, or on a workspace's sign-in page) reads it in the public frame: it holds no data.
 */
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import type { AppContext, AppEnv } from "../http/env.ts";
import { renderApp, renderPublic } from "../http/page.tsx";
import { NotFoundError } from "../domain/errors.ts";
import { type HelpArticle, helpArticles, searchHelp } from "../help/articles.ts";
import { MarkdownBlocks } from "../help/markdown.tsx";
import { builtInWords, words } from "../customization/terms.ts";

const app = new Hono<AppEnv>();

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
  return (
    <form method="get" action="/help" class="filters" role="search" aria-label="Search help">
      <div class="field grow">
        <label for="help-q">Search help</label>
        <input
          type="search"
          id="help-q"
          name="q"
          value={props.q}
          placeholder="Credit hold, BOL, invite…"
        />
      </div>
      <div class="filter-actions">
        <button class="button primary" type="submit">Search</button>
      </div>
    </form>
  );
}

function ArticleList(props: {
  items: Array<{ article: HelpArticle; text: string }>;
  words: (text: string) => string;
}) {
  return (
    <ul class="help-list">
      {props.items.map(({ article, text }) => (
        <li key={article.slug}>
          <a href={`/help/${article.slug}`}>{props.words(article.title)}</a>
          <p class="muted">{props.words(text)}</p>
        </li>
      ))}
    </ul>
  );
}

app.get("/help", async (c) => {
  const articles = await helpArticles();
  const q = (c.req.query("q") ?? "").slice(0, 200).trim();
  if (!q) {
    return render(
      c,
      "Help",
      <>
        <h1>Help</h1>
        <SearchForm q="" />
        <section class="card" aria-labelledby="help-all">
          <h2 id="help-all">All articles</h2>
          <ArticleList
            items={articles.map((article) => ({ article, text: article.summary }))}
            words={wordsOf(c)}
          />
        </section>
      </>,
    );
  }
  // A renamed record type is searched by its built-in name too ("packer" finds "supplier").
  const config = c.get("auth") ? c.get("configuration")?.document : undefined;
  const hits = searchHelp(articles, builtInWords(config, q));
  return render(
    c,
    `Help: ${q}`,
    <>
      <h1>Help</h1>
      <SearchForm q={q} />
      <section class="card" aria-labelledby="help-results">
        <h2 id="help-results">
          {hits.length
            ? `${hits.length} article${hits.length === 1 ? "" : "s"} about “${q}”`
            : `No article mentions “${q}”`}
        </h2>
        {hits.length
          ? (
            <ArticleList
              items={hits.map((h) => ({ article: h.article, text: h.snippet }))}
              words={wordsOf(c)}
            />
          )
          : (
            <p>
              Try fewer or other words, or <a href="/help">browse all articles</a>.
            </p>
          )}
      </section>
    </>,
  );
});

app.get("/help/:slug", async (c) => {
  const articles = await helpArticles();
  const index = articles.findIndex((a) => a.slug === c.req.param("slug"));
  const article = articles[index];
  if (!article) throw new NotFoundError("There is no help article at this address.");
  const previous = articles[index - 1];
  const next = articles[index + 1];
  return render(
    c,
    article.title,
    <>
      <p class="breadcrumb">
        <a href="/help">Help</a>
      </p>
      <article class="card help-article">
        <h1>{wordsOf(c)(article.title)}</h1>
        <MarkdownBlocks blocks={article.blocks} />
      </article>
      <nav class="help-pager" aria-label="More articles">
        {previous ? <a href={`/help/${previous.slug}`}>← {previous.title}</a> : <span />}
        {next ? <a href={`/help/${next.slug}`}>{next.title} →</a> : <span />}
      </nav>
    </>,
  );
});

export default app;
