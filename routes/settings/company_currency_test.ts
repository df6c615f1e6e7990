/**
 * The workspace's own currency in Settings → Company, over real HTTP: a new workspace chooses it
 * and its costs, freight and margins are then kept in it; once money records or exchange rates
 * exist the change is refused (409) and nothing changes; a broker may not change it.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { FixedClock } from "../../domain/clock.ts";
import { workspaceCurrency } from "../../domain/exchange.ts";

function postCurrency(
  server: TestServer,
  s: Session,
  currency: string,
  headers: Record<string, string> = {},
) {
  return server.fetch(s.host, "/settings/company/currency", {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams({ _csrf: s.csrf, currency }).toString(),
  });
}

async function page(server: TestServer, s: Session, path: string) {
  const res = await server.fetch(s.host, path, { headers: { cookie: s.jar.header(s.host) } });
  return { status: res.status, html: await res.text() };
}

/** The stored currency and the currency changes in the tenant's history. */
async function stored(server: TestServer, tenantId: string) {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    const history = await lease.db.execute(
      `SELECT user_id, changes FROM audit_log WHERE entity = 'settings' AND entity_id = 'company'
       AND changes LIKE '%"currency"%' ORDER BY at`,
    );
    return {
      currency: await workspaceCurrency(lease.db),
      history: history.rows.map((r) => ({
        userId: r.user_id,
        changes: JSON.parse(String(r.changes)),
      })),
    };
  } finally {
    lease.release();
  }
}

const selected = (html: string) =>
  /<select[^>]*id="company-currency"[\s\S]*?<option value="(\w+)" selected/.exec(html)?.[1];

Deno.test("an admin (not a broker) switches a new workspace to CAD; its freight and margins are then in CAD", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const t = await signUpTenant(server);
    const m = await addMember(server, t.tenantId, "admin");
    const admin = await signIn(server, t.host, m.email, m.password);
    const b = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, b.email, b.password);

    // Only an owner or admin chooses it.
    const refused = await postCurrency(server, broker, "CAD");
    await refused.body?.cancel();
    assert.equal(refused.status, 403);
    assert.deepEqual(await stored(server, t.tenantId), { currency: "USD", history: [] });

    const before = await page(server, admin, "/settings/company");
    assert.equal(before.status, 200);
    assert.equal(selected(before.html), "USD");

    const res = await postCurrency(server, admin, "CAD");
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/settings/company?saved=currency#currency");
    const after = await page(server, admin, "/settings/company?saved=currency");
    assert.match(after.html, /Saved\. Costs, freight and reports are now kept in this currency\./);
    assert.equal(selected(after.html), "CAD");
    assert.match(after.html, /Tolerance for money \(CAD\)/);
    assert.deepEqual(await stored(server, t.tenantId), {
      currency: "CAD",
      history: [{ userId: m.userId, changes: { currency: ["USD", "CAD"] } }],
    });

    // A CAD sale less CAD costs and freight: no exchange rate is needed or asked for.
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Maple Pack" }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Northern Reefer" }, 201);
    // A customer with no currency chosen is in the workspace's; one may still be in USD.
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Deli Montréal",
      payment_terms: "Net 30",
    }, 201);
    assert.equal(customer.currency, "CAD");
    const american = await api.ok("POST", "/api/v1/customers", {
      name: "Buffalo Deli",
      currency: "USD",
    }, 201);
    assert.equal(american.currency, "USD");
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Pork loin", cases: 100, weight: 4000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      purchase_order_id: po.id,
      order_date: "2026-12-01",
      lines: [{ description: "Pork loin", cases: 100, weight: 4000, price: 3.1 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      sales_order_id: so.id,
      carrier_id: carrier.id,
      freight_cents: 900_00,
    }, 201);

    const draft = await api.ok("GET", `/api/v1/loads/${load.id}/invoice-draft?freight=true`);
    const freight = draft.values.lines.at(-1);
    assert.equal(freight.price, 900, "CAD freight billed to a CAD customer as it is");
    assert.equal(freight.description, `Freight, load ${load.number}`);

    const report = await api.ok(
      "GET",
      "/api/v1/reports/margin?by=load&from=2026-12-01&to=2026-12-31",
    );
    assert.equal(report.data.length, 1);
    assert.equal(report.data[0].workspace_currency, "CAD");
    assert.equal(report.data[0].margin_cents, 12_400_00 - 8_000_00 - 900_00);
    assert.equal(report.totals.margin_cents, 12_400_00 - 8_000_00 - 900_00);

    // The purchase order reads in Canadian dollars; CAD now needs no rate, USD does.
    assert.match((await page(server, admin, `/purchase-orders/${po.id}`)).html, /CA\$8,000\.00/);
    const own = await api.call("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-12-01",
      rate: "1.37",
    });
    assert.equal(own.status, 422);
    assert.match(own.body.error.message, /CAD is the workspace's own currency/);

    // Receivables and payables total in CAD: the aging API's `totals` are the workspace's
    // currency's buckets, and the payables aging reads its bills in CAD.
    await api.ok("POST", `/api/v1/loads/${load.id}/invoice`, {
      bill_freight: true,
      invoice_date: "2026-12-03",
      state: "sent",
    }, 201);
    const aging = await api.ok("GET", "/api/v1/reports/aging");
    assert.equal(aging.totals.current, 12_400_00 + 900_00);
    assert.deepEqual(aging.totals_by_currency.map((x: { currency: string }) => x.currency), [
      "CAD",
    ]);
    await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "NR-1",
      bill_date: "2026-12-02",
      charges_cents: 900_00,
    }, 201);
    const ap = await page(server, admin, "/reports?report=ap_aging");
    assert.equal(ap.status, 200);
    assert.match(ap.html, /CA\$900\.00/);
    assert.doesNotMatch(ap.html, /US\$|>\$900\.00/);
  } finally {
    await server.close();
  }
});

Deno.test("a workspace with a purchase order is refused the change (409) until it is archived", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Pack" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-12-01",
      lines: [{ description: "Beef chuck", cases: 10, weight: 600, price: 4 }],
    }, 201);

    const res = await postCurrency(server, t, "CAD");
    const html = await res.text();
    assert.equal(res.status, 409);
    assert.match(
      html,
      /currency cannot change once it has purchase orders, loads, invoices, bills, payments or claims/,
    );
    assert.equal(selected(html), "USD", "the page shows the currency still in force");
    assert.deepEqual(await stored(server, t.tenantId), { currency: "USD", history: [] });
    assert.match((await page(server, t, `/purchase-orders/${po.id}`)).html, /\$2,400\.00/);

    // A Spanish reader reads why.
    const es = await postCurrency(server, t, "MXN", { "accept-language": "es" });
    assert.equal(es.status, 409);
    assert.match(await es.text(), /La moneda del espacio de trabajo no puede cambiar/);

    // Archived records are set aside: with none left, the workspace may choose again.
    await api.ok("POST", `/api/v1/purchase-orders/${po.id}/archive`);
    const ok = await postCurrency(server, t, "MXN");
    await ok.body?.cancel();
    assert.equal(ok.status, 303);
    assert.equal((await stored(server, t.tenantId)).currency, "MXN");
  } finally {
    await server.close();
  }
});

Deno.test("stored exchange rates refuse the change: they are written in the old currency", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-12-01",
      rate: "0.715",
    });
    const res = await postCurrency(server, t, "MXN");
    const html = await res.text();
    assert.equal(res.status, 409);
    assert.match(html, /Exchange rates are written in the workspace/);
    assert.deepEqual(await stored(server, t.tenantId), { currency: "USD", history: [] });

    const bad = await postCurrency(server, t, "EUR");
    await bad.body?.cancel();
    assert.equal(bad.status, 422);
    assert.equal((await stored(server, t.tenantId)).currency, "USD");
  } finally {
    await server.close();
  }
});
