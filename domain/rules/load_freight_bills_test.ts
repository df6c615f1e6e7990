/**
 * A load's freight follows its carrier's bills: once a bill is linked the load owes the billed
 * amount, and what is paid on the bill shows on the load (paid, outstanding, payment status),
 * counted once with what was paid on the load itself before the bill came.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";
import { migrate } from "../../db/migrate.ts";

Deno.test("a carrier bill recorded and paid against a load shows the load's freight billed and paid", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Freight Haul" }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Freight Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Brisket", cases: 40, weight: 2400, price: 3 }],
    }, 201);
    const newLoad = (freight_cents: number) =>
      api.ok("POST", "/api/v1/loads", {
        carrier_id: carrier.id,
        purchase_order_id: po.id,
        freight_cents,
      }, 201);
    const bill = (number: string, load_id: string, charges_cents: number) =>
      api.ok("POST", "/api/v1/bills", {
        kind: "carrier",
        carrier_id: carrier.id,
        number,
        load_id,
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
    const freight = async (id: string) => {
      const l = await api.ok("GET", `/api/v1/loads/${id}`);
      return [l.billed_freight_cents, l.paid_cents, l.outstanding_cents, l.payment_status];
    };

    // Billed above the agreed rate, paid in two parts on the bill.
    const load = await newLoad(2_850_00);
    assert.deepEqual(await freight(load.id), [null, 0, 2_850_00, "unpaid"]);
    const fb = await bill("FH-1", load.id, 2_900_00);
    assert.deepEqual(await freight(load.id), [2_900_00, 0, 2_900_00, "unpaid"]);
    await pay({ bill_id: fb.id }, 2_850_00);
    assert.deepEqual(await freight(load.id), [2_900_00, 2_850_00, 50_00, "partial"]);
    await pay({ bill_id: fb.id }, 50_00);
    assert.deepEqual(await freight(load.id), [2_900_00, 2_900_00, 0, "paid"]);

    // The agreed rate may still be corrected once the bill is what is owed and paid.
    const current = await api.ok("GET", `/api/v1/loads/${load.id}`);
    await api.ok("PATCH", `/api/v1/loads/${load.id}`, {
      version: current.version,
      freight_cents: 2_800_00,
    });
    assert.deepEqual(await freight(load.id), [2_900_00, 2_900_00, 0, "paid"]);

    // Quick pay on the load, then the bill: the two payments count once each, never twice.
    const quick = await newLoad(1_000_00);
    await pay({ load_id: quick.id }, 1_000_00);
    assert.deepEqual(await freight(quick.id), [null, 1_000_00, 0, "paid"]);
    const late = await bill("FH-2", quick.id, 1_050_00);
    assert.deepEqual(await freight(quick.id), [1_050_00, 1_000_00, 50_00, "partial"]);
    await pay({ bill_id: late.id }, 50_00);
    assert.deepEqual(await freight(quick.id), [1_050_00, 1_050_00, 0, "paid"]);

    // A bill voided (before any payment) no longer counts; moving a bill moves its freight.
    const other = await newLoad(700_00);
    const moved = await bill("FH-3", load.id, 700_00);
    assert.deepEqual(await freight(load.id), [3_600_00, 2_900_00, 700_00, "partial"]);
    await api.ok("PATCH", `/api/v1/bills/${moved.id}`, {
      version: moved.version,
      load_id: other.id,
    });
    assert.deepEqual(await freight(load.id), [2_900_00, 2_900_00, 0, "paid"]);
    assert.deepEqual(await freight(other.id), [700_00, 0, 700_00, "unpaid"]);
    const again = await api.ok("GET", `/api/v1/bills/${moved.id}`);
    await api.ok("PATCH", `/api/v1/bills/${moved.id}`, { version: again.version, state: "void" });
    assert.deepEqual(await freight(other.id), [null, 0, 700_00, "unpaid"]);
  } finally {
    await server.close();
  }
});

Deno.test("loads billed before the freight followed the bills are brought in line by their migration", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Old Haul" }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Old Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Brisket", cases: 40, weight: 2400, price: 3 }],
    }, 201);
    const billed = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      freight_cents: 2_850_00,
    }, 201);
    const unbilled = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      freight_cents: 1_000_00,
    }, 201);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "OH-1",
      load_id: billed.id,
      bill_date: "2026-12-07",
      charges_cents: 2_900_00,
    }, 201);
    for (
      const [target, amount_cents] of [[{ bill_id: bill.id }, 2_900_00], [
        { load_id: unbilled.id },
        400_00,
      ]] as const
    ) {
      await api.ok("POST", "/api/v1/payments", {
        direction: "payable",
        paid_on: "2026-12-07",
        amount_cents,
        ...target,
      }, 201);
    }
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      // As the loads were stored before: the bill's payment not on the load, the agreed rate owed.
      await lease.db.execute({
        sql: `UPDATE loads SET paid_cents = 0, outstanding_cents = freight_cents,
                payment_status = 'unpaid' WHERE id = ?`,
        args: [billed.id],
      });
      await lease.db.execute("DELETE FROM _migrations WHERE version = 135");
      assert.equal(await migrate(lease.db, "tenant"), 1);
      const rs = await lease.db.execute({
        sql: `SELECT id, paid_cents, outstanding_cents, payment_status FROM loads
              WHERE id IN (?, ?) ORDER BY freight_cents DESC`,
        args: [billed.id, unbilled.id],
      });
      assert.deepEqual(rs.rows.map((r) => [r.paid_cents, r.outstanding_cents, r.payment_status]), [
        [2_900_00, 0, "paid"],
        [400_00, 600_00, "partial"],
      ]);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
