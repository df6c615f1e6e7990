/**
 * The margin report's CSV adds up by hand: a CAD sale is given in CAD beside its converted value,
 * and the costs and margin are labelled with the workspace's currency, not the sale's.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { FixedClock } from "../domain/clock.ts";

Deno.test("margin CSV: a CAD load's row reads sale CAD, converted sale, costs and margin in USD", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Maple Pack" }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Toronto Deli",
      currency: "CAD",
    }, 201);
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-12-01",
      rate: "0.715",
    });
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Pork loin", cases: 100, weight: 4000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      purchase_order_id: po.id,
      order_date: "2026-12-01",
      lines: [{ description: "Pork loin", cases: 100, weight: 4000, price: 3.1 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      sales_order_id: so.id,
      freight_cents: 900_00,
      pickup_appointment: "2026-12-02T08:00",
    }, 201);
    const res = await server.fetch(
      tenant.host,
      "/reports/export.csv?report=margin&by=load&from=2026-12-01&to=2026-12-31",
      { headers: { authorization: `Bearer ${api.token}` } },
    );
    assert.equal(res.status, 200);
    const [header, row] = (await res.text()).replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    assert.deepEqual(header?.split(","), [
      "load",
      "Loads",
      "Sale",
      "Currency",
      "Sale converted",
      "Purchase cost",
      "Freight and other",
      "Margin",
      "Workspace currency",
    ]);
    // CAD 12,400.00 x 0.715 = USD 8,866.00; 8,866.00 - 8,000.00 - 900.00 = -34.00 (USD).
    assert.deepEqual(row?.split(","), [
      load.number,
      "1",
      "12400.00",
      "CAD",
      "8866.00",
      "8000.00",
      "900.00",
      "-34.00",
      "USD",
    ]);
  } finally {
    await server.close();
  }
});
