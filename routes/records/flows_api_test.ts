import { confirmAddress } from "../../tests/helpers/members.ts";
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../../tests/helpers/api.ts";
import { scopesNeeded } from "../../auth/scopes.ts";

async function outbox(server: TestServer, tenantId: string) {
  const rs = await server.services.control.execute({
    sql: `SELECT to_addr, subject, body_text FROM outbox WHERE tenant_id = ?
          AND to_addr NOT LIKE 'owner@%' ORDER BY created_at`,
    args: [tenantId],
  });
  return rs.rows.map((r) => ({
    to: String(r.to_addr),
    subject: String(r.subject),
    text: String(r.body_text),
  }));
}

async function count(api: ApiClient, collection: string): Promise<number> {
  return (await api.ok("GET", `/api/v1/${collection}?limit=200`)).data.length;
}

Deno.test("flows API: PO -> sales order -> load -> invoice sent -> payment over two invoices", async (t) => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server, "flowsapi");
    await confirmAddress(server, tenant.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Lone Star Grocers",
      email: "office@lonestar.example",
      payment_terms: "Net 30",
    }, 201);
    await api.ok("POST", "/api/v1/contacts", {
      first_name: "Ann",
      role: "Accounting / AP",
      email: "ap@lonestar.example",
      customer_id: customer.id,
    }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Cold Chain Express",
      mc_number: "MC-223344",
      dispatch_email: "dispatch@coldchain.example",
      insurance_expires: "2026-12-01",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-18",
      pickup_date: "2026-11-23",
      status: "approved",
      lines: [
        { description: "Beef trim 81/19", cases: 800, weight: 40000, price: 2 },
        { description: "Chuck rolls", cases: 10, price: 50, price_basis: "case" },
      ],
    }, 201);

    let so: Record<string, unknown> = {};
    await t.step(
      "the sales order draft carries the PO's lines and costs, and saves nothing",
      async () => {
        const before = await count(api, "sales-orders");
        const draft = await api.ok("GET", `/api/v1/purchase-orders/${po.id}/sales-order-draft`);
        assert.equal(draft.values.purchase_order_id, po.id);
        assert.equal(draft.values.order_date, "2026-11-20");
        assert.equal(draft.values.delivery_date, "2026-11-23");
        assert.deepEqual(
          draft.values.lines.map((l: Record<string, unknown>) => [
            l.description,
            l.weight,
            l.price,
            l.cost_cents,
          ]),
          [["Beef trim 81/19", 40000, 2, 8_000_000], ["Chuck rolls", 0, 50, 50_000]],
        );
        assert.equal(await count(api, "sales-orders"), before);
      },
    );

    await t.step("the sales order is created with the sale prices set", async () => {
      const refused = await api.call("POST", `/api/v1/purchase-orders/${po.id}/sales-order`, {});
      assert.equal(refused.status, 422);
      assert.ok(refused.body.error.details.customer_id);
      assert.equal(await count(api, "sales-orders"), 0);
      so = await api.ok("POST", `/api/v1/purchase-orders/${po.id}/sales-order`, {
        customer_id: customer.id,
        lines: [
          { description: "Beef trim 81/19", cases: 800, weight: 40000, price: 2.2 },
          { description: "Chuck rolls", cases: 10, price: 55, price_basis: "case" },
        ],
      }, 201);
      assert.equal(so.purchase_order_id, po.id);
      assert.equal(so.total_cents, 8_800_000 + 55_000);
    });

    let load: Record<string, unknown> = {};
    await t.step(
      "booking a load from the PO finds its one sales order; carriers show insurance",
      async () => {
        const draft = await api.ok("GET", `/api/v1/purchase-orders/${po.id}/load-draft`);
        assert.equal(draft.values.sales_order_id, so.id);
        const carriers = await api.ok("GET", "/api/v1/flows/carriers?q=cold");
        assert.equal(carriers.data.length, 1);
        assert.equal(carriers.data[0].insurance_status, "expiring");
        load = await api.ok("POST", `/api/v1/purchase-orders/${po.id}/load`, {
          carrier_id: carrier.id,
          freight_cents: 320_000,
          pickup_appointment: "2026-11-23T07:00",
        }, 201);
        assert.equal(load.sales_order_id, so.id);
        assert.equal(load.status, "booked");
        const again = await api.ok("GET", "/api/v1/flows/carriers?q=cold");
        assert.equal(again.data[0].last_rate_cents, 320_000);
        assert.equal(again.data[0].open_loads, 1);
      },
    );

    await t.step(
      "the rate confirmation goes to the carrier's dispatch, logged on the load",
      async () => {
        const mail = await api.ok(
          "POST",
          `/api/v1/loads/${load.id}/rate-confirmation/send`,
          {},
          201,
        );
        assert.equal(mail.to, "dispatch@coldchain.example");
        assert.match(mail.attachment, /\.pdf$/);
        assert.equal(mail.attachment_sha256.length, 64);
        const sent = await outbox(server, tenant.tenantId);
        assert.equal(sent.length, 1);
        assert.match(sent[0]!.text, /rate-confirmation\.pdf/);
        const log = await api.ok("GET", `/api/v1/loads/${load.id}/mail`);
        assert.deepEqual(log.data.map((m: Record<string, unknown>) => m.kind), [
          "rate_confirmation",
        ]);
      },
    );

    let invoice: Record<string, unknown> = {};
    await t.step(
      "the load is invoiced from its sales order, with freight when billed",
      async () => {
        const plain = await api.ok("GET", `/api/v1/loads/${load.id}/invoice-draft`);
        assert.equal(plain.values.lines.length, 2);
        assert.equal(plain.values.ship_date, "2026-11-23");
        invoice = await api.ok("POST", `/api/v1/loads/${load.id}/invoice`, {
          bill_freight: true,
        }, 201);
        assert.equal(invoice.customer_id, customer.id);
        assert.equal(invoice.state, "draft");
        assert.equal(invoice.total_cents, 8_800_000 + 55_000 + 320_000);
        const pod = await api.ok("POST", `/api/v1/loads/${load.id}/pod`, {
          version: load.version,
          received_weight_lb: 39850,
        });
        assert.equal(pod.status, "pod_received");
        assert.equal(pod.received_weight_lb, 39850);
      },
    );

    await t.step("sending the invoice turns it sent, mails accounting and logs it", async () => {
      const result = await api.ok("POST", `/api/v1/invoices/${invoice.id}/send`, {}, 201);
      assert.equal(result.invoice.state, "sent");
      assert.equal(result.mail.to, "ap@lonestar.example");
      const sent = await outbox(server, tenant.tenantId);
      assert.equal(sent.length, 2);
      assert.match(sent[1]!.subject, new RegExp(String(invoice.number)));
      // The PDF travels as an attachment; the body links to the customer's portal page.
      assert.match(sent[1]!.text, /\/portal\/[\w-]+\.[\w-]+/);
      const files = await server.services.control.execute(
        "SELECT filename, content_type, content FROM outbox_attachments",
      );
      assert.equal(files.rows.length, 1);
      assert.equal(files.rows[0]!.content_type, "application/pdf");
      assert.equal(files.rows[0]!.filename, result.mail.attachment);
      const log = await api.ok("GET", `/api/v1/invoices/${invoice.id}/mail`);
      assert.equal(log.data.length, 1);
    });

    await t.step(
      "a payment over two invoices is matched from the remittance and recorded whole",
      async () => {
        const second = await api.ok("POST", "/api/v1/invoices", {
          customer_id: customer.id,
          invoice_date: "2026-11-01",
          state: "sent",
          lines: [{ description: "Pork bellies", weight: 1000, price: 1 }],
        }, 201);
        const open = await api.ok("GET", `/api/v1/customers/${customer.id}/open-invoices`);
        assert.deepEqual(open.data.map((i: Record<string, unknown>) => i.id), [
          second.id,
          invoice.id,
        ]);
        const match = await api.ok("POST", `/api/v1/customers/${customer.id}/remittance-match`, {
          amount_cents: 1_000_000,
          remittance: `${invoice.number}   $9,000.00\nthanks`,
        });
        assert.deepEqual(match.named, [invoice.id]);
        assert.deepEqual(match.allocations, [
          { invoice_id: second.id, amount_cents: 100_000 },
          { invoice_id: invoice.id, amount_cents: 900_000 },
        ]);
        const paymentsBefore = await count(api, "payments");
        const bad = await api.call("POST", `/api/v1/customers/${customer.id}/payments`, {
          paid_on: "2026-11-20",
          amount_cents: 1_000_000,
          allocations: [{ invoice_id: second.id, amount_cents: 100_000 }],
        });
        assert.equal(bad.status, 422);
        const tooMuch = await api.call("POST", `/api/v1/customers/${customer.id}/payments`, {
          paid_on: "2026-11-20",
          amount_cents: 1_100_000,
          allocations: [
            { invoice_id: invoice.id, amount_cents: 900_000 },
            { invoice_id: second.id, amount_cents: 200_000 },
          ],
        });
        assert.equal(tooMuch.status, 422, "more than the second invoice owes: nothing is written");
        assert.equal(await count(api, "payments"), paymentsBefore);
        const paid = await api.ok("POST", `/api/v1/customers/${customer.id}/payments`, {
          paid_on: "2026-11-20",
          amount_cents: 1_000_000,
          method: "Wire",
          reference: "LS-118",
          allocations: match.allocations,
        }, 201);
        assert.equal(paid.data.length, 2);
        assert.equal((await api.ok("GET", `/api/v1/invoices/${second.id}`)).status, "paid");
        const first = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
        assert.equal(first.status, "partially_paid");
        assert.equal(first.outstanding_cents, 9_175_000 - 900_000);
      },
    );

    await t.step("the pickers' lookup finds by number, party, product and date", async () => {
      const titles = async (collection: string, q: string) =>
        (await api.ok("GET", `/api/v1/lookup/${collection}?q=${encodeURIComponent(q)}`)).data
          .map((c: Record<string, unknown>) => c.title);
      assert.deepEqual(await titles("invoices", String(invoice.number)), [invoice.number]);
      assert.equal((await titles("invoices", "lone star")).length, 2);
      assert.deepEqual(await titles("purchase-orders", "chuck"), [po.number]);
      assert.deepEqual(await titles("purchase-orders", "11/18/2026"), [po.number]);
      assert.deepEqual(await titles("purchase-orders", "pork"), []);
      const choice = (await api.ok("GET", `/api/v1/lookup/sales-orders`)).data[0];
      assert.equal(choice.title, so.number);
      assert.match(choice.detail, /Lone Star Grocers/);
      const unknown = await api.call("GET", "/api/v1/lookup/nothing-here");
      assert.equal(unknown.status, 404);
    });

    await t.step(
      "a statement lists open invoices; a reminder is refused with none overdue",
      async () => {
        const reminder = await api.call("POST", `/api/v1/customers/${customer.id}/statement`, {
          kind: "reminder",
        });
        assert.equal(reminder.status, 400);
        const statement = await api.ok("POST", `/api/v1/customers/${customer.id}/statement`, {
          kind: "statement",
        }, 201);
        assert.equal(statement.invoices.length, 1);
        const sent = await outbox(server, tenant.tenantId);
        assert.equal(sent.length, 3);
        assert.match(sent[2]!.text, new RegExp(String(invoice.number)));
      },
    );
  } finally {
    await server.close();
  }
});

Deno.test("flows API: a load without a sales order cannot be invoiced, and nothing is written", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server, "flowsnoso");
    await confirmAddress(server, tenant.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-18",
      lines: [{ description: "Beef trim", weight: 1000, price: 2 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      freight_cents: 100_000,
    }, 201);
    const res = await api.call("POST", `/api/v1/loads/${load.id}/invoice`, {});
    assert.equal(res.status, 400);
    assert.ok(res.body.error.details.sales_order_id);
    assert.equal(await count(api, "invoices"), 0);
    const missing = await api.call("GET", "/api/v1/loads/01jd8x7k3m5n9p2q4r6s8t0v1w/invoice-draft");
    assert.equal(missing.status, 404);
  } finally {
    await server.close();
  }
});

Deno.test("flows API: a scoped token needs the scope of the record a flow writes", () => {
  assert.deepEqual(scopesNeeded("POST", "/api/v1/purchase-orders/x/sales-order"), {
    scopes: ["purchase_orders:read", "sales_orders:write"],
  });
  assert.deepEqual(scopesNeeded("POST", "/api/v1/loads/x/invoice"), {
    scopes: ["loads:read", "sales_orders:read", "invoices:write"],
  });
  assert.deepEqual(scopesNeeded("POST", "/api/v1/customers/x/payments"), {
    scopes: ["invoices:read", "payments:write"],
  });
  assert.deepEqual(scopesNeeded("GET", "/api/v1/lookup/invoices"), { scopes: ["invoices:read"] });
  assert.deepEqual(scopesNeeded("POST", "/api/v1/invoices/x/send"), { scopes: ["invoices:write"] });
});
