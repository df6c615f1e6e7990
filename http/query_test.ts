import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { addFieldError } from "../domain/errors.ts";

// Names every object inherits: as an unknown parameter or field they once answered 500, because
// the per-field error list looked them up on a plain object and found Object.prototype's member.
const INHERITED = ["constructor", "toString", "hasOwnProperty", "valueOf", "__proto__"];

Deno.test("unknown query parameters and body fields named like Object's members answer 400/422, not 500", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    for (const name of INHERITED) {
      for (const list of ["/api/v1/documents", "/api/v1/purchase-orders", "/api/v1/search?q=a"]) {
        const path = `${list}${list.includes("?") ? "&" : "?"}${name}=1`;
        const res = await api.call("GET", path);
        assert.equal(res.status, 400, path);
        assert.equal(res.body.error.code, "invalid_request", path);
        if (name !== "__proto__") {
          assert.match(res.body.error.details[name]?.[0] ?? "", /not known|cannot be set/, path);
        }
      }
      const body = JSON.parse(`{"name":"Acme Beef","${name}":1}`);
      const created = await api.call("POST", "/api/v1/suppliers", body);
      assert.equal(created.status, 422, `${name}: ${JSON.stringify(created.body)}`);
      assert.deepEqual(created.body.error.details[name], ["This field cannot be set."]);
    }
    // Nothing was written, and the server's objects picked nothing up.
    assert.deepEqual((await api.ok("GET", "/api/v1/suppliers")).data, []);
    assert.equal(({} as Record<string, unknown>).name, undefined);
  } finally {
    await server.close();
  }
});

Deno.test("addFieldError() keeps every key as the object's own, __proto__ included", () => {
  const out: Record<string, string[]> = {};
  for (const key of INHERITED) addFieldError(out, key, "no");
  addFieldError(out, "constructor", "again");
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), INHERITED);
  assert.deepEqual(JSON.parse(JSON.stringify(out)).constructor, ["no", "again"]);
  assert.deepEqual(JSON.parse(JSON.stringify(out)).__proto__, ["no"]);
});
