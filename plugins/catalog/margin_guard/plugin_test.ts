/**
 * The margin guard over the real API: installed in an Enterprise workspace, it refuses a sales
 * order line sold below the purchase price plus the minimum margin, with the configured message,
 * and lets a priced-right order through.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { putInState } from "../../../tests/helpers/billing.ts";
import { installForTest } from "../../../tests/helpers/plugins.ts";

async function setup() {
  const server = await startTestServer({});
  const tenant = await signUpTenant(server);
  await putInState(server.services, tenant.tenantId, "enterprise", "active");
  const api = await apiClient(server, tenant);
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Guard Packers" }, 201);
  const customer = await api.ok("POST", "/api/v1/customers", { name: "Guard Grocers" }, 201);
  const po = await api.ok("POST", "/api/v1/purchase-orders", {
    supplier_id: supplier.id,
    order_date: "2026-11-02",
    lines: [{ description: "Chuck roll", weight: 40000, price: 2, price_basis: "weight" }],
  }, 201);
  const order = (price: number) => ({
    customer_id: customer.id,
    purchase_order_id: po.id,
    order_date: "2026-11-03",
    lines: [{ description: "Chuck roll", weight: 40000, price, price_basis: "weight" }],
  });
  return { server, tenant, api, order };
}

Deno.test("margin guard blocks a sales order below the minimum margin with its message", async () => {
  const { server, tenant, api, order } = await setup();
  try {
    await installForTest(server.services, tenant.tenantId, "margin-guard", {
      minimum_margin_percent: 8,
      message: "Line {line}: {margin}% is under our {minimum}% floor.",
    });
    const before = await api.ok("GET", "/api/v1/sales-orders");
    const refused = await api.call("POST", "/api/v1/sales-orders", order(2.1));
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.message, "Line 1: 4.8% is under our 8% floor.");
    assert.deepEqual(refused.body.error.details["lines.0.price"], [refused.body.error.message]);
    const after = await api.ok("GET", "/api/v1/sales-orders");
    assert.equal(after.data.length, before.data.length, "nothing was written");

    const ok = await api.call("POST", "/api/v1/sales-orders", order(2.2));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    // An update that lowers the price is refused too; the stored order keeps its price.
    const lowered = await api.call("PATCH", `/api/v1/sales-orders/${ok.body.id}`, {
      version: ok.body.version,
      lines: [{ description: "Chuck roll", weight: 40000, price: 2.05, price_basis: "weight" }],
    });
    assert.equal(lowered.status, 422);
    const stored = await api.ok("GET", `/api/v1/sales-orders/${ok.body.id}`);
    assert.equal(stored.lines[0].price, 2.2);
  } finally {
    await server.close();
  }
});

Deno.test("margin guard does nothing once the plan no longer includes plugins", async () => {
  const { server, tenant, api, order } = await setup();
  try {
    await installForTest(server.services, tenant.tenantId, "margin-guard");
    assert.equal((await api.call("POST", "/api/v1/sales-orders", order(2.01))).status, 422);
    await putInState(server.services, tenant.tenantId, "professional", "active");
    assert.equal((await api.call("POST", "/api/v1/sales-orders", order(2.01))).status, 201);
  } finally {
    await server.close();
  }
});
