/**
 * A payment is recorded once it is made or received: one dated after the tenant's business day (by
 * the clock in Services, in the tenant's time zone) is refused, on the payment API, on a customer's
 * receipt over several invoices and on a bill; today is allowed.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";

Deno.test("a payment dated after the tenant's today is refused; today is allowed", async () => {
  // 03:00 UTC on 8 December: still 7 December (9 pm) in Chicago, the tenant's zone.
  const clock = new FixedClock("2026-12-08T03:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Early Grocers" }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Early Haul" }, 201);
    const invoice = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-12-01",
      state: "sent",
      lines: [{ description: "Trim", cases: 1, price: 100, price_basis: "case" }],
    }, 201);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "EH-1",
      bill_date: "2026-12-01",
      charges_cents: 500_00,
    }, 201);

    // The UTC date is already the 8th; in Chicago that is tomorrow.
    const receivable = await api.call("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 10_00,
      paid_on: "2026-12-08",
      invoice_id: invoice.id,
    });
    assert.equal(receivable.status, 422);
    assert.equal(
      receivable.body.error.message,
      "The payment date (2026-12-08) is after today (2026-12-07): record a payment once it is made or received.",
    );
    assert.deepEqual(Object.keys(receivable.body.error.details), ["paid_on"]);

    const receipt = (paid_on: string) =>
      api.call("POST", `/api/v1/customers/${customer.id}/payments`, {
        paid_on,
        amount_cents: 20_00,
        allocations: [{ invoice_id: invoice.id, amount_cents: 20_00 }],
      });
    const early = await receipt("2026-12-31");
    assert.equal(early.status, 422);
    assert.match(early.body.error.message, /^The payment date \(2026-12-31\) is after today/);

    const billPayment = (paid_on: string) =>
      api.call("POST", "/api/v1/payments", {
        direction: "payable",
        amount_cents: 100_00,
        paid_on,
        bill_id: bill.id,
      });
    assert.equal((await billPayment("2026-12-08")).status, 422);

    // Nothing was recorded by the refusals.
    assert.equal((await api.ok("GET", `/api/v1/invoices/${invoice.id}`)).paid_cents, 0);
    assert.equal((await api.ok("GET", `/api/v1/bills/${bill.id}`)).paid_cents, 0);

    // Today in Chicago is allowed, and so is the 8th once Chicago's midnight has passed.
    assert.equal((await receipt("2026-12-07")).status, 201);
    assert.equal((await billPayment("2026-12-07")).status, 201);
    clock.set("2026-12-08T06:30:00Z");
    assert.equal((await billPayment("2026-12-08")).status, 201);

    // Moving a recorded payment's date into the future is refused too.
    const payments = (await api.ok("GET", `/api/v1/payments?bill_id=${bill.id}`)).data;
    const paid = await api.ok("GET", `/api/v1/payments/${payments[0].id}`);
    const moved = await api.call("PATCH", `/api/v1/payments/${paid.id}`, {
      version: paid.version,
      paid_on: "2026-12-09",
    });
    assert.equal(moved.status, 422);
  } finally {
    await server.close();
  }
});
