/**
 * A purchase order's cost follows its packer's bills, as a load's freight follows its carrier's:
 * once a bill names the order, the order owes what its bills total, and what is paid on them
 * shows on the order (paid, outstanding, payment status), counted once with what was paid on the
 * order itself before the bill came.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";
import { migrate } from "../../db/migrate.ts";

Deno.test("a packer's bill recorded and paid against a purchase order shows the order billed and paid", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Sandhills Beef" }, 201);
    const order = (price: number) =>
      api.ok("POST", "/api/v1/purchase-orders", {
        supplier_id: supplier.id,
        order_date: "2026-12-01",
        lines: [{ description: "Chuck rolls", cases: 100, weight: 4000, price }],
      }, 201);
    const bill = (number: string, purchase_order_id: string, charges_cents: number) =>
      api.ok("POST", "/api/v1/bills", {
        kind: "supplier",
        supplier_id: supplier.id,
        number,
        purchase_order_id,
        bill_date: "2026-12-07",
        charges_cents,
      }, 201);
    const pay = (target: Record<string, string>, amount_cents: number) =>
      api.ok("POST", "/api/v1/payments", {
        direction: "payable",
        paid_on: "2026-12-07",
        amount_cents,
        ...target,
      }, 201);
    const cost = async (id: string) => {
      const o = await api.ok("GET", `/api/v1/purchase-orders/${id}`);
      return [o.total_cents, o.paid_cents, o.outstanding_cents, o.payment_status];
    };

    // Billed a little under the order (a short weight), paid in two parts on the bill.
    const po = await order(2);
    assert.deepEqual(await cost(po.id), [8_000_00, 0, 8_000_00, "unpaid"]);
    const first = await bill("SB-1", po.id, 7_950_00);
    assert.deepEqual(await cost(po.id), [8_000_00, 0, 7_950_00, "unpaid"]);
    await pay({ bill_id: first.id }, 5_000_00);
    assert.deepEqual(await cost(po.id), [8_000_00, 5_000_00, 2_950_00, "partial"]);
    await pay({ bill_id: first.id }, 2_950_00);
    assert.deepEqual(await cost(po.id), [8_000_00, 7_950_00, 0, "paid"]);

    // A deposit on the order, then the bill: each payment counts once.
    const prepaid = await order(1);
    await pay({ purchase_order_id: prepaid.id }, 1_000_00);
    assert.deepEqual(await cost(prepaid.id), [4_000_00, 1_000_00, 3_000_00, "partial"]);
    const later = await bill("SB-2", prepaid.id, 4_000_00);
    assert.deepEqual(await cost(prepaid.id), [4_000_00, 1_000_00, 3_000_00, "partial"]);
    await pay({ bill_id: later.id }, 3_000_00);
    assert.deepEqual(await cost(prepaid.id), [4_000_00, 4_000_00, 0, "paid"]);

    // A bill voided before any payment no longer counts: the order owes its own total again.
    const third = await order(1);
    const voided = await bill("SB-3", third.id, 3_900_00);
    assert.deepEqual(await cost(third.id), [4_000_00, 0, 3_900_00, "unpaid"]);
    await api.ok("PATCH", `/api/v1/bills/${voided.id}`, { version: voided.version, state: "void" });
    assert.deepEqual(await cost(third.id), [4_000_00, 0, 4_000_00, "unpaid"]);
  } finally {
    await server.close();
  }
});

Deno.test("orders billed before the cost followed the bills are brought in line by their migration", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Old Beef" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Chuck rolls", cases: 100, weight: 4000, price: 2 }],
    }, 201);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "supplier",
      supplier_id: supplier.id,
      number: "OB-1",
      purchase_order_id: po.id,
      bill_date: "2026-12-07",
      charges_cents: 8_000_00,
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      paid_on: "2026-12-07",
      amount_cents: 8_000_00,
      bill_id: bill.id,
    }, 201);
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      // As orders were stored before: the bill's payment not on the order.
      await lease.db.execute({
        sql: `UPDATE purchase_orders SET paid_cents = 0, outstanding_cents = total_cents,
                payment_status = 'unpaid' WHERE id = ?`,
        args: [po.id],
      });
      await lease.db.execute("DELETE FROM _migrations WHERE version = 136");
      assert.equal(await migrate(lease.db, "tenant"), 1);
      const rs = await lease.db.execute({
        sql:
          "SELECT paid_cents, outstanding_cents, payment_status FROM purchase_orders WHERE id = ?",
        args: [po.id],
      });
      assert.deepEqual(
        rs.rows.map((r) => [r.paid_cents, r.outstanding_cents, r.payment_status]),
        [[8_000_00, 0, "paid"]],
      );
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
