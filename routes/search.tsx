/**
 * @module routes/search
 * The global search page: one query across every record (numbers, names, MC, DOT and EST
 * numbers, contacts), answered from the tenant's full-text index.
 */
import { Hono } from "hono";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import { searchAll, snippetParts } from "../domain/records/search.ts";
import { recordType } from "../domain/catalog.ts";
import { label } from "../customization/terms.ts";

const app = new Hono<AppEnv>();
app.use("/search", memberPage());

app.get("/search", async (c) => {
  const q = (c.req.query("q") ?? "").trim().slice(0, 200);
  const hits = q ? await searchAll(tenantOf(c).db, q, 50) : [];
  return renderApp(
    c,
    q ? `Search: ${q}` : "Search",
    <>
      <h1>Search</h1>
      <form
        method="get"
        action="/search"
        class="global-search"
        role="search"
        aria-label="Search page"
      >
        <label for="search-q" class="visually-hidden">Search everything</label>
        <input
          id="search-q"
          type="search"
          name="q"
          value={q}
          placeholder="PO-10001, EST 245, MC 123456, a name…"
        />
        <button class="button primary" type="submit">Search</button>
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
                  <span class="muted">
                    {h.subtitle ||
                      (recordType(h.collection)
                        ? label(c.get("configuration")?.document, h.collection)
                        : "")}
                  </span>
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
          : <p class="empty-state">Nothing matches “{q}”.</p>
        : <p class="muted">Type a number, a name, an EST, MC or DOT number.</p>}
    </>,
  );
});

export default app;
