/**
 * A custom field named like a JavaScript object's own members: `constructor` (the one inherited
 * member a key can spell) is refused with the path; look-alikes work as any other name.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

Deno.test("a custom field may not be named constructor; valueof and hasownproperty work like any other", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const refused = await api.call("PUT", "/api/v1/config", {
      custom_fields: { suppliers: [{ key: "constructor", label: "Builder", type: "number" }] },
    }, { "if-match": '"0"' });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(JSON.stringify(refused.body), /custom_fields\.suppliers\.0\.key/);
    assert.match(JSON.stringify(refused.body), /a name the app uses itself/);

    const put = await api.call("PUT", "/api/v1/config", {
      custom_fields: {
        suppliers: [
          { key: "valueof", label: "Value", type: "choice", choices: ["A", "B"] },
          { key: "hasownproperty", label: "Owner", type: "number", min: 0, max: 10 },
        ],
      },
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const bad = await api.call("POST", "/api/v1/suppliers", {
      name: "Odd Packers",
      custom_fields: { valueof: "Z", hasownproperty: 99 },
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    const plain = await api.ok("POST", "/api/v1/suppliers", { name: "Plain Packers" }, 201);
    const odd = await api.ok("POST", "/api/v1/suppliers", {
      name: "Odd Packers",
      custom_fields: { valueof: "A", hasownproperty: 3 },
    }, 201);
    assert.equal(odd.custom_fields.hasownproperty, 3);
    const cookie = t.jar.header(t.host);
    for (const path of ["/suppliers", `/suppliers/${plain.id}`, `/suppliers/${odd.id}/edit`]) {
      const res = await server.fetch(t.host, path, { headers: { cookie } });
      assert.equal(res.status, 200, path);
      await res.body?.cancel();
    }
    assert.equal((await api.ok("GET", "/api/v1/suppliers?valueof=A")).data.length, 1);
  } finally {
    await server.close();
  }
});
