import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

Deno.test("the dashboard's cached numbers change as soon as any record changes", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const openPos = async () => {
      const res = await server.fetch(tenant.host, "/", {
        headers: { authorization: `Bearer ${api.token}` },
      });
      const html = await res.text();
      return Number(/id="open-pos">[^<]*<\/h2><p class="stat">(\d+)</.exec(html)?.[1]);
    };
    assert.equal(await openPos(), 0);
    assert.equal(await openPos(), 0); // served from the cache
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Cache Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      status: "approved",
    }, 201);
    assert.equal(await openPos(), 1);
    await api.ok("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      version: po.version,
      status: "delivered",
    });
    assert.equal(await openPos(), 0);
  } finally {
    await server.close();
  }
});
