import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { helpArticles } from "../help/articles.ts";

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
