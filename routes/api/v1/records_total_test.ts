import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";

Deno.test("record lists answer the total matching their filters on every page, over HTTP", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    for (let i = 0; i < 5; i++) {
      await api.ok("POST", "/api/v1/customers", {
        name: `Grocer ${i}`,
        credit_hold: i >= 3,
      }, 201);
    }
    const archived = await api.ok("POST", "/api/v1/customers", { name: "Gone Grocer" }, 201);
    await api.ok("POST", `/api/v1/customers/${archived.id}/archive`);

    const all = await api.ok("GET", "/api/v1/customers");
    assert.equal(all.total, 5, "archived records are not counted");
    assert.equal(all.data.length, 5);
    assert.equal(all.next_cursor, null);

    const first = await api.ok("GET", "/api/v1/customers?limit=2");
    assert.deepEqual([first.data.length, first.total], [2, 5]);
    const second = await api.ok("GET", `/api/v1/customers?limit=2&cursor=${first.next_cursor}`);
    assert.deepEqual([second.data.length, second.total], [2, 5], "a later page counts all pages");
    const paged = await api.ok("GET", "/api/v1/customers?limit=2&page=3");
    assert.deepEqual([paged.data.length, paged.total, paged.next_cursor], [1, 5, null]);

    const filtered = await api.ok("GET", "/api/v1/customers?credit_hold=true&limit=1");
    assert.deepEqual([filtered.data.length, filtered.total], [1, 2], "the filter is counted");
    const searched = await api.ok("GET", "/api/v1/customers?q=nothing-like-this");
    assert.deepEqual([searched.data, searched.total], [[], 0]);
    const both = await api.ok("GET", "/api/v1/customers?archived=include");
    assert.equal(both.total, 6);
    assert.deepEqual(
      Object.keys(all).sort(),
      ["data", "next_cursor", "total"],
      "same shape plus total",
    );
  } finally {
    await server.close();
  }
});

Deno.test("the OpenAPI document declares total on every record list", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const res = await server.fetch(tenant.host, "/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = await res.json();
    const list = doc.paths["/api/v1/customers"].get.responses["200"].content["application/json"];
    assert.ok(list.schema.required.includes("total"));
    assert.equal(list.schema.properties.total.type, "integer");
    assert.equal(typeof list.example.total, "number");
  } finally {
    await server.close();
  }
});
