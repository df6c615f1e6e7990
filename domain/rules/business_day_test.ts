/**
 * "Today" follows the clock in Services and the tenant's time zone: an invoice turns overdue at
 * the tenant's midnight, lists and the credit check follow without any write, and nothing in the
 * suite depends on the machine's calendar.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";

Deno.test("an invoice turns overdue at midnight in the tenant's time zone, lists included", async () => {
  // 03:00 UTC on 2 December: still 1 December (9 pm) in Chicago, already the 2nd in UTC.
  const clock = new FixedClock("2026-12-02T03:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const chicago = await signUpTenant(server); // the default zone: America/Chicago
    const utc = await signUpTenant(server);
    await server.services.registry.setTimeZone(utc.tenantId, "UTC");
    const invoiceIn = async (tenant: typeof chicago) => {
      const api = await apiClient(server, tenant);
      const customer = await api.ok("POST", "/api/v1/customers", { name: "Due Grocers" }, 201);
      const invoice = await api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date: "2026-11-01",
        due_date: "2026-12-01",
        state: "sent",
        lines: [{ description: "Trim", cases: 1, price: 100, price_basis: "case" }],
      }, 201);
      return { api, invoice };
    };
    const inChicago = await invoiceIn(chicago);
    const inUtc = await invoiceIn(utc);
    const status = async (x: typeof inChicago) =>
      (await x.api.ok("GET", `/api/v1/invoices/${x.invoice.id}`)).status;
    const listed = async (x: typeof inChicago) =>
      (await x.api.ok("GET", "/api/v1/invoices?status=overdue")).data.length;

    assert.equal(await status(inChicago), "sent", "due today in Chicago: not overdue yet");
    assert.equal(await listed(inChicago), 0);
    assert.equal(await status(inUtc), "overdue", "already the 2nd in UTC");
    assert.equal(await listed(inUtc), 1);

    // Chicago's midnight passes: no write happened, yet the status and the cached list follow.
    clock.set("2026-12-02T06:30:00Z");
    assert.equal(await status(inChicago), "overdue");
    assert.equal(await listed(inChicago), 1);
    const row = await inChicago.api.ok("GET", `/api/v1/invoices/${inChicago.invoice.id}`);
    assert.equal(row.days_past_due, 1);

    // The aging report counts from the same day.
    const aging = await inChicago.api.ok("GET", "/api/v1/reports/aging");
    assert.equal(aging.as_of, "2026-12-02");
    assert.equal(aging.totals["1-30"], 10_000);
  } finally {
    await server.close();
  }
});

Deno.test("signup takes a time zone and refuses one that does not exist", async () => {
  const server = await startTestServer();
  try {
    const signup = (slug: string, time_zone: string) =>
      server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: {
          company_name: "Zone Foods",
          slug,
          owner_name: "Zed",
          email: `owner@${slug}.example`,
          password: "correct horse battery",
          time_zone,
        },
      });
    const bad = await signup("zonebad", "Mars/Olympus");
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(await bad.json()), /time_zone/);
    assert.equal(await server.services.registry.findBySlug("zonebad"), null, "nothing created");
    const good = await signup("zonegood", "America/Mexico_City");
    assert.equal(good.status, 201);
    await good.body?.cancel();
    assert.equal(
      (await server.services.registry.findBySlug("zonegood"))?.timeZone,
      "America/Mexico_City",
    );
  } finally {
    await server.close();
  }
});
