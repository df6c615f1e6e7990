/**
 * The Spanish interface has no untranslated string: the main pages are rendered over real HTTP
 * for a member who chose Spanish in Settings → Profile (and, before signing in, for a browser
 * that asks for Spanish), and every text node and every label-like attribute is compared with the
 * English catalogue. A text that equals an English message whose Spanish differs is an
 * untranslated string, and the test names it with its page.
 *
 * Pages covered: SPANISH_PAGES (i18n/spanish_pages.ts) (the sign-in pages, the dashboard, the profile, and the
 * record lists, forms and detail pages of the flows).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { startWorker, uploadFile, waitForDocument } from "../tests/helpers/documents.ts";
import { corpus } from "../ai/fixtures/corpus.ts";
import { untranslated } from "./untranslated.ts";
import { SPANISH_PAGES, SPANISH_PUBLIC_PAGES } from "./spanish_pages.ts";

Deno.test("readableTexts() and untranslated() find an English message in text and attributes", () => {
  const html =
    '<nav aria-label="Sections"><a>Panel</a><b> Sign out </b><script>"Help"</script></nav>';
  assert.deepEqual(untranslated(html), ["Sign out", "Sections"]);
  assert.deepEqual(untranslated("<p>Cerrar sesión</p>"), []);
  // A checkbox choice whose text is its value is the workspace's data (an option-list value).
  const choice = '<label><input type="checkbox" name="p" value="Sign out"/> Sign out</label>';
  assert.deepEqual(untranslated(choice), []);
});

Deno.test("the main pages in Spanish have no untranslated string", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  const worker = startWorker(server);
  try {
    const owner = await signUpTenant(server);
    const api = await apiClient(server, owner);
    // A purchase order read into a draft, for the document review page.
    const po = corpus([1]).find((f) => f.name.startsWith("purchase-order-boxes"))!;
    const uploaded = await uploadFile(server, api, "po.pdf", await po.pdf());
    const document = await waitForDocument(api, uploaded.body.id);
    assert.equal(document.status, "review");
    const seeded = { ...await seedOneOfEach(api, "Lengua"), document };
    const failures: string[] = [];

    for (const [site, path] of SPANISH_PUBLIC_PAGES) {
      const res = await server.fetch(site === "apex" ? "localhost" : owner.host, path, {
        headers: { "accept-language": "es-MX,es;q=0.9,en;q=0.5" },
      });
      const html = await res.text();
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      assert.match(html, /<html lang="es">/, path);
      for (const text of untranslated(html)) failures.push(`${site} ${path}: "${text}"`);
    }

    // The member chooses Spanish in the profile; no Accept-Language from here on.
    const cookie = owner.jar.header(owner.host);
    const saved = await server.fetch(owner.host, "/settings/profile/language", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: owner.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);
    assert.match(await saved.text(), /Se guardó su idioma/);

    for (const [name, pathOf] of SPANISH_PAGES) {
      const path = pathOf(seeded);
      const res = await server.fetch(owner.host, path, { headers: { cookie } });
      const html = await res.text();
      assert.equal(res.status, 200, `${name} ${path}: ${res.status}`);
      assert.match(html, /<html lang="es">/, name);
      // Code is written as it is (API names, a CSV file's columns), as in the help articles.
      const shown = html.replace(/<code\b[^>]*>[\s\S]*?<\/code>/g, " ");
      for (const text of untranslated(shown)) failures.push(`${name} ${path}: "${text}"`);
    }
    // The CSV import's preview, with a row that has a problem and an ignored column.
    const csv = new FormData();
    csv.append("_csrf", owner.csrf);
    csv.append("csv", "name,colour\nEmpacadora Sur,rojo\n,azul\n");
    const csvRequest = new Request("http://x/", { method: "POST", body: csv });
    const preview = await server.fetch(owner.host, "/suppliers/import", {
      method: "POST",
      headers: { cookie, "content-type": csvRequest.headers.get("content-type")! },
      body: new Uint8Array(await csvRequest.arrayBuffer()),
    });
    const previewHtml = await preview.text();
    assert.equal(preview.status, 422);
    assert.match(previewHtml, /Columnas ignoradas: colour\./);
    for (const text of untranslated(previewHtml)) failures.push(`CSV preview: "${text}"`);
    assert.deepEqual(failures, []);

    // The same member's pages in English once they choose it: the check is not vacuous.
    await server.fetch(owner.host, "/settings/profile/language", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: owner.csrf, language: "en" }).toString(),
    });
    const english = await (await server.fetch(owner.host, "/", { headers: { cookie } })).text();
    assert.match(english, /<html lang="en">/);
    assert.ok(untranslated(english).length > 5, "English pages read as English");
  } finally {
    await worker.stop();
    await server.close();
  }
});
