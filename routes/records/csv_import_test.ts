/**
 * CSV import's per-row problems in the reader's language (issue 17): the line and the column (its
 * API name, which the file may use in every language) are kept, the messages translated; nothing
 * is imported while a row has a problem.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import type { SignedUp } from "../../tests/helpers/server.ts";

async function preview(server: TestServer, t: SignedUp, text: string): Promise<Response> {
  const form = new FormData();
  form.append("_csrf", t.csrf);
  form.append("csv", text);
  const request = new Request("http://x/", { method: "POST", body: form });
  return await server.fetch(t.host, "/customers/import", {
    method: "POST",
    headers: {
      cookie: t.jar.header(t.host),
      "content-type": request.headers.get("content-type")!,
    },
    body: new Uint8Array(await request.arrayBuffer()),
  });
}

/** The preview's row for `line`: its problems cell as text. */
function problemsOf(html: string, line: number): string {
  const row = new RegExp(
    `<tr class="has-error"><td data-label="[^"]*">${line}</td>[\\s\\S]*?<span class="error">([^<]*)</span>`,
  ).exec(html);
  return row?.[1] ?? "";
}

Deno.test("a Spanish member's CSV preview names each bad row's line and column with the problem in Spanish; an English member reads English", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const csv = "name,email,language\nCarnes Sur,ventas@carnessur.example,es\n" +
      "Carnes Norte,no-es-correo,es\n,x@y.example,fr\n";

    const english = await preview(server, t, csv);
    assert.equal(english.status, 422);
    const englishHtml = await english.text();
    assert.match(problemsOf(englishHtml, 3), /^email: Enter a valid e-mail address\.$/);
    assert.match(problemsOf(englishHtml, 4), /name: .+; language: Choose one of: en, es\./);

    const saved = await server.fetch(t.host, "/settings/profile/language", {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: t.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);
    await saved.body?.cancel();

    const spanish = await preview(server, t, csv);
    assert.equal(spanish.status, 422);
    const html = await spanish.text();
    assert.equal(problemsOf(html, 3), "email: Escriba una dirección de correo válida.");
    const line4 = problemsOf(html, 4);
    assert.match(line4, /^name: .+; language: Elija uno de: en, es\.$/);
    assert.doesNotMatch(line4, /Required|Choose one of|Enter a valid/);
    assert.equal(problemsOf(html, 2), "", "a good row has no problem");

    // A refusal of the whole file is in Spanish too.
    const empty = await preview(server, t, "name,email\n");
    assert.equal(empty.status, 400);
    const emptyHtml = await empty.text();
    assert.match(
      emptyHtml,
      /El archivo necesita una fila de encabezado y al menos una fila\. No se importó nada\./,
    );
    assert.doesNotMatch(emptyHtml, /needs a header row/);

    const customers = await api.ok("GET", "/api/v1/customers?q=Carnes");
    assert.equal(customers.data.length, 0, "nothing was imported");
  } finally {
    await server.close();
  }
});
