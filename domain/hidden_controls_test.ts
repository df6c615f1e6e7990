import assert from "node:assert/strict";
import { hasHiddenControls, stripHiddenControls } from "./hidden_controls.ts";
import { cleanName } from "./documents/sniff.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { uploadFile } from "../tests/helpers/documents.ts";
import { corpus } from "../ai/fixtures/corpus.ts";

const HIDDEN = [
  "\u0000",
  "\u0001",
  "\u0008",
  "\u000b",
  "\u000c",
  "\u001b",
  "\u001f",
  "\u007f",
  "\u202a",
  "\u202e",
  "\u2066",
  "\u2069",
  "\u200b",
  "\u2060",
  "\ufeff",
];

Deno.test("hidden controls: C0 codes but tab and line breaks, DEL, direction overrides, zero-width", () => {
  for (const c of HIDDEN) {
    assert.equal(hasHiddenControls(`a${c}b`), true, JSON.stringify(c));
    assert.equal(stripHiddenControls(`a${c}b`), "ab", JSON.stringify(c));
  }
  for (const fine of ["a\tb", "a\nb", "a\r\nb", "קצביית\u200F 2", "می\u200Cخواهم", "👨\u200D🍳"]) {
    assert.equal(hasHiddenControls(fine), false, JSON.stringify(fine));
  }
});

Deno.test("cleanName() strips direction overrides and zero-width characters from file names", () => {
  assert.equal(cleanName("a\u202egnp.pdf"), "agnp.pdf");
  assert.equal(cleanName("in\u200bvoice\u2066.pdf\u2069"), "invoice.pdf");
  assert.equal(cleanName("C:\\fakepath\\a\u0000b.pdf"), "ab.pdf");
  assert.equal(cleanName("\u202e\u0000"), "document");
});

async function withApi(fn: (server: TestServer, api: ApiClient) => Promise<void>) {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await fn(server, await apiClient(server, tenant));
  } finally {
    await server.close();
  }
}

Deno.test("option-list values and webhook descriptions refuse hidden controls; upload names lose them", async () => {
  await withApi(async (server, api) => {
    for (const bad of ["Beef\u202e", "Be\u0000ef", "Pork\u200b"]) {
      const res = await api.call("PUT", "/api/v1/option-lists/protein", {
        values: ["Pork", bad],
      });
      assert.equal(res.status, 422, `${JSON.stringify(bad)}: ${JSON.stringify(res.body)}`);
      assert.match(JSON.stringify(res.body), /control codes/);
    }
    const lists = await api.ok("GET", "/api/v1/option-lists");
    const protein = lists.data.find((l: { key: string }) => l.key === "protein");
    assert.ok(protein.values.every((v: string) => !hasHiddenControls(v)));

    for (const bad of ["ERP\u202esync", "ERP\u0000", "E\u001b[31mRP"]) {
      const res = await api.call("POST", "/api/v1/webhook-endpoints", {
        url: "https://example.com/h",
        description: bad,
        events: ["*"],
      });
      assert.equal(res.status, 422, `${JSON.stringify(bad)}: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.error.details.description, JSON.stringify(res.body));
    }
    const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
      url: "https://example.com/h",
      description: "ERP sync",
      events: ["*"],
    }, 201);
    const patched = await api.call("PATCH", `/api/v1/webhook-endpoints/${endpoint.id}`, {
      description: "ERP\u2066sync",
    });
    assert.equal(patched.status, 422, JSON.stringify(patched.body));
    const kept = await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}`);
    assert.equal(kept.description, "ERP sync");

    const fixture = corpus([1]).find((f) => f.name.startsWith("purchase-order-beside"))!;
    const up = await uploadFile(server, api, "a\u202egnp\u200b.pdf", await fixture.pdf());
    assert.equal(up.status, 202, JSON.stringify(up.body));
    assert.equal(up.body.name, "agnp.pdf");
    const doc = await api.ok("GET", `/api/v1/documents/${up.body.id}`);
    assert.equal(doc.name, "agnp.pdf");
  });
});
