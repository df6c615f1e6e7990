import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { startStripeDouble } from "../../tests/helpers/stripe_double.ts";
import {
  savePayments,
  securityEntries,
  seedPortal,
  withTenantDb,
} from "../../tests/helpers/portal.ts";
import { rotatePortalKey } from "../../portal/links.ts";

const START = "2026-11-20T18:00:00Z";

/** Every href, src and form action of a page. */
function linksOf(html: string): { href: string; kind: string }[] {
  return [...html.matchAll(/\b(href|src|action)="([^"]*)"/g)].map((m) => ({
    kind: m[1]!,
    href: m[2]!.replaceAll("&amp;", "&"),
  }));
}

/** The token with one character of its signature changed. */
function tampered(token: string): string {
  const last = token.at(-2)!;
  return token.slice(0, -2) + (last === "A" ? "B" : "A") + token.at(-1);
}

Deno.test("customer invoice portal: links, statement, offline default, card payment, dispute", async (t) => {
  const stripe = startStripeDouble();
  const clock = new FixedClock(START);
  const server = await startTestServer({ STRIPE_API_BASE: stripe.origin }, { clock });
  stripe.clock = clock;
  try {
    const tenant = await signUpTenant(server, "portalco");
    const rival = await signUpTenant(server, "rivalco");
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api);
    const page = (token: string, host = tenant.host, suffix = "") =>
      server.fetch(host, `/portal/${token}${suffix}`);

    await t.step("the invoice e-mail carries the PDF and the portal link", async () => {
      const rs = await server.services.control.execute({
        sql: `SELECT a.filename, a.content_type, length(a.content) AS size FROM outbox o
              JOIN outbox_attachments a ON a.mail_id = o.id WHERE o.to_addr = ?`,
        args: ["ap@lonestar.example"],
      });
      assert.equal(rs.rows.length, 1);
      assert.equal(rs.rows[0]!.content_type, "application/pdf");
      assert.match(String(rs.rows[0]!.filename), /\.pdf$/);
      assert.ok(Number(rs.rows[0]!.size) > 500);
      assert.match(f.mailText, new RegExp(`http://${tenant.host}:\\d+/portal/`));
    });

    await t.step("the page shows the invoice and only that customer's open invoices", async () => {
      const res = await page(f.token);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("set-cookie"), null, "no cookie of any kind");
      const html = await res.text();
      assert.match(html, new RegExp(`Invoice ${f.invoice.number}`));
      assert.match(html, /Beef trim 81\/19/);
      assert.match(html, new RegExp(String(f.second.number)));
      assert.doesNotMatch(html, new RegExp(String(f.foreign.number)));
      assert.doesNotMatch(html, /Secret brisket|Gulf Coast/);
      // Offline default: no pay button, the letterhead's way to pay instead.
      assert.doesNotMatch(html, /id="pay"/);
      assert.match(html, /How to pay/);
      const pay = await page(f.token, tenant.host, "/pay");
      assert.equal(pay.status, 303);
      assert.equal(pay.headers.get("location"), `/portal/${f.token}`);
    });

    await t.step("every link on the page stays inside what the token names", async () => {
      const html = await (await page(f.token)).text();
      const links = linksOf(html);
      assert.ok(links.length > 3);
      const seen = new Set<string>();
      for (const { href, kind } of links) {
        if (href.startsWith("#")) continue; // the skip link
        assert.ok(href.startsWith("/"), `a link leaves for ${href}`);
        assert.match(href, /^\/(portal\/|assets\/|theme\/|brand\/|static\/|#)|^\/[\w.-]+\.css$/);
        if (kind === "action" || seen.has(href)) continue;
        seen.add(href);
        const res = await server.fetch(tenant.host, href);
        assert.equal(res.status, 200, href);
        const body = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
        assert.doesNotMatch(body, /Secret brisket|Gulf Coast/, href);
      }
      assert.ok([...seen].some((h) => h.endsWith("/invoice.pdf")));
      // The statement's other invoice has a link of its own, for that invoice only.
      const other = links.find((l) =>
        l.href.startsWith("/portal/") && l.href !== `/portal/${f.token}` &&
        !l.href.includes("/invoice.pdf") && !l.href.endsWith("/dispute")
      );
      assert.ok(other);
      const otherHtml = await (await server.fetch(tenant.host, other.href)).text();
      assert.match(otherHtml, new RegExp(`Invoice ${f.second.number}`));
    });

    await t.step("other invoices, customers and paths are refused with the token", async () => {
      const before = (await securityEntries(server, tenant.tenantId, "portal.link_refused")).length;
      const [body, sig] = f.token.split(".") as [string, string];
      const claims = atob(body.replace(/-/g, "+").replace(/_/g, "/"));
      const swap = (from: string, to: string) => {
        const forged = btoa(claims.replace(from, to)).replace(/\+/g, "-").replace(/\//g, "_")
          .replace(/=+$/, "");
        return `${forged}.${sig}`;
      };
      for (
        const path of [
          `/portal/${swap(f.invoice.id, f.foreign.id)}`,
          `/portal/${swap(f.invoice.id, f.second.id)}`,
          `/portal/${swap(f.customer.id, f.other.id)}`,
          `/portal/${f.token}/../../invoices/${f.invoice.id}`,
          `/portal/${f.token}/invoices/${f.foreign.id}`,
          `/portal/${f.token}/customers/${f.other.id}`,
          `/portal/${f.token}x`,
          `/portal/x${f.token}`,
        ]
      ) {
        const res = await server.fetch(tenant.host, path);
        const html = await res.text();
        assert.equal(res.status, 404, path);
        assert.doesNotMatch(html, /Secret brisket|Gulf Coast|Lone Star|Beef trim/, path);
      }
      const after = await securityEntries(server, tenant.tenantId, "portal.link_refused");
      assert.ok(after.length >= before + 5);
    });

    await t.step("a tampered token: 404, nothing revealed, a security-log entry", async () => {
      const res = await page(tampered(f.token));
      assert.equal(res.status, 404);
      const html = await res.text();
      assert.doesNotMatch(html, new RegExp(`${f.invoice.number}|Lone Star|Beef`));
      const log = await securityEntries(server, tenant.tenantId, "portal.link_refused");
      assert.equal(log.at(-1).details.reason, "bad_signature");
      assert.equal(log.at(-1).target, f.invoice.id);
    });

    await t.step("on another tenant's host: 404, logged there", async () => {
      const res = await page(f.token, rival.host);
      assert.equal(res.status, 404);
      assert.doesNotMatch(await res.text(), /Lone Star|Beef/);
      const log = await securityEntries(server, rival.tenantId, "portal.link_refused");
      assert.equal(log.at(-1).details.reason, "wrong_tenant");
      assert.equal((await page(f.token, "localhost")).status, 404);
    });

    await t.step("an expired token: 410; the link lasts 60 days by default", async () => {
      clock.set("2027-01-18T17:00:00Z"); // 59 days later
      assert.equal((await page(f.token)).status, 200);
      clock.set("2027-01-19T18:00:01Z"); // past 60 days
      const res = await page(f.token);
      assert.equal(res.status, 410);
      assert.doesNotMatch(await res.text(), /Lone Star|Beef/);
      const log = await securityEntries(server, tenant.tenantId, "portal.link_refused");
      assert.equal(log.at(-1).details.reason, "expired");
      clock.set(START);
      assert.equal((await page(f.token)).status, 200);
    });

    await t.step(
      "Settings → Payments stores the keys sealed and shows only the last four",
      async () => {
        const refused = await savePayments(server, tenant, {
          stripe_secret_key: "pk_test_notasecret",
          stripe_webhook_secret: "",
        });
        assert.equal(refused.status, 422);
        const res = await savePayments(server, tenant, {
          link_days: "90",
          stripe_secret_key: "sk_test_tenantkey12345678",
          stripe_webhook_secret: "whsec_tenantsecretABCD",
        });
        assert.equal(res.status, 200);
        const html = await res.text();
        assert.match(html, /ending in 5678/);
        assert.match(html, /ending in ABCD/);
        assert.doesNotMatch(html, /sk_test_tenantkey|whsec_tenantsecret/);
        const stored = await withTenantDb(
          server,
          tenant.tenantId,
          async (db) => (await db.execute("SELECT * FROM portal_settings")).rows[0],
        );
        assert.equal(stored.link_days, 90);
        assert.doesNotMatch(JSON.stringify(stored), /tenantkey|tenantsecret/);
        assert.match(String(stored.stripe_secret_sealed), /^v1\./);
        const log = await securityEntries(server, tenant.tenantId, "payments.settings_saved");
        assert.equal(log.length, 1);
        assert.doesNotMatch(JSON.stringify(log), /tenantkey|tenantsecret/);
      },
    );

    const webhook = {
      port: server.port,
      host: tenant.host,
      path: "/portal/webhooks/stripe",
      secret: "whsec_tenantsecretABCD",
    };
    stripe.paymentWebhook = webhook;

    await t.step("a forged or foreign webhook changes nothing", async () => {
      const payments = async () => (await api.ok("GET", "/api/v1/payments?limit=200")).data.length;
      const before = await payments();
      const session = {
        id: "cs_forged",
        object: "checkout.session",
        payment_status: "paid",
        amount_total: f.invoice.total_cents,
        metadata: { tenant_id: tenant.tenantId, invoice_id: f.invoice.id },
      };
      const forged = await stripe.sendEventTo(
        { ...webhook, secret: "whsec_attackerSECRET1" },
        stripe.event("checkout.session.completed", session),
      );
      assert.equal(forged.status, 400);
      await forged.body?.cancel();
      // Signed with the rival's path: the rival has no Stripe account, so nothing there either.
      const elsewhere = await stripe.sendEventTo(
        { ...webhook, host: rival.host },
        stripe.event("checkout.session.completed", session),
      );
      assert.equal(elsewhere.status, 404);
      await elsewhere.body?.cancel();
      // Correctly signed but naming another tenant: stored and ignored.
      const foreign = await stripe.sendEventTo(
        webhook,
        stripe.event("checkout.session.completed", {
          ...session,
          metadata: { tenant_id: rival.tenantId, invoice_id: f.invoice.id },
        }),
      );
      assert.equal(foreign.status, 200);
      assert.equal((await foreign.json()).outcome, "ignored");
      assert.equal(await payments(), before);
      const log = await securityEntries(server, tenant.tenantId, "portal.webhook_refused");
      assert.equal(log.length, 1);
    });

    await t.step(
      "pay by card through Stripe Checkout: recorded once, invoice paid, aging updated",
      async () => {
        const html = await (await page(f.token)).text();
        assert.match(html, /id="pay"/);
        assert.doesNotMatch(html, /How to pay/);
        const agingBefore = await api.ok("GET", "/api/v1/reports/aging");
        const go = await page(f.token, tenant.host, "/pay");
        assert.equal(go.status, 303);
        const checkout = new URL(go.headers.get("location")!);
        assert.equal(checkout.origin, stripe.origin);
        const created = stripe.requests.find((r) => r.path === "/v1/checkout/sessions")!;
        assert.equal(created.apiKey, "sk_test_tenantkey12345678");
        assert.equal(created.body.mode, "payment");
        assert.equal(created.body.metadata.tenant_id, tenant.tenantId);
        assert.equal(created.body.metadata.invoice_id, f.invoice.id);
        assert.equal(created.body.line_items[0].price_data.currency, "usd");
        assert.equal(
          Number(created.body.line_items[0].price_data.unit_amount),
          f.invoice.total_cents,
        );
        // The customer pays on the (double's) hosted page; Stripe posts the signed event.
        const paid = await fetch(`${checkout.origin}${checkout.pathname}/pay`, {
          method: "POST",
          redirect: "manual",
        });
        assert.equal(paid.status, 303);
        assert.match(paid.headers.get("location")!, /\/portal\/.*\?payment=done$/);
        await paid.body?.cancel();
        const invoice = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`);
        assert.equal(invoice.outstanding_cents, 0);
        assert.equal(invoice.paid_cents, f.invoice.total_cents);
        const list = (await api.ok("GET", `/api/v1/payments?limit=200`)).data.filter((
          p: { invoice_id: string },
        ) => p.invoice_id === f.invoice.id);
        assert.equal(list.length, 1);
        assert.equal(list[0].method, "Credit card");
        const agingAfter = await api.ok("GET", "/api/v1/reports/aging");
        const owed = (report: { data: { customer_id: string; total_cents: number }[] }) =>
          report.data.find((r) => r.customer_id === f.customer.id)?.total_cents ?? 0;
        assert.equal(owed(agingBefore) - owed(agingAfter), f.invoice.total_cents);
        const after = await (await page(f.token)).text();
        assert.match(after, /badge ok">Paid/);
        assert.doesNotMatch(after, /id="pay"/);
      },
    );

    await t.step("the same Stripe event delivered twice is applied once", async () => {
      // A fresh session on the second invoice, its event sent twice.
      const second = await api.ok("GET", `/api/v1/invoices/${f.second.id}`);
      const event = stripe.event("checkout.session.completed", {
        id: "cs_twice",
        object: "checkout.session",
        payment_status: "paid",
        amount_total: second.outstanding_cents,
        payment_intent: "pi_twice",
        metadata: { tenant_id: tenant.tenantId, invoice_id: f.second.id },
      });
      const a = await stripe.sendEventTo(webhook, event);
      const b = await stripe.sendEventTo(webhook, event);
      assert.equal((await a.json()).outcome, "paid");
      assert.equal((await b.json()).outcome, "duplicate");
      const list = (await api.ok("GET", `/api/v1/payments?limit=200`)).data.filter((
        p: { invoice_id: string },
      ) => p.invoice_id === f.second.id);
      assert.equal(list.length, 1);
      assert.equal((await api.ok("GET", `/api/v1/invoices/${f.second.id}`)).outstanding_cents, 0);
      // Paid again from a second tab: kept unapplied, the invoice untouched, the broker told.
      const twice = await stripe.sendEventTo(
        webhook,
        stripe.event("checkout.session.completed", {
          id: "cs_again",
          object: "checkout.session",
          payment_status: "paid",
          amount_total: second.outstanding_cents,
          metadata: { tenant_id: tenant.tenantId, invoice_id: f.second.id },
        }),
      );
      assert.equal((await twice.json()).outcome, "unapplied");
      const still = (await api.ok("GET", `/api/v1/payments?limit=200`)).data.filter((
        p: { invoice_id: string },
      ) => p.invoice_id === f.second.id);
      assert.equal(still.length, 1);
      const bell = await api.ok("GET", "/api/v1/notifications");
      assert.ok(bell.data.some((n: { title: string }) => /could not be applied/.test(n.title)));
    });

    await t.step(
      "a dispute of a line shows on the portal, the invoice's activity, and notifies",
      async () => {
        const html = await (await page(f.token)).text();
        const lineId = /<option value="([^"]+)">1\. Beef trim/.exec(html)?.[1];
        assert.ok(lineId);
        const res = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ line_id: lineId, reason: "Short 40 lb on delivery" })
            .toString(),
        });
        assert.equal(res.status, 303);
        const shown = await (await page(f.token)).text();
        assert.match(shown, /Disputed<\/span> Short 40 lb on delivery/);
        const again = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ line_id: f.foreign.id, reason: "Not my line" }).toString(),
        });
        assert.equal(again.status, 422);
        await again.body?.cancel();
        const activity = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}/activity`);
        const notes = JSON.stringify(activity);
        assert.match(notes, /Short 40 lb on delivery/);
        const bell = await api.ok("GET", "/api/v1/notifications");
        assert.ok(
          bell.data.some((n: { title: string }) => /disputed a line/.test(n.title)),
          JSON.stringify(bell.data),
        );
        const count = await withTenantDb(
          server,
          tenant.tenantId,
          async (db) =>
            Number((await db.execute("SELECT count(*) AS n FROM invoice_disputes")).rows[0].n),
        );
        assert.equal(count, 1);
      },
    );

    await t.step("rotating the tenant's portal key invalidates the links sent before", async () => {
      await withTenantDb(server, tenant.tenantId, (db) => rotatePortalKey(db, clock.now()));
      const res = await page(f.token);
      assert.equal(res.status, 404);
      await res.body?.cancel();
      const log = await securityEntries(server, tenant.tenantId, "portal.link_refused");
      assert.equal(log.at(-1).details.reason, "bad_signature");
    });
  } finally {
    await server.close();
    await stripe.close();
  }
});
