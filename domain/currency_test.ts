import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { pdfPages } from "./documents/pdf.ts";
import { confirmAddress, mailTo } from "../tests/helpers/members.ts";
import { DEFAULT_FORMAT } from "./format.ts";
import { inCurrency, isCurrency } from "./currency.ts";
import { businessDay } from "./clock.ts";

function invoice(api: ApiClient, customerId: string, cents: number, extra = {}) {
  return api.ok("POST", "/api/v1/invoices", {
    customer_id: customerId,
    invoice_date: "2026-10-05",
    due_date: "2099-01-01",
    state: "sent",
    lines: [{ description: "Brisket", cases: 1, price: cents / 100, price_basis: "case" }],
    ...extra,
  }, 201);
}

Deno.test("inCurrency() formats in the record's currency and ignores anything else", () => {
  assert.equal(inCurrency(DEFAULT_FORMAT, "CAD").currency, "CAD");
  assert.equal(inCurrency(DEFAULT_FORMAT, "EUR"), DEFAULT_FORMAT);
  assert.equal(inCurrency(DEFAULT_FORMAT, null), DEFAULT_FORMAT);
  assert.ok(isCurrency("MXN") && !isCurrency("usd"));
});

Deno.test("a customer's currency is carried by its sales orders and invoices, printed, and aged apart (over HTTP)", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, t);
    const usd = await api.ok("POST", "/api/v1/customers", { name: "Boston Grocers" }, 201);
    assert.equal(usd.currency, "USD", "USD unless chosen");
    const cad = await api.ok("POST", "/api/v1/customers", {
      name: "Toronto Meats",
      currency: "CAD",
    }, 201);
    assert.equal(cad.currency, "CAD");
    const euro = await api.call("POST", "/api/v1/customers", { name: "Lyon", currency: "EUR" });
    assert.equal(euro.status, 422);
    assert.ok(euro.body.error.details.currency);

    const order = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: cad.id,
      order_date: "2026-10-01",
      lines: [{ description: "Brisket", cases: 2, price: 10, price_basis: "case" }],
    }, 201);
    assert.equal(order.currency, "CAD", "a sales order takes its customer's currency");
    const forced = await api.call("POST", "/api/v1/sales-orders", {
      customer_id: cad.id,
      order_date: "2026-10-01",
      currency: "USD",
    });
    assert.ok(forced.status >= 400 && forced.status < 500, "the client cannot choose it");

    const inUsd = await invoice(api, usd.id, 100_00);
    const inCad = await invoice(api, cad.id, 250_00, { sales_order_id: order.id });
    assert.deepEqual([inUsd.currency, inCad.currency], ["USD", "CAD"]);
    const listed = await api.ok("GET", "/api/v1/invoices?currency=CAD");
    assert.deepEqual(listed.data.map((i: { id: string }) => i.id), [inCad.id]);

    // Moving the customer to pesos leaves what was billed in dollars as it was.
    await api.ok("PATCH", `/api/v1/customers/${cad.id}`, { currency: "MXN", version: cad.version });
    const edited = await api.ok("PATCH", `/api/v1/invoices/${inCad.id}`, {
      notes: "Call before delivery",
      version: inCad.version,
    });
    assert.equal(edited.currency, "CAD", "an existing invoice keeps its currency");
    const inMxn = await invoice(api, cad.id, 1_000_00);
    assert.equal(inMxn.currency, "MXN");

    const aging = await api.ok("GET", "/api/v1/reports/aging");
    assert.equal(aging.totals.current, 100_00, "totals are the default currency's alone");
    assert.deepEqual(
      aging.totals_by_currency.map((x: { currency: string; total_cents: number }) => [
        x.currency,
        x.total_cents,
      ]),
      [["USD", 100_00], ["CAD", 250_00], ["MXN", 1_000_00]],
    );
    assert.equal(aging.data.length, 3, "one row per customer and currency");

    const pdf = await server.fetch(t.host, `/api/v1/invoices/${inCad.id}/pdf`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(pdf.status, 200);
    const [page] = await pdfPages(new Uint8Array(await pdf.arrayBuffer()));
    const text = page!.lines.join("\n").replace(/\s+/g, " ");
    assert.match(text, /Currency: CAD/);
    assert.match(text, /Total CA\$250\.00/);
    assert.doesNotMatch(text, /Total \$250\.00/);

    const soPdf = await server.fetch(t.host, `/api/v1/sales-orders/${order.id}/pdf`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(soPdf.status, 200);
    const [soPage] = await pdfPages(new Uint8Array(await soPdf.arrayBuffer()));
    const soText = soPage!.lines.join("\n").replace(/\s+/g, " ");
    assert.match(soText, /Currency: CAD/);
    assert.match(soText, /Total CA\$20\.00/);

    // The e-mail states the amounts in the invoice's currency too.
    await api.ok("POST", `/api/v1/invoices/${inCad.id}/send`, { to: "ap@toronto.example" }, 201);
    const [mail] = await mailTo(server, "ap@toronto.example");
    assert.match(mail!.text, /for CA\$250\.00/);
    assert.match(mail!.text, /Outstanding: CA\$250\.00/);

    // The dashboard's top customers read in their own currency.
    const today = businessDay(
      server.services.clock,
      server.services.registry.timeZoneOf(t.tenantId),
    );
    await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: cad.id,
      order_date: today,
      lines: [{ description: "Arrachera", cases: 1, price: 77, price_basis: "case" }],
    }, 201);
    const dashboard = await server.fetch(t.host, "/", {
      headers: { cookie: t.jar.header(t.host) },
    });
    assert.match(await dashboard.text(), /MX\$77\.00/);

    const report = await server.fetch(t.host, "/reports?report=aging", {
      headers: { cookie: t.jar.header(t.host) },
    });
    const html = await report.text();
    assert.match(html, /data-currency="CAD"/);
    assert.match(html, /Total MXN/);
    assert.doesNotMatch(html, /\$1,350\.00/, "never USD + CAD + MXN added");
  } finally {
    await server.close();
  }
});
