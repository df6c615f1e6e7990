/**
 * A load's freight and a PO's cost are paid once: on the carrier's or packer's bill when one is
 * linked, and a payment made on the load or PO before the bill came counts against the bill.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";

Deno.test("freight paid on the carrier's bill is not paid again on the load, nor the reverse", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Polar Haul" }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Brisket", cases: 40, weight: 2400, price: 3 }],
    }, 201);
    const load = (freight_cents: number) =>
      api.ok("POST", "/api/v1/loads", {
        carrier_id: carrier.id,
        purchase_order_id: po.id,
        freight_cents,
      }, 201);
    const pay = (target: Record<string, string>, amount_cents: number) =>
      api.call("POST", "/api/v1/payments", {
        direction: "payable",
        paid_on: "2026-12-07",
        amount_cents,
        ...target,
      });

    // Billed first: the bill is paid, and the load cannot be paid again.
    const first = await load(2_850_00);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-1",
      load_id: first.id,
      bill_date: "2026-12-07",
      charges_cents: 2_900_00,
    }, 201);
    assert.equal((await pay({ bill_id: bill.id }, 2_900_00)).status, 201);
    const again = await pay({ load_id: first.id }, 2_850_00);
    assert.equal(again.status, 422);
    assert.match(again.body.error.message, /carrier billed this load's freight \(PH-1\)/);

    // Paid on the load first (quick pay), then the carrier's bill: only the rest is payable.
    const second = await load(1_000_00);
    assert.equal((await pay({ load_id: second.id }, 1_000_00)).status, 201);
    const late = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-2",
      load_id: second.id,
      bill_date: "2026-12-07",
      charges_cents: 1_050_00,
    }, 201);
    const twice = await pay({ bill_id: late.id }, 1_050_00);
    assert.equal(twice.status, 422);
    assert.match(twice.body.error.message, /only \$50\.00 is outstanding/);
    assert.equal((await pay({ bill_id: late.id }, 50_00)).status, 201);

    // The same for a packer's invoice on the PO.
    const invoice = await api.ok("POST", "/api/v1/bills", {
      kind: "supplier",
      supplier_id: supplier.id,
      number: "PP-77",
      purchase_order_id: po.id,
      bill_date: "2026-12-07",
      charges_cents: 7_200_00,
    }, 201);
    assert.equal((await pay({ bill_id: invoice.id }, 7_200_00)).status, 201);
    const onPo = await pay({ purchase_order_id: po.id }, 100_00);
    assert.equal(onPo.status, 422);
    assert.match(onPo.body.error.message, /packer billed this PO \(PP-77\)/);
  } finally {
    await server.close();
  }
});
