import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

Deno.test("search page marks matches with <mark>, shows no brackets and escapes record text", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    await api.ok("POST", "/api/v1/suppliers", {
      name: "Brisket <b>Bros</b>",
      notes: "Ships brisket [PO] from Omaha",
    }, 201);
    const res = await server.fetch(tenant.host, "/search?q=brisket", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    const results = html.slice(html.indexOf('class="search-results"'), html.indexOf("</ol>"));
    assert.match(results, /<mark>Brisket<\/mark>/);
    assert.doesNotMatch(results, /\[Brisket\]/, "no literal highlight brackets");
    assert.doesNotMatch(results, /<b>Bros/, "record text is escaped, not markup");
    assert.match(results, /&lt;b>Bros|&lt;b&gt;Bros/);

    const json = await api.ok("GET", "/api/v1/search?q=brisket");
    const hit = json.data[0];
    assert.doesNotMatch(hit.snippet, /[\[\]\uE000\uE001]Brisket/, "the API snippet is plain text");
    const [start, end] = hit.highlights[0];
    assert.equal(hit.snippet.slice(start, end).toLowerCase(), "brisket");
  } finally {
    await server.close();
  }
});
