import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";

Deno.test("records API: a month of business in one tenant", async (t) => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);

    const supplier = await api.ok("POST", "/api/v1/suppliers", {
      name: "Prairie Packers",
      city: "Greeley",
      state: "CO",
      proteins: ["beef", "Pork"],
      payment_terms: "Net 15",
    }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Lone Star Grocers",
      payment_terms: "Net 30",
      credit_limit_cents: 15_000_000,
    }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Cold Chain Express",
      mc_number: "MC-123456",
      dot_number: "USDOT 7654321",
      insurance_expires: new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10),
    }, 201);
    const plant = await api.ok("POST", "/api/v1/plants", {
      name: "Greeley Beef",
      supplier_id: supplier.id,
      est_number: "EST. 969",
    }, 201);

    await t.step("option values are matched to the tenant's list and normalised", () => {
      assert.deepEqual(supplier.proteins, ["Beef", "Pork"]);
      assert.equal(carrier.mc_number, "123456");
      assert.equal(carrier.dot_number, "7654321");
      assert.equal(carrier.insurance_expiring, true);
      assert.equal(plant.est_number, "969");
      assert.equal(supplier.version, 1);
      assert.equal(supplier.created_by, tenant.userId);
    });

    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      plant_id: plant.id,
      order_date: "2026-10-01",
      status: "approved",
      lines: [
        { description: "Beef 81/19 trim", cases: 800, weight: 40000, price: 2.1575 },
        { description: "Brisket", cases: 100, weight: 1000, weight_unit: "KG", price: 3 },
      ],
    }, 201);

    await t.step("PO numbers, line amounts, totals and weights come from the server", () => {
      assert.match(po.number, /^PO-\d+$/);
      assert.equal(po.lines.length, 2);
      assert.equal(po.lines[0].amount_cents, 8_630_000);
      assert.equal(po.lines[1].amount_cents, 300_000);
      assert.equal(po.total_cents, 8_930_000);
      assert.equal(po.total_weight_lb, 42204.62);
      assert.equal(po.outstanding_cents, 8_930_000);
      assert.equal(po.payment_status, "unpaid");
    });

    await t.step("a client cannot set totals", async () => {
      const r = await api.call("POST", "/api/v1/purchase-orders", {
        supplier_id: supplier.id,
        order_date: "2026-10-01",
        total_cents: 1,
      });
      assert.equal(r.status, 422);
      assert.deepEqual(r.body.error.details.total_cents, ["This field cannot be set."]);
    });

    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-10-02",
      status: "confirmed",
      lines: [{
        description: "Beef 81/19 trim",
        weight: 40000,
        price: 2.35,
        purchase_order_id: po.id,
      }],
    }, 201);
    await t.step("a sales order links to its PO from its lines", () => {
      assert.equal(so.purchase_order_id, po.id);
      assert.equal(so.total_cents, 9_400_000);
    });

    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      sales_order_id: so.id,
      freight_cents: 350_000,
      other_costs_cents: 15_000,
      setpoint_temp_f: 28,
    }, 201);
    await t.step("margin per load = sale - cost - freight - other costs", () => {
      assert.equal(load.margin_cents, 9_400_000 - 8_930_000 - 350_000 - 15_000);
    });

    const invoice = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      sales_order_id: so.id,
      invoice_date: "2026-10-05",
      state: "sent",
      tax_cents: 0,
      lines: [{ description: "Beef 81/19 trim", weight: 40000, price: 2.35 }],
    }, 201);
    await t.step("due date follows the customer's terms", () => {
      assert.equal(invoice.due_date, "2026-11-04");
      assert.equal(invoice.total_cents, 9_400_000);
    });

    const payment = await api.ok("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 4_000_000,
      paid_on: "2026-10-20",
      method: "wire",
      invoice_id: invoice.id,
    }, 201);
    await t.step("a payment updates what is outstanding", async () => {
      const inv = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
      assert.equal(inv.paid_cents, 4_000_000);
      assert.equal(inv.outstanding_cents, 5_400_000);
      assert.equal(payment.method, "Wire");
    });

    await t.step("overpayment is refused and changes nothing", async () => {
      const r = await api.call("POST", "/api/v1/payments", {
        direction: "receivable",
        amount_cents: 5_400_001,
        paid_on: "2026-10-21",
        invoice_id: invoice.id,
      });
      assert.equal(r.status, 422);
      const inv = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
      assert.equal(inv.outstanding_cents, 5_400_000);
    });

    await t.step("stale update gets 409 and changes nothing", async () => {
      const first = await api.ok("PATCH", `/api/v1/customers/${customer.id}`, {
        version: 1,
        phone: "555-0100",
      });
      assert.equal(first.version, 2);
      const stale = await api.call("PATCH", `/api/v1/customers/${customer.id}`, {
        version: 1,
        phone: "555-0199",
      });
      assert.equal(stale.status, 409);
      const now = await api.ok("GET", `/api/v1/customers/${customer.id}`);
      assert.equal(now.phone, "555-0100");
    });

    await t.step("history records who changed which field", async () => {
      const { data } = await api.ok("GET", `/api/v1/customers/${customer.id}/history`);
      assert.equal(data[0].action, "update");
      assert.deepEqual(data[0].changes.phone, [null, "555-0100"]);
      assert.equal(data[0].user_id, tenant.userId);
    });

    await t.step("search finds MC, DOT, EST and numbers", async () => {
      for (const q of ["123456", "MC123456", "7654321", "EST 969", po.number, "Lone Star"]) {
        const { data } = await api.ok("GET", `/api/v1/search?q=${encodeURIComponent(q)}`);
        assert.ok(data.length > 0, `found nothing for ${q}`);
      }
    });

    await t.step("a referenced supplier cannot be deleted, only archived", async () => {
      const del = await api.call("DELETE", `/api/v1/suppliers/${supplier.id}`);
      assert.equal(del.status, 409);
      const archived = await api.ok("POST", `/api/v1/suppliers/${supplier.id}/archive`);
      assert.ok(archived.archived_at);
      const list = await api.ok("GET", "/api/v1/suppliers");
      assert.equal(list.data.length, 0);
      const all = await api.ok("GET", "/api/v1/suppliers?archived=include");
      assert.equal(all.data.length, 1);
    });
  } finally {
    await server.close();
  }
});
