/**
 * A priced line needs the quantity its price is per: once a document counts money (an order past
 * draft, a sent invoice, a bill), a per-case line with no cases or a per-weight line with no
 * weight is refused with a message naming the line, instead of totalling $0.00. Drafts, such as
 * those made from documents the reader could not fully read, may stay incomplete.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";

Deno.test("a per-case line with no cases is refused once the document counts money, and a draft keeps it", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Case Grocers" }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Case Packers" }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Case Haul" }, 201);
    const good = { description: "Ribeye", cases: 10, price: 40, price_basis: "case" };
    const noCases = { description: "Brisket", price: 42, price_basis: "case" };

    // A sent invoice: refused, naming the line and the missing quantity; nothing saved.
    const sent = await api.call("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-12-07",
      state: "sent",
      lines: [good, noCases],
    });
    assert.equal(sent.status, 422);
    assert.equal(
      sent.body.error.message,
      "Line 2 is priced per case but has no cases: enter the number of cases.",
    );
    assert.deepEqual(Object.keys(sent.body.error.details), ["lines.1.cases"]);
    assert.equal((await api.ok("GET", "/api/v1/invoices")).data.length, 0, "nothing saved");

    // A draft invoice keeps the incomplete line; sending it as it stands is refused.
    const draft = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-12-07",
      lines: [good, noCases],
    }, 201);
    assert.equal(draft.state, "draft");
    assert.equal(draft.subtotal_cents, 400_00);
    const send = await api.call("PATCH", `/api/v1/invoices/${draft.id}`, {
      version: draft.version,
      state: "sent",
    });
    assert.equal(send.status, 422);
    assert.match(send.body.error.message, /^Line 2 is priced per case but has no cases/);
    const fixed = await api.ok("PATCH", `/api/v1/invoices/${draft.id}`, {
      version: draft.version,
      state: "sent",
      lines: [good, { ...noCases, cases: 5 }],
    });
    assert.equal(fixed.total_cents, 610_00);

    // A line with a weight but no cases says a per-case price cannot be applied to the weight.
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-07",
      lines: [{ ...noCases, weight: 2400 }],
    }, 201);
    assert.equal(po.status, "draft");
    const approve = await api.call("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      version: po.version,
      status: "approved",
    });
    assert.equal(approve.status, 422);
    assert.match(approve.body.error.message, /cannot be applied to its weight/);
    assert.deepEqual(Object.keys(approve.body.error.details), ["lines.0.cases"]);

    // A per-weight line with no weight, on an order past draft.
    const so = await api.call("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-12-07",
      status: "confirmed",
      lines: [good, good, { description: "Trim", cases: 20, price: 2.2 }],
    });
    assert.equal(so.status, 422);
    assert.equal(
      so.body.error.message,
      "Line 3 is priced per weight unit but has no weight: enter the weight, or price the line per case.",
    );

    // A bill has no draft: it is what is owed from the day it is entered.
    const bill = await api.call("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "CH-1",
      bill_date: "2026-12-07",
      lines: [noCases],
    });
    assert.equal(bill.status, 422);
    assert.deepEqual(Object.keys(bill.body.error.details), ["lines.0.cases"]);

    // A line without a price is no amount to lose: allowed anywhere.
    await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-12-07",
      status: "confirmed",
      lines: [good, { description: "Sample box", price_basis: "case" }],
    }, 201);
  } finally {
    await server.close();
  }
});
