import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { uploadFile } from "../../../tests/helpers/documents.ts";

Deno.test("GET /api/v1/documents refuses a bad query with 400 and per-parameter details, never a 500 or every row", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    for (const n of [1, 2, 3]) {
      const res = await uploadFile(
        server,
        api,
        `note-${n}.txt`,
        new TextEncoder().encode(`Note ${n}`),
      );
      assert.ok(res.status === 202, `upload ${n}: ${res.status}`);
    }
    const cases: Array<[string, string]> = [
      ["limit=1.5", "limit"],
      ["limit=-1", "limit"],
      ["limit=0", "limit"],
      ["limit=201", "limit"],
      ["limit=abc", "limit"],
      ["limit=", "limit"],
      ["status=lost", "status"],
      ["cursor=not-an-id", "cursor"],
      ["sort=-name", "sort"],
    ];
    for (const [query, field] of cases) {
      const res = await api.call("GET", `/api/v1/documents?${query}`);
      assert.equal(res.status, 400, `${query} answers 400`);
      assert.equal(res.body.error.code, "invalid_request", query);
      assert.deepEqual(Object.keys(res.body.error.details), [field], query);
      assert.ok(res.body.error.details[field][0].length > 0, `${query} says what is wrong`);
    }

    const all = await api.ok("GET", "/api/v1/documents");
    assert.equal(all.data.length, 3);
    assert.equal(all.next_cursor, null);
    const page = await api.ok("GET", "/api/v1/documents?limit=2&status=queued");
    assert.deepEqual(page.data.map((d: { id: string }) => d.id), [all.data[0].id, all.data[1].id]);
    assert.equal(page.next_cursor, all.data[1].id);
    const rest = await api.ok("GET", `/api/v1/documents?limit=2&cursor=${page.next_cursor}`);
    assert.deepEqual(rest.data.map((d: { id: string }) => d.id), [all.data[2].id]);
    assert.equal(rest.next_cursor, null);
    const none = await api.ok("GET", "/api/v1/documents?status=accepted");
    assert.deepEqual(none.data, []);
  } finally {
    await server.close();
  }
});
