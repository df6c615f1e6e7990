import assert from "node:assert/strict";
import { matchRemittance, type OpenInvoice } from "./receipts.ts";
import { insuranceStatus } from "./carriers.ts";
import { dateOf } from "./lookup.ts";

const open: OpenInvoice[] = [
  {
    id: "a",
    number: "INV-50001",
    invoice_date: "2026-09-01",
    due_date: "2026-10-01",
    total_cents: 100_000,
    outstanding_cents: 100_000,
  },
  {
    id: "b",
    number: "INV-50002",
    invoice_date: "2026-10-01",
    due_date: "2026-10-31",
    total_cents: 250_000,
    outstanding_cents: 200_000,
  },
  {
    id: "c",
    number: "INV-50010",
    invoice_date: "2026-11-01",
    due_date: "2026-12-01",
    total_cents: 90_000,
    outstanding_cents: 90_000,
  },
];

Deno.test("matchRemittance() without advice pays the oldest due first", () => {
  assert.deepEqual(matchRemittance(open, 150_000), {
    allocations: [{ invoice_id: "a", amount_cents: 100_000 }, {
      invoice_id: "b",
      amount_cents: 50_000,
    }],
    named: [],
    unapplied_cents: 0,
  });
});

Deno.test("matchRemittance() takes the amounts the advice writes beside the numbers it names", () => {
  const advice = "Check 1182\nInv 50010   900.00\nINV-50002 $1,500.00\n";
  const m = matchRemittance(open, 300_000, advice);
  assert.deepEqual(m.named, ["b", "c"]);
  assert.deepEqual(m.allocations, [
    { invoice_id: "a", amount_cents: 60_000 },
    { invoice_id: "b", amount_cents: 150_000 },
    { invoice_id: "c", amount_cents: 90_000 },
  ]);
  assert.equal(m.unapplied_cents, 0);
});

Deno.test("matchRemittance() never applies more than is owed and reports the rest", () => {
  const m = matchRemittance(open, 500_000, "INV-50001 5,000.00");
  assert.deepEqual(m.allocations.map((a) => a.amount_cents), [100_000, 200_000, 90_000]);
  assert.equal(m.unapplied_cents, 110_000);
  // "500010" is not invoice 50001: numbers match whole.
  assert.deepEqual(matchRemittance(open, 0, "ref 500010").named, []);
});

Deno.test("insuranceStatus() and dateOf() read the business day", () => {
  assert.equal(insuranceStatus(null, "2026-11-20"), "unknown");
  assert.equal(insuranceStatus("2026-11-19", "2026-11-20"), "expired");
  assert.equal(insuranceStatus("2026-12-20", "2026-11-20"), "expiring");
  assert.equal(insuranceStatus("2026-12-21", "2026-11-20"), "current");
  // A day without a year is the nearest: last November seen from May, this one from October.
  assert.equal(dateOf("11/20", "2026-05-01"), "2025-11-20");
  assert.equal(dateOf("11/20", "2026-10-01"), "2026-11-20");
  assert.equal(dateOf("12/31", "2027-01-02"), "2026-12-31");
  assert.equal(dateOf("2/30", "2027-01-02"), null);
  assert.equal(dateOf("2027-02-30", "2027-01-02"), null);
  assert.equal(dateOf("1/2/27", "2026-05-01"), "2027-01-02");
  assert.equal(dateOf("PO-10001", "2026-05-01"), null);
});
