import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { helpArticles } from "../help/articles.ts";
import { untranslated } from "../i18n/untranslated.ts";

Deno.test("help center: articles listed, searched and shown, in the app and before signing in", async () => {
  const server = await startTestServer();
  try {
    const articles = await helpArticles();
    assert.ok(articles.length >= 10, "the knowledge base ships with its articles");
    const apex = await server.fetch("localhost", "/help");
    assert.equal(apex.status, 200);
    const list = await apex.text();
    for (const a of articles) assert.ok(list.includes(`<a href="/help/${a.slug}">`), a.slug);
    assert.match(list, /class="public"/);

    const search = await (await server.fetch("localhost", "/help?q=credit+hold")).text();
    assert.match(search, /articles? about “credit hold”/);
    assert.match(search, /href="\/help\/03_purchase_and_sales_orders"/);
    const none = await (await server.fetch("localhost", "/help?q=zeppelin")).text();
    assert.match(none, /No article mentions “zeppelin”/);

    const article = await server.fetch("localhost", "/help/04_loads");
    const html = await article.text();
    assert.equal(article.status, 200);
    assert.match(html, /<h1>Loads<\/h1>/);
    assert.match(html, /<title>Loads<\/title>/);
    assert.doesNotMatch(html, /<script(?! type="module" nonce)/);
    assert.equal((await server.fetch("localhost", "/help/nope")).status, 404);
    assert.equal((await server.fetch("localhost", "/help/..%2Fpasswd")).status, 404);

    // A member reads it inside the app, with Help marked in the navigation.
    const tenant = await signUpTenant(server);
    const inApp = await (await server.fetch(tenant.host, "/help/04_loads", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    })).text();
    assert.match(inApp, /<a href="\/help" aria-current="page">Help<\/a>/);
    assert.match(inApp, /<title>Loads · /);
    const signedOut = await (await server.fetch(tenant.host, "/help")).text();
    assert.match(signedOut, /class="public"/);
  } finally {
    await server.close();
  }
});

Deno.test("help articles: every link to another article leads to one that exists", async () => {
  const articles = await helpArticles();
  const slugs = new Set(articles.map((a) => a.slug));
  const broken: string[] = [];
  for (const a of articles) {
    const source = a.blocks.map((b) => "text" in b ? b.text : JSON.stringify(b)).join("\n");
    for (const m of source.matchAll(/\]\(\/help\/([^)#\s]+)/g)) {
      if (!slugs.has(m[1]!)) broken.push(`${a.slug} -> ${m[1]}`);
    }
    assert.ok(a.summary.length > 20, `${a.slug} has a summary line`);
  }
  assert.deepEqual(broken, []);
});

Deno.test("help center in Spanish: the article, its title and the search are the Spanish ones", async () => {
  const server = await startTestServer();
  try {
    const spanish = { headers: { "accept-language": "es-MX,es;q=0.9" } };
    const article = await server.fetch("localhost", "/help/04_loads", spanish);
    const html = await article.text();
    assert.equal(article.status, 200);
    assert.match(html, /<title>Cargas<\/title>/);
    assert.match(html, /<article class="card help-article" lang="es"><h1>Cargas<\/h1>/);
    assert.doesNotMatch(html, /<h1>Loads<\/h1>/);
    // Translated: no line saying the article is shown in English.
    assert.doesNotMatch(html, /aún no está traducido/);

    // A Spanish word, typed without its accent, finds the Spanish article.
    const search = await (await server.fetch("localhost", "/help?q=facturacion", spanish)).text();
    assert.match(search, /artículos? sobre “facturacion”/);
    assert.match(search, /<a href="\/help\/10_plans_and_billing">Planes y facturación<\/a>/);
    // The English reader searches the English articles, where a Spanish-only word is not.
    const claims = await (await server.fetch("localhost", "/help?q=reclamacion", spanish)).text();
    assert.match(claims, /href="\/help\/05_invoices_payments_and_claims"/);
    const english = await (await server.fetch("localhost", "/help?q=reclamacion")).text();
    assert.match(english, /No article mentions “reclamacion”/);
    assert.match(
      await (await server.fetch("localhost", "/help/04_loads")).text(),
      /lang="en"><h1>Loads<\/h1>/,
    );

    // Every article reads Spanish: no English catalogue text left in the page around it or in it
    // (code is left out: keys, API names and a CSV file's column names are written as they are).
    const left: string[] = [];
    for (const a of await helpArticles("es")) {
      assert.equal(a.language, "es", `${a.slug} is translated`);
      const page = await (await server.fetch("localhost", `/help/${a.slug}`, spanish)).text();
      assert.match(page, /<html lang="es"/);
      const prose = page.replace(/<code>[\s\S]*?<\/code>/g, "").replace(
        /<pre>[\s\S]*?<\/pre>/g,
        "",
      );
      for (const text of untranslated(prose)) left.push(`${a.slug}: ${text}`);
    }
    assert.deepEqual(left, []);
  } finally {
    await server.close();
  }
});
