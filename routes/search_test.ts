import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";

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

Deno.test("search results name each record type as the reader does: the workspace's Spanish names, its renames, the translation", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const put = await api.call("PUT", "/api/v1/config", {
      terminology: {
        record_types: {
          "purchase-orders": {
            singular: "Buy",
            plural: "Buys",
            languages: { es: { singular: "Compra", plural: "Compras", gender: "feminine" } },
          },
          carriers: { singular: "Hauler", plural: "Haulers" },
        },
      },
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Zafiro Packers" }, 201);
    await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-18",
      lines: [],
    }, 201);
    await api.ok("POST", "/api/v1/carriers", { name: "Zafiro Freight", mc_number: "771204" }, 201);
    await api.ok("POST", "/api/v1/customers", { name: "Zafiro Foods" }, 201);
    const cookie = tenant.jar.header(tenant.host);
    const results = async (language: string) => {
      const html = await (await server.fetch(tenant.host, "/search?q=zafiro", {
        headers: { cookie, "accept-language": language },
      })).text();
      return html.slice(html.indexOf('class="search-results"'), html.indexOf("</ol>"))
        .replace(/\s+/g, " ");
    };
    const spanish = await results("es");
    assert.match(spanish, /<span class="muted">Compra · Zafiro Packers<\/span>/);
    assert.match(spanish, /<span class="muted">Hauler · MC 771204<\/span>/);
    assert.match(spanish, /<span class="muted">Cliente<\/span>/);
    assert.match(spanish, /<span class="muted">Proveedor<\/span>/);
    assert.doesNotMatch(spanish, /Purchase order|Carrier|Customer|Supplier/);
    const english = await results("en");
    assert.match(english, /<span class="muted">Buy · Zafiro Packers<\/span>/);
    assert.match(english, /<span class="muted">Hauler · MC 771204<\/span>/);
    assert.match(english, /<span class="muted">Customer<\/span>/);

    // The palette's API answers a Spanish reader the same way; a token client reads English.
    const asSpanish = await server.fetch(tenant.host, "/api/v1/search?q=zafiro", {
      headers: { cookie, "accept-language": "es" },
    });
    const subtitles = (await asSpanish.json()).data.map((h: { subtitle: string }) => h.subtitle);
    assert.ok(subtitles.includes("Compra · Zafiro Packers"), subtitles.join(" | "));
    assert.ok(subtitles.includes("Cliente"), subtitles.join(" | "));
    const token = await api.ok("GET", "/api/v1/search?q=zafiro");
    const tokenSubtitles = token.data.map((h: { subtitle: string }) => h.subtitle);
    assert.ok(tokenSubtitles.includes("Buy · Zafiro Packers"), tokenSubtitles.join(" | "));
    assert.ok(tokenSubtitles.includes("Customer"), tokenSubtitles.join(" | "));
  } finally {
    await server.close();
  }
});

Deno.test("a payment's title in search results reads in the reader's language and the workspace's formats", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    await seedOneOfEach(api, "Opalo"); // the payment: Opalo-wire, $10,000.00 on 2026-10-20
    const cookie = tenant.jar.header(tenant.host);
    const titles = async (language: string) => {
      const html = await (await server.fetch(tenant.host, "/search?q=opalo", {
        headers: { cookie, "accept-language": language },
      })).text();
      const results = html.slice(html.indexOf('class="search-results"'), html.indexOf("</ol>"));
      return [...results.matchAll(/<strong>([^<]*wire[^<]*)<\/strong>/g)].map((m) => m[1]!);
    };
    const spanish = await titles("es");
    assert.equal(spanish.length, 1, spanish.join(" | "));
    // es-US: the workspace's dollars, the date in Spanish.
    assert.equal(spanish[0], "Opalo-wire · $10,000.00 del 20 oct 2026");
    assert.deepEqual(await titles("en"), ["Opalo-wire · $10,000.00 on Oct 20, 2026"]);

    // The palette's API: the member's language in a session; a token client reads English.
    const asSpanish = await server.fetch(tenant.host, "/api/v1/search?q=opalo", {
      headers: { cookie, "accept-language": "es" },
    });
    const wire = (hits: Array<{ title: string }>) =>
      hits.map((h) => h.title).filter((title) => title.includes("wire"));
    assert.deepEqual(wire((await asSpanish.json()).data), spanish);
    const token = await api.ok("GET", "/api/v1/search?q=opalo");
    assert.deepEqual(wire(token.data), [
      "Opalo-wire · $10,000.00 on Oct 20, 2026",
    ]);
  } finally {
    await server.close();
  }
});
