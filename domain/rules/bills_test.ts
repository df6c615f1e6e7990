/**
 * Bills (accounts payable) over the real API: due dates from the vendor's terms, overdue by the
 * tenant's business day, payments out and overpayment, the vendor's number unique per vendor,
 * matching with the load or the PO and the tolerance, and the margin with the billed freight.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";
import { addDays } from "./due_dates.ts";
import { saveMatchTolerance } from "../payables/tolerance.ts";

/** A known day; CI also runs 400 days ahead, so nothing below depends on the real date. */
const TODAY = "2026-11-20";

async function setup() {
  const clock = new FixedClock(`${TODAY}T18:00:00Z`);
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  }, { clock });
  const tenant = await signUpTenant(server);
  const api = await apiClient(server, tenant);
  const carrier = await api.ok("POST", "/api/v1/carriers", {
    name: "Polar Haul",
    payment_terms: "Net 15",
  }, 201);
  const supplier = await api.ok("POST", "/api/v1/suppliers", {
    name: "Prairie Packers",
    payment_terms: "Net 7",
  }, 201);
  const customer = await api.ok("POST", "/api/v1/customers", { name: "Bill Grocers" }, 201);
  return { clock, server, tenant, api, carrier, supplier, customer };
}

async function carrierLoad(
  api: ApiClient,
  supplierId: string,
  customerId: string,
  carrierId: string,
) {
  const po = await api.ok("POST", "/api/v1/purchase-orders", {
    supplier_id: supplierId,
    order_date: "2026-11-01",
    lines: [{ description: "Trim", weight: 10_000, price: 2 }],
  }, 201);
  const so = await api.ok("POST", "/api/v1/sales-orders", {
    customer_id: customerId,
    order_date: "2026-11-01",
    lines: [{ description: "Trim", weight: 10_000, price: 2.3, purchase_order_id: po.id }],
  }, 201);
  const load = await api.ok("POST", "/api/v1/loads", {
    carrier_id: carrierId,
    purchase_order_id: po.id,
    sales_order_id: so.id,
    pickup_appointment: "2026-11-03T08:00",
    freight_cents: 1_500_00,
  }, 201);
  return { po, so, load };
}

async function withTenantDb<T>(
  server: TestServer,
  tenantId: string,
  fn: (db: Parameters<typeof saveMatchTolerance>[0]) => Promise<T>,
): Promise<T> {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return await fn(lease.db);
  } finally {
    lease.release();
  }
}

Deno.test("a bill is due by the vendor's terms and turns overdue on the business day after", async () => {
  const { clock, server, api, carrier } = await setup();
  try {
    const billDate = addDays(TODAY, -10);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-881",
      bill_date: billDate,
      charges_cents: 1_200_00,
    }, 201);
    assert.equal(bill.due_date, addDays(billDate, 15)); // the carrier's Net 15
    assert.equal(bill.total_cents, 1_200_00);
    assert.equal(bill.outstanding_cents, 1_200_00);
    assert.equal(bill.status, "open");

    clock.set(`${addDays(TODAY, 5)}T18:00:00Z`); // the due date itself: not overdue yet
    assert.equal((await api.ok("GET", `/api/v1/bills/${bill.id}`)).status, "open");
    clock.set(`${addDays(TODAY, 6)}T18:00:00Z`);
    const late = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(late.status, "overdue");
    assert.equal(late.days_past_due, 1);
    const overdue = await api.ok("GET", "/api/v1/bills?status=overdue");
    assert.deepEqual(overdue.data.map((b: { id: string }) => b.id), [bill.id]);
  } finally {
    await server.close();
  }
});

Deno.test("payments out apply to a bill; more than is outstanding is refused on amount_cents", async () => {
  const { server, api, supplier } = await setup();
  try {
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "supplier",
      supplier_id: supplier.id,
      number: "INV-77",
      bill_date: TODAY,
      lines: [{ description: "Trim", weight: 1_000, price: 2 }],
    }, 201);
    assert.equal(bill.total_cents, 2_000_00);
    assert.equal(bill.due_date, addDays(TODAY, 7));

    const first = await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 500_00,
      paid_on: TODAY,
      bill_id: bill.id,
    }, 201);
    let read = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(read.paid_cents, 500_00);
    assert.equal(read.outstanding_cents, 1_500_00);
    assert.equal(read.status, "partially_paid");

    const over = await api.call("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 1_500_01,
      paid_on: TODAY,
      bill_id: bill.id,
    });
    assert.equal(over.status, 422);
    assert.ok(over.body.error.details.amount_cents, JSON.stringify(over.body));
    assert.match(over.body.error.message, /\$1,500\.00 is outstanding on that bill/);
    const receivable = await api.call("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 100,
      paid_on: TODAY,
      bill_id: bill.id,
    });
    assert.equal(receivable.status, 422);
    const payments = await api.ok("GET", `/api/v1/payments?bill_id=${bill.id}`);
    assert.equal(payments.data.length, 1, "a refused payment writes nothing");

    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 1_500_00,
      paid_on: TODAY,
      bill_id: bill.id,
    }, 201);
    read = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(read.status, "paid");
    assert.equal(read.outstanding_cents, 0);
    const voided = await api.call("PATCH", `/api/v1/bills/${bill.id}`, {
      version: read.version,
      state: "void",
    });
    assert.equal(voided.status, 409);

    // Taking a payment off puts it back on the bill.
    await api.ok("DELETE", `/api/v1/payments/${first.id}`, undefined, 204);
    read = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(read.outstanding_cents, 500_00);
    assert.equal(read.status, "partially_paid");
  } finally {
    await server.close();
  }
});

Deno.test("a vendor's bill number is unique for that vendor only, and the vendor fits the kind", async () => {
  const { server, api, carrier, supplier } = await setup();
  try {
    const bill = { kind: "carrier", carrier_id: carrier.id, number: "FB-1", bill_date: TODAY };
    await api.ok("POST", "/api/v1/bills", bill, 201);
    const again = await api.call("POST", "/api/v1/bills", { ...bill, number: "fb-1" });
    assert.equal(again.status, 409);
    assert.ok(again.body.error.details.number);
    const other = await api.ok("POST", "/api/v1/carriers", { name: "Other Reefer" }, 201);
    await api.ok("POST", "/api/v1/bills", { ...bill, carrier_id: other.id }, 201);

    const wrongKind = await api.call("POST", "/api/v1/bills", {
      kind: "carrier",
      supplier_id: supplier.id,
      number: "X-1",
      bill_date: TODAY,
    });
    assert.equal(wrongKind.status, 422);
    assert.ok(wrongKind.body.error.details.carrier_id);
    const two = await api.call("POST", "/api/v1/bills", {
      kind: "other",
      vendor_name: "Scale House",
      supplier_id: supplier.id,
      number: "X-2",
      bill_date: TODAY,
    });
    assert.equal(two.status, 422);
    assert.equal((await api.ok("GET", "/api/v1/bills")).data.length, 2);
  } finally {
    await server.close();
  }
});

Deno.test("a carrier bill is matched with the load's freight, flagged beyond the tolerance, and the margin uses it", async () => {
  const { server, tenant, api, carrier, supplier, customer } = await setup();
  try {
    const { load } = await carrierLoad(api, supplier.id, customer.id, carrier.id);
    assert.equal(load.margin_cents, 23_000_00 - 20_000_00 - 1_500_00);
    assert.equal(load.billed_freight_cents, null);

    // $10 over a $1,500 rate: within 1% ($15), under the $50 cap.
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-1",
      load_id: load.id,
      bill_date: TODAY,
      charges_cents: 1_510_00,
    }, 201);
    let read = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(read.match.status, "matched");
    assert.deepEqual(read.match.against, { collection: "loads", id: load.id });
    assert.equal(read.match.checks[0].difference, 10_00);
    assert.equal(read.match.checks[0].over_tolerance, false);

    // The margin now counts the billed freight, on the load and in the reports.
    const billed = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(billed.billed_freight_cents, 1_510_00);
    assert.equal(billed.margin_cents, 23_000_00 - 20_000_00 - 1_510_00);
    const report = await api.ok(
      "GET",
      "/api/v1/reports/margin?by=load&from=2026-11-01&to=2026-11-30",
    );
    assert.equal(report.data[0].margin_cents, 23_000_00 - 20_000_00 - 1_510_00);
    assert.equal(report.data[0].freight_cents, 1_510_00);

    // $100 over: more than 1% -> flagged.
    await api.ok("PATCH", `/api/v1/bills/${bill.id}`, {
      version: read.version,
      charges_cents: 1_600_00,
    });
    read = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(read.match.status, "differences");
    assert.equal(read.match.checks[0].difference, 100_00);
    assert.equal(read.match.checks[0].over_tolerance, true);

    // A tenant that allows 10% (cap $200) accepts the same difference.
    await withTenantDb(
      server,
      tenant.tenantId,
      (db) => saveMatchTolerance(db, null, { percent: 10, cents: 200_00 }),
    );
    read = await api.ok("GET", `/api/v1/bills/${bill.id}`);
    assert.equal(read.match.status, "matched");
    assert.deepEqual(read.match.tolerance, { percent: 10, cents: 200_00 });

    // A void bill no longer counts: the agreed rate is back in the margin.
    await api.ok("PATCH", `/api/v1/bills/${bill.id}`, { version: read.version, state: "void" });
    const voided = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(voided.margin_cents, 23_000_00 - 20_000_00 - 1_500_00);
  } finally {
    await server.close();
  }
});

Deno.test("a supplier invoice is three-way matched with the PO lines and the weight received", async () => {
  const { server, api, carrier, supplier, customer } = await setup();
  try {
    const { po, load } = await carrierLoad(api, supplier.id, customer.id, carrier.id);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "supplier",
      supplier_id: supplier.id,
      number: "PP-5001",
      purchase_order_id: po.id,
      bill_date: TODAY,
      lines: [{ description: "Trim", weight: 10_000, price: 2 }],
    }, 201);
    let match = (await api.ok("GET", `/api/v1/bills/${bill.id}`)).match;
    assert.equal(match.status, "incomplete", "no weight received yet");
    assert.deepEqual(match.checks.map((c: { check: string }) => c.check), [
      "amount",
      "weight_ordered",
    ]);

    await api.ok("PATCH", `/api/v1/loads/${load.id}`, {
      version: load.version,
      received_weight_lb: 9_990,
    });
    match = (await api.ok("GET", `/api/v1/bills/${bill.id}`)).match;
    assert.equal(match.status, "matched");

    const reread = await api.ok("GET", `/api/v1/loads/${load.id}`);
    await api.ok("PATCH", `/api/v1/loads/${load.id}`, {
      version: reread.version,
      received_weight_lb: 9_500,
    });
    match = (await api.ok("GET", `/api/v1/bills/${bill.id}`)).match;
    assert.equal(match.status, "differences");
    const received = match.checks.find((c: { check: string }) => c.check === "weight_received");
    assert.equal(received.expected, 9_500);
    assert.equal(received.difference, 500);
    assert.equal(received.over_tolerance, true);
    const amount = match.checks.find((c: { check: string }) => c.check === "amount");
    assert.equal(amount.over_tolerance, false);
  } finally {
    await server.close();
  }
});

Deno.test("bills import from CSV with vendors and loads by name, all rows or none, and export back", async () => {
  const { server, tenant, api, carrier, supplier, customer } = await setup();
  try {
    const { load } = await carrierLoad(api, supplier.id, customer.id, carrier.id);
    const headers = { cookie: tenant.jar.header(tenant.host) };
    const upload = async (csv: string, confirm: boolean) => {
      const form = new URLSearchParams({ _csrf: tenant.csrf, csv });
      if (confirm) form.set("confirm", "1");
      return await server.fetch(tenant.host, "/bills/import", {
        method: "POST",
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
    };
    const bad = "Kind,Carrier,Vendor's bill number,Bill date,Charges not on lines,Load\n" +
      `carrier,Polar Haul,PH-900,${TODAY},1510.00,${load.number}\n` +
      `carrier,Nobody Trucking,NT-1,${TODAY},100.00,\n`;
    const refused = await upload(bad, true);
    assert.notEqual(refused.status, 303);
    await refused.body?.cancel();
    assert.equal((await api.ok("GET", "/api/v1/bills")).data.length, 0, "no row kept");

    const good = bad.split("\n").slice(0, 2).join("\n") + "\n";
    const done = await upload(good, true);
    assert.equal(done.status, 303);
    await done.body?.cancel();
    const [bill] = (await api.ok("GET", "/api/v1/bills")).data;
    assert.equal(bill.carrier_id, carrier.id);
    assert.equal(bill.load_id, load.id);
    assert.equal(bill.total_cents, 1_510_00);
    assert.equal(bill.due_date, addDays(TODAY, 15));

    const csv = await server.fetch(tenant.host, "/bills/export.csv", { headers });
    const text = await csv.text();
    assert.match(text, /PH-900/);
    assert.match(text, /Polar Haul/);
  } finally {
    await server.close();
  }
});
