/**
 * The portal and the workspace's own bill: a customer paying the broker is never blocked by the
 * broker's SaaS subscription. While the workspace is read-only (past due beyond its grace) the
 * portal still shows, takes card payments and disputes, and the broker's app stays read-only;
 * once a downgrade takes the custom domain away, links already e-mailed with that domain lead to
 * the subdomain with their token, and the tenant's Stripe webhook is still taken on the old
 * domain.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../tests/helpers/api.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { startStripeDouble } from "../../tests/helpers/stripe_double.ts";
import { savePayments, seedPortal, tokenIn, withTenantDb } from "../../tests/helpers/portal.ts";

const START = "2026-11-20T18:00:00Z";
const KEYS = {
  stripe_secret_key: "sk_test_billingkey5678",
  stripe_webhook_secret: "whsec_billing1",
};

// deno-lint-ignore no-explicit-any
type Rec = any;

function paymentsOf(list: { data: Rec[] }, invoiceId: string): Rec[] {
  return list.data.filter((p) => p.invoice_id === invoiceId);
}

Deno.test("portal: a read-only workspace (its own bill past due) still takes its customers' payments and disputes", async () => {
  const stripe = startStripeDouble();
  const clock = new FixedClock(START);
  const server = await startTestServer({ STRIPE_API_BASE: stripe.origin }, { clock });
  stripe.clock = clock;
  try {
    const tenant = await signUpTenant(server, "latepayer");
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api);
    const saved = await savePayments(server, tenant, KEYS);
    assert.equal(saved.status, 200);
    await saved.body?.cancel();
    stripe.paymentWebhook = {
      port: server.port,
      host: tenant.host,
      path: "/portal/webhooks/stripe",
      secret: KEYS.stripe_webhook_secret,
    };
    await putInState(server.services, tenant.tenantId, "professional", "past_due", {
      pastDueDaysAgo: 30,
    });
    // The broker's own writes are refused: the workspace really is read-only.
    const refused = await api.call("POST", "/api/v1/customers", { name: "Blocked Foods" });
    assert.equal(refused.status, 402);
    assert.equal(refused.body.error.code, "payment_required");

    const page = await server.fetch(tenant.host, `/portal/${f.token}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, new RegExp(`Invoice ${f.invoice.number}`));
    assert.match(html, /id="pay"/);
    assert.doesNotMatch(
      html,
      /read-only|past due|subscription/i,
      "the broker's bill stays private",
    );
    // The statement links the customer's other open invoice with a token of its own.
    const secondToken = [...html.matchAll(/href="\/portal\/([\w-]+\.[\w-]+)"/g)]
      .map((m) => m[1]!).find((t) => t !== f.token);
    assert.ok(secondToken, "the statement links the second invoice");

    const go = await server.fetch(tenant.host, `/portal/${f.token}/pay`);
    assert.equal(go.status, 303);
    const checkout = new URL(go.headers.get("location")!);
    assert.equal(checkout.origin, stripe.origin);
    const paid = await fetch(`${checkout.origin}${checkout.pathname}/pay`, {
      method: "POST",
      redirect: "manual",
    });
    assert.equal(paid.status, 303);
    await paid.body?.cancel();
    const invoice = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`);
    assert.equal(invoice.outstanding_cents, 0);
    const recorded = paymentsOf(await api.ok("GET", "/api/v1/payments?limit=200"), f.invoice.id);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0].amount_cents, f.invoice.total_cents);

    const second = await (await server.fetch(tenant.host, `/portal/${secondToken}`))
      .text();
    const lineId = /<option value="([^"]+)">1\. Pork bellies/.exec(second)?.[1];
    assert.ok(lineId, "the second invoice's line can be questioned");
    const dispute = await server.fetch(tenant.host, `/portal/${secondToken}/dispute`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ line_id: lineId, reason: "Ten pounds short" }).toString(),
    });
    assert.equal(dispute.status, 303);
    await dispute.body?.cancel();

    // Still read-only for the broker afterwards: nothing but the customer's actions got through.
    const stillRefused = await api.call("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 100,
      paid_on: invoice.invoice_date,
      invoice_id: f.second.id,
    });
    assert.equal(stillRefused.status, 402);
    const after = paymentsOf(await api.ok("GET", "/api/v1/payments?limit=200"), f.second.id);
    assert.deepEqual(after, []);
  } finally {
    await server.close();
    await stripe.close();
  }
});

Deno.test("portal: after a downgrade takes the custom domain away, links e-mailed with it redirect to the subdomain with their token, and the Stripe webhook is still taken there", async () => {
  const stripe = startStripeDouble();
  const clock = new FixedClock(START);
  const server = await startTestServer({ STRIPE_API_BASE: stripe.origin }, { clock });
  stripe.clock = clock;
  const custom = "billing.primebeef.example";
  try {
    const tenant = await signUpTenant(server, "primebeef");
    await putInState(server.services, tenant.tenantId, "professional", "active");
    await server.services.registry.addDomain(tenant.tenantId, custom);
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api);
    const saved = await savePayments(server, tenant, KEYS);
    assert.equal(saved.status, 200);
    await saved.body?.cancel();

    // The broker sends the second invoice from the custom domain: its link carries that domain.
    const onCustom = clientWithToken(server, custom, api.token);
    await onCustom.ok("POST", `/api/v1/invoices/${f.second.id}/send`, {}, 201);
    const rs = await server.services.control.execute({
      sql: `SELECT body_text FROM outbox WHERE tenant_id = ? AND to_addr = 'ap@lonestar.example'
            ORDER BY created_at DESC LIMIT 1`,
      args: [tenant.tenantId],
    });
    const mail = String(rs.rows[0]!.body_text);
    assert.match(mail, new RegExp(`http://${custom.replaceAll(".", "\\.")}:\\d+/portal/`));
    const token = tokenIn(mail);
    const before = await server.fetch(custom, `/portal/${token}`);
    assert.equal(before.status, 200, "served on the custom domain while the plan has it");
    await before.body?.cancel();

    const owed = (await api.ok("GET", `/api/v1/invoices/${f.second.id}`)).outstanding_cents;
    assert.ok(owed > 0);
    // Starter has no API access: the invoice and its payments are read from the database.
    const state = () =>
      withTenantDb(server, tenant.tenantId, async (db) => ({
        outstanding: Number(
          (await db.execute({
            sql: "SELECT outstanding_cents FROM invoices WHERE id = ?",
            args: [f.second.id],
          })).rows[0]!.outstanding_cents,
        ),
        payments: Number(
          (await db.execute({
            sql: "SELECT count(*) AS n FROM payments WHERE invoice_id = ?",
            args: [f.second.id],
          })).rows[0]!.n,
        ),
      }));
    assert.deepEqual(await state(), { outstanding: owed, payments: 0 });
    await putInState(server.services, tenant.tenantId, "starter", "active");

    for (const suffix of ["", "/invoice.pdf"]) {
      const moved = await server.fetch(custom, `/portal/${token}${suffix}`);
      assert.equal(moved.status, 307, `/portal/<token>${suffix} on the old domain`);
      await moved.body?.cancel();
      const to = new URL(moved.headers.get("location")!);
      assert.equal(to.hostname, tenant.host);
      assert.equal(to.port, String(server.port));
      assert.equal(to.pathname, `/portal/${token}${suffix}`, "the signed token is kept");
      const there = await server.fetch(tenant.host, to.pathname);
      assert.equal(there.status, 200);
      if (suffix === "") assert.match(await there.text(), new RegExp(`Invoice ${f.second.number}`));
      else assert.equal(there.headers.get("content-type"), "application/pdf");
      if (suffix !== "") await there.body?.cancel();
    }

    // Stripe's delivery to the endpoint the tenant set up on its old domain: no redirect, paid.
    const webhook = {
      port: server.port,
      host: custom,
      path: "/portal/webhooks/stripe",
      secret: KEYS.stripe_webhook_secret,
    };
    const delivered = await stripe.sendEventTo(
      webhook,
      stripe.event("checkout.session.completed", {
        id: "cs_old_domain",
        object: "checkout.session",
        payment_status: "paid",
        amount_total: owed,
        payment_intent: "pi_old_domain",
        metadata: { tenant_id: tenant.tenantId, invoice_id: f.second.id },
      }),
    );
    assert.equal(delivered.status, 200);
    assert.equal((await delivered.json()).outcome, "paid");
    assert.deepEqual(await state(), { outstanding: 0, payments: 1 });
    // A forged delivery on the old domain is still refused, and the rest of the app still moves.
    const forged = await stripe.sendEventTo(
      { ...webhook, secret: "whsec_attacker" },
      stripe.event("checkout.session.completed", { id: "cs_forged", object: "checkout.session" }),
    );
    assert.equal(forged.status, 400);
    await forged.body?.cancel();
    const app = await server.fetch(custom, "/login");
    assert.equal(app.status, 307);
    await app.body?.cancel();
    assert.deepEqual(await state(), { outstanding: 0, payments: 1 });
  } finally {
    await server.close();
    await stripe.close();
  }
});
