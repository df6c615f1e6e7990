/**
 * The freight line of an invoice drawn from a load, over the real API: the load's freight is in
 * the workspace's currency, so a customer billed in CAD is charged it converted at the rate of
 * the invoice's day, and with no rate the draft says so instead of billing dollars as pesos.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { FixedClock } from "../clock.ts";

Deno.test("a CAD customer's freight line is the load's USD freight converted; no rate, no guess", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-12-07T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Maple Pack" }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Northern Reefer" }, 201);
    const loadFor = async (currency: string) => {
      const customer = await api.ok("POST", "/api/v1/customers", {
        name: `Deli ${currency}`,
        currency,
        payment_terms: "Net 30",
      }, 201);
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
      return await api.ok("POST", "/api/v1/loads", {
        purchase_order_id: po.id,
        sales_order_id: so.id,
        carrier_id: carrier.id,
        freight_cents: 900_00, // USD, what the carrier is paid
      }, 201);
    };
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-12-01",
      rate: "0.715",
    });
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-12-05",
      rate: "0.7",
    });

    const cad = await loadFor("CAD");
    const draft = await api.ok("GET", `/api/v1/loads/${cad.id}/invoice-draft?freight=true`);
    const freight = draft.values.lines.at(-1);
    // USD 900.00 / 0.7 (the rate of Dec 5, the latest before Dec 7) = CAD 1,285.714... -> 1,285.71
    assert.equal(freight.price, 1285.71);
    assert.match(freight.description, /USD 900\.00 at 0\.7\b/);

    // Dated Dec 3, the invoice takes Dec 1's rate: 900 / 0.715 = 1,258.74.
    const invoice = await api.ok("POST", `/api/v1/loads/${cad.id}/invoice`, {
      bill_freight: true,
      invoice_date: "2026-12-03",
      state: "sent",
    }, 201);
    assert.equal(invoice.currency, "CAD");
    assert.equal(invoice.lines.at(-1).amount_cents, 1_258_74);
    assert.equal(invoice.total_cents, 12_400_00 + 1_258_74);

    // MXN has no rate: the draft refuses to bill USD 900 as MXN 900.
    const mxn = await loadFor("MXN");
    const refused = await api.call("GET", `/api/v1/loads/${mxn.id}/invoice-draft?freight=true`);
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.message, /No MXN exchange rate/);
    // The page draws the form without the freight line and says why.
    const page = await server.fetch(tenant.host, `/loads/${mxn.id}/invoice/new?freight=1`, {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /No MXN exchange rate/);
    assert.doesNotMatch(html, /Freight, load/);
    // Without the freight line, or with the body's own lines, it is drawn as before.
    await api.ok("GET", `/api/v1/loads/${mxn.id}/invoice-draft`);
    await api.ok("POST", `/api/v1/loads/${mxn.id}/invoice`, {
      bill_freight: true,
      lines: [{ description: "Flete", cases: 1, price: 16000, price_basis: "case" }],
    }, 201);

    // In the workspace's own currency the freight is billed as it is.
    const usd = await loadFor("USD");
    const usdDraft = await api.ok("GET", `/api/v1/loads/${usd.id}/invoice-draft?freight=true`);
    assert.equal(usdDraft.values.lines.at(-1).price, 900);
    assert.equal(usdDraft.values.lines.at(-1).description, `Freight, load ${usd.number}`);
  } finally {
    await server.close();
  }
});
