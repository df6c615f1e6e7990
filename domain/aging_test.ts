/**
 * Aging "as of" a past day, over the real API: a payment dated after that day is still owed on
 * it, and an invoice or bill dated after it is not yet there (receivables, their converted totals
 * and payables alike).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { FixedClock } from "./clock.ts";

Deno.test("aging as of a past day counts what was owed then, not what came in later", async () => {
  const clock = new FixedClock("2026-12-07T18:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Big Grill Co",
      payment_terms: "Net 30",
    }, 201);
    const invoice = (invoice_date: string, dollars: number) =>
      api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date,
        state: "sent",
        lines: [{ description: "Brisket", cases: 1, price: dollars, price_basis: "case" }],
      }, 201);
    const october = await invoice("2026-10-01", 1_000); // due Oct 31
    await invoice("2026-12-03", 250); // after Nov 30
    // Paid in part on Dec 5 (after the end of November), and in part on Nov 10.
    for (const [paid_on, amount_cents] of [["2026-11-10", 100_00], ["2026-12-05", 400_00]]) {
      await api.ok("POST", "/api/v1/payments", {
        direction: "receivable",
        invoice_id: october.id,
        paid_on,
        amount_cents,
      }, 201);
    }

    const november = await api.ok("GET", "/api/v1/reports/aging?as_of=2026-11-30");
    assert.equal(november.data.length, 1);
    assert.deepEqual(november.data[0].buckets, {
      "current": 0,
      "1-30": 900_00, // $1,000 less the $100 of Nov 10; the $400 of Dec 5 came later
      "31-60": 0,
      "61-90": 0,
      "over 90": 0,
    });
    assert.equal(november.data[0].total_cents, 900_00, "the December invoice is not there yet");
    assert.equal(november.converted_totals.total_cents, 900_00);

    const today = await api.ok("GET", "/api/v1/reports/aging");
    assert.equal(today.as_of, "2026-12-07");
    assert.equal(today.data[0].total_cents, 500_00 + 250_00);
    assert.equal(today.converted_totals.total_cents, 750_00);

    const september = await api.ok("GET", "/api/v1/reports/aging?as_of=2026-09-30");
    assert.deepEqual(september.data, [], "nothing was invoiced by then");

    // Payables: the same for a carrier's bill paid after the day.
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Polar Haul" }, 201);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-1",
      bill_date: "2026-11-01",
      due_date: "2026-11-15",
      charges_cents: 2_000_00,
    }, 201);
    await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-2",
      bill_date: "2026-12-02",
      charges_cents: 300_00,
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      bill_id: bill.id,
      paid_on: "2026-12-04",
      amount_cents: 2_000_00,
    }, 201);
    const ap = await api.ok("GET", "/api/v1/reports/ap-aging?as_of=2026-11-30");
    assert.equal(ap.data.length, 1);
    assert.equal(ap.data[0].buckets["1-30"], 2_000_00, "paid on Dec 4, still owed on Nov 30");
    assert.equal(ap.data[0].total_cents, 2_000_00, "PH-2 was billed in December");
    const apToday = await api.ok("GET", "/api/v1/reports/ap-aging");
    assert.equal(apToday.data[0].total_cents, 300_00);
  } finally {
    await server.close();
  }
});
