import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { installForTest } from "../../tests/helpers/plugins.ts";
import { VIEW_CSP } from "../../plugins/host/views.ts";

const get = (server: TestServer, t: SignedUp, path: string) =>
  server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });

function bridge(server: TestServer, t: SignedUp, call: string, args: unknown[]) {
  return server.fetch(t.host, "/plugins/margin-guard/bridge", {
    method: "POST",
    headers: { cookie: t.jar.header(t.host), "x-csrf-token": t.csrf },
    json: { call, args },
  }).then((r) => r.json());
}

Deno.test("a plugin view is framed sandboxed, served with its own strict CSP, and only to members", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    await installForTest(server.services, t.tenantId, "margin-guard");
    const page = await get(server, t, "/plugins/margin-guard/views/orders");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(
      html,
      /<iframe[^>]*sandbox="allow-scripts"[^>]*src="\/plugin-frames\/margin-guard\/orders"/,
    );
    assert.doesNotMatch(html, /allow-same-origin|allow-top-navigation/);

    const frame = await get(server, t, "/plugin-frames/margin-guard/orders");
    assert.equal(frame.status, 200);
    assert.equal(frame.headers.get("content-security-policy"), VIEW_CSP);
    assert.match(VIEW_CSP, /sandbox allow-scripts/);
    assert.doesNotMatch(VIEW_CSP, /connect-src|allow-same-origin/);
    assert.equal(frame.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.match(await frame.text(), /Recent sales orders/);

    const anonymous = await server.fetch(t.host, "/plugin-frames/margin-guard/orders");
    assert.notEqual(anonymous.status, 200);
    await anonymous.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("the view bridge answers with the plugin's permissions, reads only, in its own workspace", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    await installForTest(server.services, t.tenantId, "margin-guard");
    const api = await apiClient(server, t);
    const otherApi = await apiClient(server, other);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "View Grocers" }, 201);
    const order = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-11-03",
    }, 201);
    const theirCustomer = await otherApi.ok("POST", "/api/v1/customers", { name: "Theirs" }, 201);
    const theirs = await otherApi.ok("POST", "/api/v1/sales-orders", {
      customer_id: theirCustomer.id,
      order_date: "2026-11-03",
    }, 201);

    const list = await bridge(server, t, "records.list", ["sales-orders", { limit: 5 }]);
    assert.equal(list.ok, true);
    assert.deepEqual(list.value.data.map((o: { id: string }) => o.id), [order.id]);
    const foreign = await bridge(server, t, "records.get", ["sales-orders", theirs.id]);
    assert.equal(foreign.ok, false);
    assert.match(foreign.error, /No such sales order/);
    const undeclared = await bridge(server, t, "records.get", ["customers", customer.id]);
    assert.match(undeclared.error, /may not read customers/);
    const write = await bridge(server, t, "records.create", ["sales-orders", {}]);
    assert.match(write.error, /A view may call records.get and records.list only/);
    const fetchCall = await bridge(server, t, "fetch", ["https://evil.example.com"]);
    assert.equal(fetchCall.ok, false);
    assert.equal((await api.ok("GET", "/api/v1/sales-orders")).data.length, 1, "nothing written");
  } finally {
    await server.close();
  }
});
