/**
 * The rules that keep records consistent with the money already moved, over the real API:
 * restoring a payment, totals below what was paid, the money maximum, invoicing a load twice,
 * exact line amounts, status moves, claim amounts, who may change credit terms, due dates.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient, clientWithToken } from "../../tests/helpers/api.ts";
import { addMember } from "../../tests/helpers/members.ts";
import type { Role } from "../../auth/roles.ts";
import { FixedClock } from "../clock.ts";
import { lineAmountCents } from "./totals.ts";
import { centsOf, MAX_MONEY_CENTS } from "./line_amount.ts";

const TODAY = "2026-11-20";

async function setup() {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  }, { clock: new FixedClock(`${TODAY}T18:00:00Z`) });
  const tenant = await signUpTenant(server);
  const api = await apiClient(server, tenant);
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Guard Packers" }, 201);
  const customer = await api.ok("POST", "/api/v1/customers", {
    name: "Guard Grocers",
    payment_terms: "Net 30",
  }, 201);
  const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Guard Haul" }, 201);
  return { server, tenant, api, supplier, customer, carrier };
}

async function memberClient(server: TestServer, host: string, tenantId: string, role: Role) {
  const m = await addMember(server, tenantId, role);
  const res = await server.fetch(host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: m.email, password: m.password, name: role },
  });
  assert.equal(res.status, 201);
  return clientWithToken(server, host, (await res.json()).token);
}

/** A sent invoice of `cents`, nothing paid. */
async function sentInvoice(api: ApiClient, customerId: string, cents: number) {
  return await api.ok("POST", "/api/v1/invoices", {
    customer_id: customerId,
    invoice_date: "2026-11-10",
    state: "sent",
    lines: [{ description: "Trim", cases: 1, price: cents / 100, price_basis: "case" }],
  }, 201);
}

async function pay(api: ApiClient, invoiceId: string, cents: number, expected = 201) {
  return await api.call("POST", "/api/v1/payments", {
    direction: "receivable",
    amount_cents: cents,
    paid_on: "2026-11-15",
    invoice_id: invoiceId,
  }).then((r) => {
    assert.equal(r.status, expected, JSON.stringify(r.body));
    return r.body;
  });
}

Deno.test("unit: line amounts are exact at half a cent and round half up", () => {
  assert.equal(lineAmountCents({ price: 1.005, weight: 1, price_basis: "weight" }), 101);
  assert.equal(lineAmountCents({ price: 1.005, cases: 3, price_basis: "case" }), 302);
  assert.equal(lineAmountCents({ price: 1.0005, weight: 10, price_basis: "weight" }), 1001);
  assert.equal(lineAmountCents({ price: 2.1575, weight: 40000, price_basis: "weight" }), 8_630_000);
  assert.equal(lineAmountCents({ price: 0.125, weight: 0.1, price_basis: "weight" }), 1); // 1.25c
  assert.equal(lineAmountCents({ price: 0.004, weight: 1 }), 0);
  assert.equal(lineAmountCents({ price: 1e6, weight: 1e7 }), 1e15);
  assert.equal(lineAmountCents({ price: 3, weight: null }), 0);
  assert.equal(centsOf("1.005", "1"), 101);
  assert.equal(centsOf("", "4"), 0);
  assert.equal(centsOf(1e-7, 1e7), 100);
  assert.ok(Number.isNaN(centsOf("1,000", 1)));
  assert.equal(centsOf(-1.005, 1), -101);
});

Deno.test("restoring a payment is held to the rules of a new one", async () => {
  const { server, api, customer } = await setup();
  try {
    // Paid in full, archived, paid again: the first cannot come back (it would overpay).
    const inv = await sentInvoice(api, customer.id, 50_000);
    const a = await pay(api, inv.id, 50_000);
    await api.ok("POST", `/api/v1/payments/${a.id}/archive`);
    await pay(api, inv.id, 50_000);
    const res = await api.call("POST", `/api/v1/payments/${a.id}/restore`);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /cannot be restored: More than is owed/);
    const after = await api.ok("GET", `/api/v1/invoices/${inv.id}`);
    assert.equal(after.paid_cents, 50_000);
    assert.equal(after.outstanding_cents, 0);
    assert.ok((await api.ok("GET", `/api/v1/payments/${a.id}`)).archived_at, "still archived");

    // $10 paid, archived, the invoice voided: the payment cannot come back onto a void invoice.
    const inv2 = await sentInvoice(api, customer.id, 20_000);
    const p = await pay(api, inv2.id, 1_000);
    await api.ok("POST", `/api/v1/payments/${p.id}/archive`);
    const fresh = await api.ok("GET", `/api/v1/invoices/${inv2.id}`);
    await api.ok("PATCH", `/api/v1/invoices/${inv2.id}`, { state: "void", version: fresh.version });
    const onVoid = await api.call("POST", `/api/v1/payments/${p.id}/restore`);
    assert.equal(onVoid.status, 409);
    assert.match(onVoid.body.error.message, /void/);
    const voided = await api.ok("GET", `/api/v1/invoices/${inv2.id}`);
    assert.equal(voided.paid_cents, 0);

    // A restore that fits still works.
    const inv3 = await sentInvoice(api, customer.id, 30_000);
    const q = await pay(api, inv3.id, 10_000);
    await api.ok("POST", `/api/v1/payments/${q.id}/archive`);
    await api.ok("POST", `/api/v1/payments/${q.id}/restore`);
    assert.equal((await api.ok("GET", `/api/v1/invoices/${inv3.id}`)).paid_cents, 10_000);
  } finally {
    await server.close();
  }
});

Deno.test("a total cannot drop below what was paid: invoices, bills, POs, load freight", async () => {
  const { server, api, customer, supplier, carrier } = await setup();
  try {
    const inv = await sentInvoice(api, customer.id, 100_000);
    await pay(api, inv.id, 60_000);
    const cur = await api.ok("GET", `/api/v1/invoices/${inv.id}`);
    const tiny = await api.call("PATCH", `/api/v1/invoices/${inv.id}`, {
      lines: [{ description: "tiny", weight: 1, price: 1 }],
      version: cur.version,
    });
    assert.equal(tiny.status, 409, JSON.stringify(tiny.body));
    assert.match(tiny.body.error.message, /may not drop below what was paid.*credit/);
    assert.ok(tiny.body.error.details.lines);
    const same = await api.ok("GET", `/api/v1/invoices/${inv.id}`);
    assert.equal(same.total_cents, 100_000);
    assert.equal(same.version, cur.version);
    // Lowering to exactly what was paid, or raising, is fine.
    await api.ok("PATCH", `/api/v1/invoices/${inv.id}`, {
      lines: [{ description: "Trim", cases: 1, price: 600, price_basis: "case" }],
      version: cur.version,
    });

    // A bill: lines and charges.
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-1",
      bill_date: "2026-11-10",
      charges_cents: 150_000,
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 100_000,
      paid_on: "2026-11-15",
      bill_id: bill.id,
    }, 201);
    const b = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    const lower = await api.call("PATCH", `/api/v1/bills/${bill.id}`, {
      charges_cents: 100,
      version: b.version,
    });
    assert.equal(lower.status, 409, JSON.stringify(lower.body));
    assert.ok(lower.body.error.details.charges_cents);
    await api.ok("PATCH", `/api/v1/bills/${bill.id}`, {
      charges_cents: 100_000,
      version: b.version,
    });

    // A PO paid out, and a load's freight.
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 1000, price: 2 }],
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 150_000,
      paid_on: "2026-11-15",
      purchase_order_id: po.id,
    }, 201);
    const poNow = await api.ok("GET", `/api/v1/purchase-orders/${po.id}`);
    const poLower = await api.call("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      lines: [{ description: "Trim", weight: 10, price: 2 }],
      version: poNow.version,
    });
    assert.equal(poLower.status, 409, JSON.stringify(poLower.body));
    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      freight_cents: 200_000,
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 200_000,
      paid_on: "2026-11-15",
      load_id: load.id,
    }, 201);
    const loadNow = await api.ok("GET", `/api/v1/loads/${load.id}`);
    const freight = await api.call("PATCH", `/api/v1/loads/${load.id}`, {
      freight_cents: 1,
      version: loadNow.version,
    });
    assert.equal(freight.status, 409, JSON.stringify(freight.body));
    assert.ok(freight.body.error.details.freight_cents);
  } finally {
    await server.close();
  }
});

Deno.test("no line or total over the money maximum; reports stay readable", async () => {
  const { server, api, customer, supplier } = await setup();
  try {
    const big = { description: "Huge", weight: 10_000_000, price: 1_000_000 };
    const po = await api.call("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: Array.from({ length: 10 }, () => big),
    });
    assert.equal(po.status, 422, JSON.stringify(po.body));
    assert.ok(po.body.error.details["lines.0.price"]);
    assert.match(po.body.error.message, /\$1,000,000,000\.00/);
    const inv = await api.call("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      state: "sent",
      lines: Array.from({ length: 8 }, () => big),
    });
    assert.equal(inv.status, 422);
    // Lines each under the maximum, together over it.
    const half = { description: "Half", weight: 600, price: 1_000_000 }; // $600,000,000.00
    const together = await api.call("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      lines: [half, half],
    });
    assert.equal(together.status, 422, JSON.stringify(together.body));
    assert.ok(together.body.error.details.lines, JSON.stringify(together.body));
    // The tax on top of the lines.
    const withTax = await api.call("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      tax_cents: MAX_MONEY_CENTS,
      lines: [{ description: "Trim", cases: 1, price: 1, price_basis: "case" }],
    });
    assert.equal(withTax.status, 422, JSON.stringify(withTax.body));
    assert.ok(withTax.body.error.details.tax_cents);
    // The largest allowed amount goes through, and the customer and the aging read.
    const most = await api.call("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      state: "sent",
      lines: [{ description: "All", weight: 1000, price: 1_000_000 }], // the maximum itself
    });
    assert.equal(most.status, 201, JSON.stringify(most.body));
    assert.equal(most.body.total_cents, MAX_MONEY_CENTS);
    assert.equal((await api.call("GET", `/api/v1/customers/${customer.id}`)).status, 200);
    assert.equal((await api.call("GET", "/api/v1/reports/aging")).status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("a load is invoiced once unless another invoice is asked for", async () => {
  const { server, tenant, api, customer, supplier, carrier } = await setup();
  try {
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 1000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 1000, price: 2.5, purchase_order_id: po.id }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      sales_order_id: so.id,
    }, 201);
    const first = await api.ok("POST", `/api/v1/loads/${load.id}/invoice`, {}, 201);
    const again = await api.call("POST", `/api/v1/loads/${load.id}/invoice`, {});
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.match(again.body.error.message, new RegExp(`already invoiced \\(${first.number}\\)`));
    assert.match(again.body.error.message, /"another": true/);
    const bad = await api.call("POST", `/api/v1/loads/${load.id}/invoice`, { another: "yes" });
    assert.equal(bad.status, 422);
    const second = await api.ok("POST", `/api/v1/loads/${load.id}/invoice`, { another: true }, 201);
    assert.notEqual(second.id, first.id);
    // Once the earlier ones are void, the load is invoiced again without asking.
    for (const inv of [first, second]) {
      await api.ok("PATCH", `/api/v1/invoices/${inv.id}`, { state: "void", version: inv.version });
    }
    await api.ok("POST", `/api/v1/loads/${load.id}/invoice`, {}, 201);

    // Requests at the same instant: one invoice, the others 409 (checked in the insert's
    // transaction, not before it).
    const load2 = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      sales_order_id: (await api.ok("POST", "/api/v1/sales-orders", {
        customer_id: customer.id,
        order_date: "2026-11-01",
        lines: [{ description: "Trim", weight: 1000, price: 2.5, purchase_order_id: po.id }],
      }, 201)).id,
    }, 201);
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => api.call("POST", `/api/v1/loads/${load2.id}/invoice`, {})),
    );
    assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
    const made = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      const n = await made.db.execute({
        sql: "SELECT COUNT(*) AS n FROM invoices WHERE sales_order_id = ?",
        args: [load2.sales_order_id],
      });
      assert.equal(Number(n.rows[0]!.n), 1);
    } finally {
      made.release();
    }
  } finally {
    await server.close();
  }
});

Deno.test("status moves: paid invoices stay sent, loads step back one at a time", async () => {
  const { server, api, customer, supplier, carrier } = await setup();
  try {
    const inv = await sentInvoice(api, customer.id, 20_000);
    await pay(api, inv.id, 5_000);
    const cur = await api.ok("GET", `/api/v1/invoices/${inv.id}`);
    const toDraft = await api.call("PATCH", `/api/v1/invoices/${inv.id}`, {
      state: "draft",
      version: cur.version,
    });
    assert.equal(toDraft.status, 409, JSON.stringify(toDraft.body));
    assert.match(toDraft.body.error.message, /cannot go back to draft/);
    // Without payments a sent invoice may go back to draft.
    const unpaid = await sentInvoice(api, customer.id, 20_000);
    await api.ok("PATCH", `/api/v1/invoices/${unpaid.id}`, {
      state: "draft",
      version: unpaid.version,
    });

    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 1000, price: 2 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      status: "booked",
    }, 201);
    // Forward, skipping steps, is fine.
    const pod = await api.ok("PATCH", `/api/v1/loads/${load.id}`, {
      status: "pod_received",
      version: load.version,
    });
    const back = await api.call("PATCH", `/api/v1/loads/${load.id}`, {
      status: "booked",
      version: pod.version,
    });
    assert.equal(back.status, 409, JSON.stringify(back.body));
    assert.match(back.body.error.message, /back one step at a time.*Delivered/);
    const oneBack = await api.ok("PATCH", `/api/v1/loads/${load.id}`, {
      status: "delivered",
      version: pod.version,
    });
    assert.equal(oneBack.status, "delivered");
  } finally {
    await server.close();
  }
});

Deno.test("a claim settles within what was approved, and an approval says how much", async () => {
  const { server, api, customer } = await setup();
  try {
    const base = {
      direction: "receivable",
      customer_id: customer.id,
      reason: "short_weight",
      filed_on: "2026-11-10",
      claimed_cents: 100_000,
    };
    const over = await api.call("POST", "/api/v1/claims", {
      ...base,
      status: "settled",
      settled_cents: 99_999_999,
    });
    assert.equal(over.status, 422, JSON.stringify(over.body));
    assert.ok(over.body.error.details.settled_cents, JSON.stringify(over.body));
    const noAmount = await api.call("POST", "/api/v1/claims", { ...base, status: "approved" });
    assert.equal(noAmount.status, 422);
    assert.ok(noAmount.body.error.details.approved_cents);
    const overApproved = await api.call("POST", "/api/v1/claims", {
      ...base,
      approved_cents: 50_000,
      settled_cents: 60_000,
      status: "settled",
    });
    assert.equal(overApproved.status, 422);
    assert.match(overApproved.body.error.message, /approved amount \(\$500\.00\)/);
    await api.ok("POST", "/api/v1/claims", {
      ...base,
      approved_cents: 50_000,
      settled_cents: 50_000,
      status: "settled",
    }, 201);
  } finally {
    await server.close();
  }
});

Deno.test("only who may override a credit hold may change a customer's credit terms", async () => {
  const { server, tenant, api, customer } = await setup();
  try {
    const held = await api.ok("POST", "/api/v1/customers", {
      name: "Held Co",
      credit_hold: true,
      credit_limit_cents: 500_000,
    }, 201);
    const broker = await memberClient(server, tenant.host, tenant.tenantId, "broker");
    const lift = await broker.call("PATCH", `/api/v1/customers/${held.id}`, {
      credit_hold: false,
      version: held.version,
    });
    assert.equal(lift.status, 403, JSON.stringify(lift.body));
    assert.match(lift.body.error.message, /owner or admin can change a customer's credit hold/);
    const raise = await broker.call("PATCH", `/api/v1/customers/${held.id}`, {
      credit_limit_cents: 9_000_000,
      version: held.version,
    });
    assert.equal(raise.status, 403);
    const created = await broker.call("POST", "/api/v1/customers", {
      name: "New Co",
      credit_limit_cents: 100,
    });
    assert.equal(created.status, 403);
    // Other changes by a broker are fine, the credit terms sent back unchanged included.
    await broker.ok("PATCH", `/api/v1/customers/${held.id}`, {
      phone: "555-0100",
      credit_hold: true,
      credit_limit_cents: 500_000,
      version: held.version,
    });
    await broker.ok("POST", "/api/v1/customers", { name: "Plain Co" }, 201);
    const admin = await memberClient(server, tenant.host, tenant.tenantId, "admin");
    const now = await api.ok("GET", `/api/v1/customers/${held.id}`);
    await admin.ok("PATCH", `/api/v1/customers/${held.id}`, {
      credit_hold: false,
      version: now.version,
    });
    // The limit's message reads one dollar sign.
    await api.ok("PATCH", `/api/v1/customers/${customer.id}`, {
      credit_limit_cents: 200_000,
      version: customer.version,
    });
    const order = await api.call("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 1000, price: 3 }],
    });
    assert.equal(order.status, 422);
    assert.match(order.body.error.message, / to \$3,000\.00 against a credit limit of \$2,000\.00/);
    assert.doesNotMatch(order.body.error.message, /\$\$/);
  } finally {
    await server.close();
  }
});

Deno.test("a due date before the invoice or bill date is refused", async () => {
  const { server, api, customer, carrier } = await setup();
  try {
    const inv = await api.call("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      due_date: "2026-11-01",
      lines: [{ description: "Trim", cases: 1, price: 10, price_basis: "case" }],
    });
    assert.equal(inv.status, 422, JSON.stringify(inv.body));
    assert.ok(inv.body.error.details.due_date);
    const ok = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      due_date: "2026-11-10",
      lines: [{ description: "Trim", cases: 1, price: 10, price_basis: "case" }],
    }, 201);
    const moved = await api.call("PATCH", `/api/v1/invoices/${ok.id}`, {
      invoice_date: "2026-11-12",
      version: ok.version,
    });
    assert.equal(moved.status, 422, "a typed due date the invoice date passes");
    // "Wire 1 day prior" gives a due date before the invoice date: the terms', allowed.
    const wire = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-10",
      ship_date: "2026-11-10",
      payment_terms: "Wire 1 day prior",
      lines: [{ description: "Trim", cases: 1, price: 10, price_basis: "case" }],
    }, 201);
    assert.equal(wire.due_date, "2026-11-09");
    const bill = await api.call("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "D-1",
      bill_date: "2026-11-10",
      due_date: "2026-11-09",
      charges_cents: 1_000,
    });
    assert.equal(bill.status, 422, JSON.stringify(bill.body));
    assert.ok(bill.body.error.details.due_date);
  } finally {
    await server.close();
  }
});

Deno.test("a purchase order's plant is one of its supplier's", async () => {
  const { server, api, supplier } = await setup();
  try {
    const other = await api.ok("POST", "/api/v1/suppliers", { name: "Other Packers" }, 201);
    const own = await api.ok("POST", "/api/v1/plants", {
      supplier_id: supplier.id,
      name: "Guard Plant",
      est_number: "M1234",
    }, 201);
    const theirs = await api.ok("POST", "/api/v1/plants", {
      supplier_id: other.id,
      name: "Other Plant",
      est_number: "M5678",
    }, 201);
    const order = (plant: string) => ({
      supplier_id: supplier.id,
      plant_id: plant,
      order_date: TODAY,
      lines: [{ description: "Trim", cases: 1, price: 10, price_basis: "case" }],
    });
    const refused = await api.call("POST", "/api/v1/purchase-orders", order(theirs.id));
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.match(refused.body.error.details.plant_id[0], /another supplier/);
    const po = await api.ok("POST", "/api/v1/purchase-orders", order(own.id), 201);
    // Moving the order to another supplier without its plant is refused too.
    const moved = await api.call("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      supplier_id: other.id,
      version: po.version,
    });
    assert.equal(moved.status, 422, JSON.stringify(moved.body));
    const both = await api.call("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      supplier_id: other.id,
      plant_id: theirs.id,
      version: po.version,
    });
    assert.equal(both.status, 200, JSON.stringify(both.body));
  } finally {
    await server.close();
  }
});
