/**
 * The dashboard's margin per week starts its weeks on the workspace's first day of the week, as
 * its "this week" does: with Sunday first, a load picked up on Sunday is in the week it starts.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { FixedClock } from "./clock.ts";
import { dashboardNumbers } from "./reports.ts";

Deno.test("margin per week follows the first day of the week", async () => {
  // Wednesday, Dec 9, 2026.
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-09T18:00:00Z") });
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Big Grill Co" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Brisket", cases: 1, weight: 100, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-12-01",
      lines: [{ description: "Brisket", cases: 1, weight: 100, price: 3 }],
    }, 201);
    await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      sales_order_id: so.id,
      freight_cents: 0,
      pickup_appointment: "2026-12-06T08:00", // a Sunday
    }, 201);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const monday = await dashboardNumbers(lease.db, "2026-12-09", "America/Chicago", 1);
      assert.deepEqual(monday.marginWeeks.slice(-2), [
        { week: "2026-11-30", margin_cents: 100_00, loads: 1 },
        { week: "2026-12-07", margin_cents: 0, loads: 0 },
      ]);
      const sunday = await dashboardNumbers(lease.db, "2026-12-09", "America/Chicago", 0);
      assert.deepEqual(sunday.marginWeeks.slice(-2), [
        { week: "2026-11-29", margin_cents: 0, loads: 0 },
        { week: "2026-12-06", margin_cents: 100_00, loads: 1 },
      ]);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
