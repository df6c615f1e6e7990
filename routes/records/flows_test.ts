/**
 * The flow pages over real HTTP with a signed-in cookie and no JavaScript: each screen is
 * pre-filled and writes nothing until posted; a refused save comes back to the same screen.
 */
import { confirmAddress } from "../../tests/helpers/members.ts";
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";

function browser(server: TestServer, t: SignedUp) {
  const get = async (path: string) => {
    const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const post = async (path: string, fields: Array<[string, string]>) => {
    const res = await server.fetch(t.host, path, {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
        origin: `http://${t.host}:${server.port}`,
      },
      body: new URLSearchParams([["_csrf", t.csrf], ...fields]).toString(),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  return { get, post };
}

Deno.test("flow pages: sell a PO, book its load, invoice and send it, record the payment", async (t) => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server, "flowpages");
    await confirmAddress(server, tenant.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, tenant);
    const page = browser(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Lone Star Grocers",
      email: "ap@lonestar.example",
    }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Cold Chain Express",
      dispatch_email: "dispatch@coldchain.example",
      insurance_expires: "2026-11-01",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-18",
      lines: [{ description: "Beef trim 81/19", cases: 800, weight: 40000, price: 2 }],
    }, 201);

    let soId = "";
    await t.step(
      "the PO's page offers the flows; the SO screen is pre-filled with margin",
      async () => {
        const detail = await page.get(`/purchase-orders/${po.id}`);
        assert.match(detail.text, new RegExp(`/purchase-orders/${po.id}/sales-order/new`));
        const screen = await page.get(`/purchase-orders/${po.id}/sales-order/new`);
        assert.equal(screen.status, 200);
        assert.match(screen.text, /Beef trim 81\/19/);
        assert.match(screen.text, /data-lines-margin/);
        assert.equal((await api.ok("GET", "/api/v1/sales-orders")).data.length, 0);
        const refused = await page.post(`/purchase-orders/${po.id}/sales-order`, [
          ["_has.lines", "1"],
          ["lines.0.description", "Beef trim 81/19"],
          ["lines.0.weight", "40000"],
          ["lines.0.price", "2.25"],
          ["lines.0.cost_cents", "8000000"],
        ]);
        assert.equal(refused.status, 422);
        assert.match(refused.text, /2\.25/, "what was typed comes back");
        assert.equal((await api.ok("GET", "/api/v1/sales-orders")).data.length, 0);
        const saved = await page.post(`/purchase-orders/${po.id}/sales-order`, [
          ["customer_id", customer.id],
          ["order_date", "2026-11-20"],
          ["_has.lines", "1"],
          ["lines.0.description", "Beef trim 81/19"],
          ["lines.0.weight", "40000"],
          ["lines.0.price", "2.25"],
          ["lines.0.cost_cents", "8000000"],
        ]);
        assert.equal(saved.status, 303);
        soId = saved.headers.get("location")!.match(/sales-orders\/(\w+)/)![1]!;
        const so = await api.ok("GET", `/api/v1/sales-orders/${soId}`);
        assert.equal(so.purchase_order_id, po.id);
        assert.equal(so.total_cents, 9_000_000);
      },
    );

    let loadId = "";
    await t.step("booking shows the carrier's lapsed insurance and books the load", async () => {
      const screen = await page.get(`/sales-orders/${soId}/load/new?carrier_id=${carrier.id}`);
      assert.equal(screen.status, 200);
      assert.match(screen.text, /Cold Chain Express/);
      assert.match(screen.text, />Expired</);
      const saved = await page.post(`/sales-orders/${soId}/load`, [
        ["carrier_id", carrier.id],
        ["freight_cents", "3,200.00"],
        ["status", "booked"],
      ]);
      assert.equal(saved.status, 303);
      loadId = saved.headers.get("location")!.match(/loads\/(\w+)/)![1]!;
      const load = await api.ok("GET", `/api/v1/loads/${loadId}`);
      assert.equal(load.purchase_order_id, po.id, "the SO's PO comes along");
      assert.equal(load.freight_cents, 320_000);
      const sent = await page.post(`/loads/${loadId}/rate-confirmation/send`, [["to", ""]]);
      assert.equal(sent.status, 303);
      assert.equal((await api.ok("GET", `/api/v1/loads/${loadId}/mail`)).data.length, 1);
    });

    let invoiceId = "";
    await t.step("the load is invoiced with freight, then sent", async () => {
      const screen = await page.get(`/loads/${loadId}/invoice/new?freight=1`);
      assert.match(screen.text, /Freight, load/);
      const saved = await page.post(`/loads/${loadId}/invoice`, [
        ["customer_id", customer.id],
        ["invoice_date", "2026-11-20"],
        ["state", "draft"],
        ["_has.lines", "1"],
        ["lines.0.description", "Beef trim 81/19"],
        ["lines.0.weight", "40000"],
        ["lines.0.price", "2.25"],
        ["lines.1.description", "Freight"],
        ["lines.1.cases", "1"],
        ["lines.1.price", "3200"],
        ["lines.1.price_basis", "case"],
      ]);
      assert.equal(saved.status, 303);
      invoiceId = saved.headers.get("location")!.match(/invoices\/(\w+)/)![1]!;
      const sendScreen = await page.get(`/invoices/${invoiceId}/send`);
      assert.match(sendScreen.text, /ap@lonestar\.example/);
      const sent = await page.post(`/invoices/${invoiceId}/send`, [["to", "ap@lonestar.example"]]);
      assert.equal(sent.status, 303);
      const invoice = await api.ok("GET", `/api/v1/invoices/${invoiceId}`);
      assert.equal(invoice.state, "sent");
      assert.equal(invoice.total_cents, 9_320_000);
      const detail = await page.get(`/invoices/${invoiceId}`);
      assert.match(detail.text, /E-mailed/);
    });

    await t.step("the payment screen suggests the split and records it", async () => {
      const screen = await page.get(
        `/customers/${customer.id}/receive-payment?amount=5000.00&remittance=`,
      );
      assert.match(screen.text, /value="5000\.00"/);
      const wrong = await page.post(`/customers/${customer.id}/receive-payment`, [
        ["paid_on", "2026-11-20"],
        [`apply.${invoiceId}`, "99999999"],
      ]);
      assert.equal(wrong.status, 422);
      const badDay = await page.post(`/customers/${customer.id}/receive-payment`, [
        ["paid_on", "2026-02-30"],
        ["reference", "x".repeat(500)],
        [`apply.${invoiceId}`, "10.00"],
      ]);
      assert.equal(badDay.status, 422, "the payment's own schema still applies");
      assert.equal((await api.ok("GET", "/api/v1/payments")).data.length, 0);
      const saved = await page.post(`/customers/${customer.id}/receive-payment`, [
        ["paid_on", "2026-11-20"],
        ["reference", "CHK 1182"],
        [`apply.${invoiceId}`, "5,000.00"],
      ]);
      assert.equal(saved.status, 303);
      const invoice = await api.ok("GET", `/api/v1/invoices/${invoiceId}`);
      assert.equal(invoice.paid_cents, 500_000);
      assert.equal(invoice.status, "partially_paid");
    });
  } finally {
    await server.close();
  }
});

Deno.test("a CAD customer's receipt and statement screens show amounts in CAD, not the workspace's dollars", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const page = browser(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Épicerie Laval",
      currency: "CAD",
    }, 201);
    await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-11-18",
      state: "sent",
      lines: [{ description: "Pork loin", cases: 10, weight: 400, price: 2.5 }],
    }, 201);
    const receipt = await page.get(`/customers/${customer.id}/receive-payment?amount=250.00`);
    assert.equal(receipt.status, 200);
    assert.match(receipt.text, /Apply CA\$250\.00/);
    assert.match(receipt.text, /CA\$1,000\.00/, "the invoice's outstanding amount");
    assert.ok(!/[^A]\$250\.00/.test(receipt.text), "no amount in US dollars");
    const statement = await page.get(`/customers/${customer.id}/statement`);
    assert.equal(statement.status, 200);
    assert.match(statement.text, /CA\$1,000\.00/);
  } finally {
    await server.close();
  }
});
