import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { requestFingerprint } from "./idempotency.ts";

const supplier = { name: "Prairie Packers", city: "Greeley", state: "CO" };

async function supplierCount(api: ApiClient): Promise<number> {
  return (await api.ok("GET", "/api/v1/suppliers?limit=200")).data.length;
}

async function withTenant(
  test: (server: TestServer, api: ApiClient) => Promise<void>,
): Promise<void> {
  const server = await startTestServer();
  try {
    await test(server, await apiClient(server, await signUpTenant(server)));
  } finally {
    await server.close();
  }
}

Deno.test("Idempotency-Key: a retried create answers the first result and creates one record", () =>
  withTenant(async (_server, api) => {
    const key = { "idempotency-key": crypto.randomUUID() };
    const first = await api.call("POST", "/api/v1/suppliers", supplier, key);
    const retry = await api.call("POST", "/api/v1/suppliers", supplier, key);
    assert.equal(first.status, 201);
    assert.equal(first.headers.get("idempotent-replayed"), null);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get("location"), first.headers.get("location"));
    assert.equal(retry.headers.get("etag"), first.headers.get("etag"));
    assert.match(retry.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(await supplierCount(api), 1);

    // Without a key, or with a new key, a POST creates as always.
    await api.ok("POST", "/api/v1/suppliers", supplier, 201);
    await api.ok("POST", "/api/v1/suppliers", supplier, 201);
    assert.equal(await supplierCount(api), 3);
  }));

Deno.test("Idempotency-Key: the same key with another body or path is refused and creates nothing", () =>
  withTenant(async (_server, api) => {
    const key = { "idempotency-key": "order-7781" };
    await api.ok("POST", "/api/v1/suppliers", supplier, 201);
    const first = await api.call("POST", "/api/v1/suppliers", { name: "Heartland Pork" }, key);
    assert.equal(first.status, 201);
    const otherBody = await api.call("POST", "/api/v1/suppliers", { name: "Other" }, key);
    assert.equal(otherBody.status, 422);
    assert.equal(otherBody.body.error.code, "invalid_request");
    assert.match(otherBody.body.error.message, /different request/);
    const otherPath = await api.call("POST", "/api/v1/customers", { name: "Heartland Pork" }, key);
    assert.equal(otherPath.status, 422);
    assert.equal(await supplierCount(api), 2);
    assert.equal((await api.ok("GET", "/api/v1/customers")).data.length, 0);
  }));

Deno.test("Idempotency-Key: a failed request keeps no answer, so the corrected retry runs", () =>
  withTenant(async (_server, api) => {
    const key = { "idempotency-key": "retry-after-fix" };
    const bad = await api.call("POST", "/api/v1/suppliers", { city: "Greeley" }, key);
    assert.equal(bad.status, 422);
    const again = await api.call("POST", "/api/v1/suppliers", { city: "Greeley" }, key);
    assert.equal(again.status, 422);
    assert.equal(again.headers.get("idempotent-replayed"), null);
    assert.equal(await supplierCount(api), 0);
    const fixed = await api.call("POST", "/api/v1/suppliers", supplier, key);
    assert.equal(fixed.status, 201);
    assert.equal(await supplierCount(api), 1);
  }));

Deno.test("Idempotency-Key: concurrent requests with one key create one record", () =>
  withTenant(async (_server, api) => {
    const key = { "idempotency-key": "double-click" };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api.call("POST", "/api/v1/suppliers", supplier, key)),
    );
    const statuses = answers.map((a) => a.status);
    assert.ok(statuses.every((s) => s === 201 || s === 409), `statuses ${statuses}`);
    const created = answers.filter((a) => a.status === 201);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((a) => a.body.id)).size, 1);
    for (const a of answers.filter((a) => a.status === 409)) {
      assert.match(a.body.error.message, /still being processed/);
    }
    assert.equal(await supplierCount(api), 1);
  }));

Deno.test("Idempotency-Key: a malformed key is refused before anything runs", () =>
  withTenant(async (_server, api) => {
    for (const bad of ["", "has space", "x".repeat(256), "caf\u00e9"]) {
      const res = await api.call("POST", "/api/v1/suppliers", supplier, { "idempotency-key": bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.ok(res.body.error.details["Idempotency-Key"]);
    }
    assert.equal(await supplierCount(api), 0);
  }));

Deno.test("Idempotency-Key: keys are per tenant; another tenant's key never replays here", async () => {
  const server = await startTestServer();
  try {
    const a = await apiClient(server, await signUpTenant(server));
    const b = await apiClient(server, await signUpTenant(server));
    const key = { "idempotency-key": "shared-key" };
    const inA = await a.call("POST", "/api/v1/suppliers", supplier, key);
    const inB = await b.call("POST", "/api/v1/suppliers", supplier, key);
    assert.equal(inA.status, 201);
    assert.equal(inB.status, 201);
    assert.equal(inB.headers.get("idempotent-replayed"), null);
    assert.notEqual(inB.body.id, inA.body.id);
    assert.equal((await b.call("GET", `/api/v1/suppliers/${inA.body.id}`)).status, 404);
    assert.equal(await supplierCount(a), 1);
    assert.equal(await supplierCount(b), 1);
  } finally {
    await server.close();
  }
});

/** A multipart upload as a client library sends it: a fresh boundary every time. */
async function multipartBytes(text: string) {
  const form = new FormData();
  form.append("file", new File([text], "po.txt", { type: "text/plain" }));
  const req = new Request("http://x/", { method: "POST", body: form });
  return { body: new Uint8Array(await req.arrayBuffer()), type: req.headers.get("content-type")! };
}

Deno.test("Idempotency-Key: a retried upload with a new multipart boundary gets the same document", () =>
  withTenant(async (server, api) => {
    const text = "PURCHASE ORDER\nPO Number: 4471\nSupplier: Prairie Packers\n";
    const send = async (key: string) => {
      const { body, type } = await multipartBytes(text);
      const res = await server.fetch(api.host, "/api/v1/documents", {
        method: "POST",
        headers: {
          authorization: `Bearer ${api.token}`,
          "content-type": type,
          "idempotency-key": key,
        },
        body,
      });
      return {
        status: res.status,
        replayed: res.headers.get("idempotent-replayed"),
        body: await res.json(),
      };
    };
    const first = await send("upload-1");
    const retry = await send("upload-1");
    assert.equal(first.status, 202);
    assert.equal(retry.status, 202);
    assert.equal(retry.replayed, "true");
    assert.equal(retry.body.id, first.body.id);
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 1);
  }));

Deno.test("requestFingerprint() compares multipart bodies by their fields and files", async () => {
  const at = async (text: string, path = "/api/v1/documents") => {
    const { body, type } = await multipartBytes(text);
    const req = new Request(`http://acme.localhost${path}`, {
      method: "POST",
      headers: { "content-type": type },
      body: body as Uint8Array<ArrayBuffer>,
    });
    return await requestFingerprint(req, 1 << 20);
  };
  assert.equal(await at("same file"), await at("same file"));
  assert.notEqual(await at("same file"), await at("other file"));
  assert.notEqual(await at("same file"), await at("same file", "/api/v1/other"));
});

Deno.test("requestFingerprint() gives up on a body over its limit", async () => {
  const req = new Request("http://acme.localhost/api/v1/suppliers", {
    method: "POST",
    body: "x".repeat(2048),
  });
  assert.equal(await requestFingerprint(req, 1024), null);
  const small = new Request("http://acme.localhost/api/v1/suppliers", {
    method: "POST",
    body: "x",
  });
  assert.match((await requestFingerprint(small, 1024))!, /^[0-9a-f]{64}$/);
});
