/**
 * Disputed invoice lines resolved by the broker, over the real server: the customer disputes two
 * lines from the portal; the API lists them; accepting one credits it (the balance, the
 * statement and the aging go down, the customer is e-mailed and sees it on the portal);
 * resolving it again is a 409 that changes nothing; rejecting the other needs a reason; the
 * invoice's page offers the forms and resolves through them too.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { seedPortal } from "../../tests/helpers/portal.ts";

const START = "2026-11-20T18:00:00Z";

Deno.test("resolving a disputed invoice line: credit, refusal, once only, told to the customer", async (t) => {
  const server = await startTestServer({}, { clock: new FixedClock(START) });
  try {
    const tenant = await signUpTenant(server, "disputeco");
    const rival = await signUpTenant(server, "rivaldispute");
    const api = await apiClient(server, tenant);
    const rivalApi = await apiClient(server, rival);
    const f = await seedPortal(server, tenant, api);
    const portal = async () => await (await server.fetch(tenant.host, `/portal/${f.token}`)).text();
    const dispute = async (position: number, reason: string) => {
      const html = await portal();
      const lineId = new RegExp(`<option value="([^"]+)">${position}\\. `).exec(html)?.[1];
      assert.ok(lineId, `line ${position} offered`);
      const res = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ line_id: lineId, reason }).toString(),
      });
      assert.equal(res.status, 303);
      await res.body?.cancel();
    };
    const outboxCount = async () =>
      Number(
        (await server.services.control.execute({
          sql: "SELECT count(*) AS n FROM outbox WHERE tenant_id = ?",
          args: [tenant.tenantId],
        })).rows[0]!.n,
      );
    const agingTotal = async () =>
      (await api.ok("GET", "/api/v1/reports/aging?as_of=2026-11-20")).totals_by_currency[0]
        .total_cents;

    // Beef trim 1,000 lb at $2 = $2,000; chuck rolls 500 lb at $3 = $1,500: $3,500 in all.
    await dispute(1, "Short 150 lb on delivery");
    await dispute(2, "We never ordered chuck rolls");
    const listed = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}/disputes`);
    const [trim, chuck] = listed.data;
    const agingBefore = await agingTotal();

    await t.step("the API lists the open disputes with the lines' amounts", () => {
      assert.equal(listed.data.length, 2);
      assert.deepEqual(listed.data.map((d: { status: string }) => d.status), ["open", "open"]);
      assert.equal(trim.line_amount, "2000.00");
      assert.equal(trim.reason, "Short 150 lb on delivery");
      assert.equal(chuck.line_amount, "1500.00");
    });

    await t.step("the invoice's page lists them with the forms to resolve", async () => {
      const res = await server.fetch(tenant.host, `/invoices/${f.invoice.id}`, {
        headers: { cookie: tenant.jar.header(tenant.host) },
      });
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, /id="invoice-disputes"/);
      assert.match(html, /Short 150 lb on delivery/);
      assert.equal(
        [...html.matchAll(/action="\/invoices\/[^"]+\/disputes\/[^"]+\/resolve"/g)].length,
        4,
        "accept and reject for each open dispute",
      );
    });

    await t.step("accepting credits the amount: balance, statement and aging go down", async () => {
      const mailsBefore = await outboxCount();
      const done = await api.ok(
        "POST",
        `/api/v1/invoices/${f.invoice.id}/disputes/${trim.id}/resolve`,
        { outcome: "accept", credit_amount: "300.00", note: "150 lb at $2." },
      );
      assert.equal(done.data.status, "accepted");
      assert.equal(done.data.credit, "300.00");
      assert.equal(done.invoice.outstanding, "3200.00");
      assert.equal(done.invoice.credited, "300.00");
      assert.equal(done.mailed_to, "ap@lonestar.example");
      const invoice = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`);
      assert.equal(invoice.total_cents, 350_000, "the total is what was billed");
      assert.equal(invoice.outstanding_cents, 320_000);
      assert.equal(invoice.credited_cents, 30_000, "the invoice shows what was credited");
      const open = await api.ok("GET", `/api/v1/customers/${f.customer.id}/open-invoices`);
      const row = open.data.find((i: { id: string }) => i.id === f.invoice.id);
      assert.equal(row.outstanding_cents, 320_000, "the statement shows the new balance");
      assert.equal(await agingTotal(), agingBefore - 30_000);
      assert.equal(await outboxCount(), mailsBefore + 1);
      const mail = await server.services.control.execute({
        sql: `SELECT subject, body_text FROM outbox WHERE tenant_id = ?
              ORDER BY created_at DESC, id DESC LIMIT 1`,
        args: [tenant.tenantId],
      });
      assert.match(String(mail.rows[0]!.subject), /Credit on invoice/);
      assert.match(String(mail.rows[0]!.body_text), /credited \$300\.00/);
      assert.match(String(mail.rows[0]!.body_text), /\/portal\//);
      const history = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}/history`);
      assert.match(JSON.stringify(history), /dispute accepted/, "on the invoice's history");
    });

    await t.step("resolving it again is a 409 that changes nothing", async () => {
      const mailsBefore = await outboxCount();
      const again = await api.call(
        "POST",
        `/api/v1/invoices/${f.invoice.id}/disputes/${trim.id}/resolve`,
        { outcome: "accept" },
      );
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, "conflict");
      assert.match(again.body.error.message, /already accepted/);
      const reject = await api.call(
        "POST",
        `/api/v1/invoices/${f.invoice.id}/disputes/${trim.id}/resolve`,
        { outcome: "reject", note: "Changed my mind" },
      );
      assert.equal(reject.status, 409);
      const invoice = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`);
      assert.equal(invoice.outstanding_cents, 320_000);
      assert.equal(await outboxCount(), mailsBefore);
    });

    await t.step(
      "a credit above the line's amount or a rejection without reason is refused",
      async () => {
        const tooMuch = await api.call(
          "POST",
          `/api/v1/invoices/${f.invoice.id}/disputes/${chuck.id}/resolve`,
          { outcome: "accept", credit_amount: "1500.01" },
        );
        assert.equal(tooMuch.status, 422);
        const bare = await api.call(
          "POST",
          `/api/v1/invoices/${f.invoice.id}/disputes/${chuck.id}/resolve`,
          { outcome: "reject" },
        );
        assert.equal(bare.status, 422);
        const still = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}/disputes`);
        assert.equal(still.data[1].status, "open");
      },
    );

    await t.step("another workspace can neither see nor resolve them", async () => {
      const list = await rivalApi.call("GET", `/api/v1/invoices/${f.invoice.id}/disputes`);
      assert.equal(list.status, 404);
      const resolve = await rivalApi.call(
        "POST",
        `/api/v1/invoices/${f.invoice.id}/disputes/${chuck.id}/resolve`,
        { outcome: "accept" },
      );
      assert.equal(resolve.status, 404);
    });

    await t.step(
      "rejecting from the invoice's page keeps the balance and tells the customer",
      async () => {
        const res = await server.fetch(
          tenant.host,
          `/invoices/${f.invoice.id}/disputes/${chuck.id}/resolve`,
          {
            method: "POST",
            headers: {
              cookie: tenant.jar.header(tenant.host),
              "content-type": "application/x-www-form-urlencoded",
            },
            body: new URLSearchParams({
              _csrf: tenant.csrf,
              outcome: "reject",
              note: "Chuck rolls were on your PO LS-7781.",
            }).toString(),
          },
        );
        assert.equal(res.status, 303);
        assert.match(res.headers.get("location") ?? "", /dispute=rejected/);
        await res.body?.cancel();
        const invoice = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`);
        assert.equal(invoice.outstanding_cents, 320_000);
        const html = await portal();
        assert.match(html, /Credited \$300\.00/);
        assert.match(html, /Dispute not accepted<\/span> Chuck rolls were on your PO LS-7781\./);
        assert.match(html, /id="balance">\$3,200\.00/);
        assert.doesNotMatch(html, /<option value=/, "a resolved line is not disputed again");
      },
    );

    await t.step(
      "a payment can settle the credited balance but not the credited part",
      async () => {
        const over = await api.call("POST", "/api/v1/payments", {
          direction: "receivable",
          invoice_id: f.invoice.id,
          amount_cents: 320_001,
          paid_on: "2026-11-20",
        });
        assert.equal(over.status, 422);
        await api.ok("POST", "/api/v1/payments", {
          direction: "receivable",
          invoice_id: f.invoice.id,
          amount_cents: 320_000,
          paid_on: "2026-11-20",
        }, 201);
        const invoice = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`);
        assert.equal(invoice.outstanding_cents, 0);
        assert.equal(invoice.status, "paid");
      },
    );
  } finally {
    await server.close();
  }
});
