/**
 * Payables aging and what is owed this week, over the real API and pages, on a fixed business day.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";
import { addDays } from "../rules/due_dates.ts";

const TODAY = "2026-11-18"; // a Wednesday: the week runs to Sunday the 22nd

Deno.test("payables aging buckets open bills by vendor; paid, void and other tenants' bills stay out", async () => {
  const clock = new FixedClock(`${TODAY}T18:00:00Z`);
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  }, { clock });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const other = await apiClient(server, await signUpTenant(server));
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Polar Haul" }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const bill = (extra: Record<string, unknown>) =>
      api.ok("POST", "/api/v1/bills", { bill_date: addDays(TODAY, -60), ...extra }, 201);
    await bill({
      kind: "carrier",
      carrier_id: carrier.id,
      number: "A",
      due_date: TODAY,
      charges_cents: 1_000_00,
    });
    await bill({
      kind: "carrier",
      carrier_id: carrier.id,
      number: "B",
      due_date: addDays(TODAY, -45),
      charges_cents: 200_00,
    });
    await bill({
      kind: "supplier",
      supplier_id: supplier.id,
      number: "C",
      due_date: addDays(TODAY, -1),
      charges_cents: 300_00,
    });
    await bill({
      kind: "other",
      vendor_name: "Scale House",
      number: "D",
      due_date: addDays(TODAY, 4),
      charges_cents: 50_00,
    });
    await bill({
      kind: "other",
      vendor_name: "Scale House",
      number: "E",
      due_date: addDays(TODAY, 10),
      charges_cents: 70_00,
    });
    const voided = await bill({
      kind: "carrier",
      carrier_id: carrier.id,
      number: "F",
      due_date: TODAY,
      charges_cents: 999_00,
    });
    await api.ok("PATCH", `/api/v1/bills/${voided.id}`, { version: voided.version, state: "void" });
    const paid = await bill({
      kind: "supplier",
      supplier_id: supplier.id,
      number: "G",
      due_date: TODAY,
      charges_cents: 400_00,
    });
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 400_00,
      paid_on: TODAY,
      bill_id: paid.id,
    }, 201);
    // Another workspace's bill never shows here.
    const theirs = await other.ok("POST", "/api/v1/carriers", { name: "Polar Haul" }, 201);
    await other.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: theirs.id,
      number: "A",
      bill_date: TODAY,
      charges_cents: 77_77,
    }, 201);

    const aging = await api.ok("GET", "/api/v1/reports/ap-aging");
    assert.equal(aging.as_of, TODAY);
    const byVendor = Object.fromEntries(
      aging.data.map((r: { vendor: string }) => [r.vendor, r]),
    );
    assert.deepEqual(Object.keys(byVendor).sort(), [
      "Polar Haul",
      "Prairie Packers",
      "Scale House",
    ]);
    assert.equal(byVendor["Polar Haul"].buckets.current, 1_000_00);
    assert.equal(byVendor["Polar Haul"].buckets["31-60"], 200_00);
    assert.equal(byVendor["Polar Haul"].total_cents, 1_200_00);
    assert.equal(byVendor["Prairie Packers"].buckets["1-30"], 300_00);
    assert.equal(byVendor["Scale House"].total_cents, 120_00);
    assert.equal(byVendor["Scale House"].href, null);
    assert.equal(aging.totals.current, 1_000_00 + 120_00);

    // Later "as of": the same bills move to older buckets.
    const later = await api.ok("GET", `/api/v1/reports/ap-aging?as_of=${addDays(TODAY, 31)}`);
    const polar = later.data.find((r: { vendor: string }) => r.vendor === "Polar Haul");
    assert.equal(polar.buckets["1-30"], 0);
    assert.equal(polar.buckets["31-60"], 1_000_00);
    assert.equal(polar.buckets["61-90"], 200_00);

    const csv = await server.fetch(tenant.host, "/reports/export.csv?report=ap_aging", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    assert.equal(csv.status, 200);
    const text = await csv.text();
    assert.match(text, /^\uFEFF?Vendor,current,1-30,31-60,61-90,over 90,Total\r?\n/);
    assert.match(text, /Polar Haul,1000\.00,0\.00,200\.00,0\.00,0\.00,1200\.00/);
    assert.doesNotMatch(text, /77\.77|999\.00/);

    // The dashboard: due by Sunday, past due included (A, B, C, D; not E, F or G).
    const dashboard = await server.fetch(tenant.host, "/", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    const html = await dashboard.text();
    assert.match(html, /data-payables-week[^>]*>\$1,550\.00</);
    assert.match(html, /4 bills/);
  } finally {
    await server.close();
  }
});
