import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { startStripeDouble } from "../tests/helpers/stripe_double.ts";
import { createStripeClient, openPortal, startCheckout, syncPlans } from "./stripe.ts";
import { updateBillingState } from "./state.ts";

Deno.test("syncPlans() creates products and prices once, then changes nothing; drift is replaced", async () => {
  const double = startStripeDouble();
  try {
    const stripe = createStripeClient({
      STRIPE_SECRET_KEY: "sk_test_x",
      STRIPE_API_BASE: double.origin,
    })!;
    const first = await syncPlans(stripe);
    assert.equal(first.filter((l) => l.startsWith("created product")).length, 3);
    assert.equal(first.filter((l) => l.startsWith("created price")).length, 6);
    assert.deepEqual(
      [...double.prices.values()].map((p) => `${p.lookup_key}=${p.unit_amount}`).sort(),
      [
        "pm_enterprise_month=49900",
        "pm_enterprise_year=499000",
        "pm_professional_month=14900",
        "pm_professional_year=149000",
        "pm_starter_month=4900",
        "pm_starter_year=49000",
      ],
    );
    const posts = () => double.requests.filter((r) => r.method === "POST").length;
    const before = posts();
    const second = await syncPlans(stripe);
    assert.equal(posts(), before, "a second run writes nothing to Stripe");
    assert.ok(second.every((l) => l.includes("up to date")), second.join("\n"));

    // Someone edited a price in the dashboard: the next sync makes a new one and archives it.
    const drifted = [...double.prices.values()].find((p) => p.lookup_key === "pm_starter_month")!;
    drifted.unit_amount = 3900;
    const third = await syncPlans(stripe);
    assert.ok(third.includes("replaced price pm_starter_month"));
    assert.equal(drifted.active, false);
    assert.equal(drifted.lookup_key, null, "the lookup key moved to the new price");
    const created = double.requests.filter((r) => r.path === "/v1/prices" && r.method === "POST")
      .at(-1)!;
    assert.equal(created.body.transfer_lookup_key, "true");
    assert.equal(created.body.unit_amount, "4900");
  } finally {
    await double.close();
  }
});

Deno.test("checkout: the customer is created once, the session carries tenant, plan and price", async () => {
  const double = startStripeDouble();
  const server = await startTestServer({
    STRIPE_SECRET_KEY: "sk_test_x",
    STRIPE_API_BASE: double.origin,
  });
  try {
    const stripe = server.services.billing.stripe!;
    await syncPlans(stripe);
    const t = await signUpTenant(server);
    const tenant = { id: t.tenantId, slug: t.slug, name: `${t.slug} Foods` };
    const input = {
      tenant,
      email: t.email,
      plan: "professional" as const,
      interval: "year" as const,
      origin: "http://x.localhost",
    };
    const first = await startCheckout(
      server.services,
      stripe,
      server.services.billing.prices,
      input,
    );
    const second = await startCheckout(
      server.services,
      stripe,
      server.services.billing.prices,
      input,
    );
    assert.equal(first.kind, "checkout");
    assert.match(first.url, new RegExp(`^${double.origin}/checkout/cs_`));
    assert.notEqual(first.url, second.url);

    const customers = double.requests.filter((r) => r.path === "/v1/customers");
    assert.equal(customers.length, 1, "one customer for the tenant");
    assert.equal(customers[0]!.body.metadata.tenant_id, t.tenantId);
    assert.equal(customers[0]!.body.email, t.email);
    assert.equal(customers[0]!.idempotencyKey, `pm-customer-${t.tenantId}`);
    const customerId = [...double.customers.keys()][0]!;
    const row = await server.services.control.execute({
      sql: "SELECT stripe_customer_id FROM tenant_billing WHERE tenant_id = ?",
      args: [t.tenantId],
    });
    assert.equal(row.rows[0]!.stripe_customer_id, customerId);

    const session = double.requests.filter((r) => r.path === "/v1/checkout/sessions")[0]!;
    const price = [...double.prices.values()].find((p) => p.lookup_key === "pm_professional_year")!;
    assert.equal(session.body.mode, "subscription");
    assert.equal(session.body.customer, customerId);
    assert.equal(session.body.client_reference_id, t.tenantId);
    assert.deepEqual(session.body.line_items, [{ price: price.id, quantity: "1" }]);
    assert.deepEqual(session.body.metadata, {
      tenant_id: t.tenantId,
      plan: "professional",
      interval: "year",
    });
    assert.equal(session.body.subscription_data.metadata.tenant_id, t.tenantId);
    assert.equal(session.body.success_url, "http://x.localhost/settings/billing?checkout=success");
    // Prices are looked up by lookup key once, then cached.
    assert.equal(
      double.requests.filter((r) =>
        r.path === "/v1/prices" && r.method === "GET" && r.query.active === "true"
      ).length,
      1,
    );
  } finally {
    await server.close();
    await double.close();
  }
});

Deno.test("checkout: a live subscription changes plan through the portal's update flow; portal sessions", async () => {
  const double = startStripeDouble();
  const server = await startTestServer({
    STRIPE_SECRET_KEY: "sk_test_x",
    STRIPE_API_BASE: double.origin,
  });
  try {
    const stripe = server.services.billing.stripe!;
    await syncPlans(stripe);
    const t = await signUpTenant(server);
    const tenant = { id: t.tenantId, slug: t.slug, name: "Acme" };
    const origin = "http://acme.localhost";
    // A subscription on Starter exists (as if bought earlier).
    double.subscriptions.set("sub_live", {
      id: "sub_live",
      object: "subscription",
      status: "active",
      customer: "cus_live",
      items: {
        object: "list",
        data: [{ id: "si_live", price: { lookup_key: "pm_starter_month" } }],
      },
    });
    await updateBillingState(server.services.control, t.tenantId, {
      plan: "starter",
      status: "active",
      stripe_customer_id: "cus_live",
      stripe_subscription_id: "sub_live",
    });
    const change = await startCheckout(server.services, stripe, server.services.billing.prices, {
      tenant,
      email: t.email,
      plan: "enterprise",
      interval: "month",
      origin,
    });
    assert.equal(change.kind, "portal_update");
    assert.equal(double.requests.filter((r) => r.path === "/v1/checkout/sessions").length, 0);
    assert.equal(double.requests.filter((r) => r.path === "/v1/customers").length, 0);
    const portal = double.requests.find((r) => r.path === "/v1/billing_portal/sessions")!;
    const price = [...double.prices.values()].find((p) => p.lookup_key === "pm_enterprise_month")!;
    assert.equal(portal.body.customer, "cus_live");
    assert.equal(portal.body.flow_data.type, "subscription_update_confirm");
    assert.deepEqual(portal.body.flow_data.subscription_update_confirm, {
      subscription: "sub_live",
      items: [{ id: "si_live", price: price.id }],
    });

    const url = await openPortal(server.services, stripe, { tenant, email: t.email, origin });
    assert.match(url, /\/portal\/bps_/);
    const plain = double.requests.filter((r) => r.path === "/v1/billing_portal/sessions").at(-1)!;
    assert.deepEqual(plain.body, {
      customer: "cus_live",
      return_url: `${origin}/settings/billing`,
    });
  } finally {
    await server.close();
    await double.close();
  }
});

Deno.test("billing page: checkout redirects to Stripe; offline it says billing is not configured", async () => {
  const double = startStripeDouble();
  const online = await startTestServer({
    STRIPE_SECRET_KEY: "sk_test_x",
    STRIPE_API_BASE: double.origin,
  });
  const offline = await startTestServer();
  try {
    await syncPlans(online.services.billing.stripe!);
    const t = await signUpTenant(online);
    const form = (csrf: string) =>
      new URLSearchParams({ _csrf: csrf, plan: "starter", interval: "month" }).toString();
    const res = await online.fetch(t.host, "/settings/billing/checkout", {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form(t.csrf),
    });
    assert.equal(res.status, 303);
    assert.match(res.headers.get("location")!, new RegExp(`^${double.origin}/checkout/cs_`));
    const page = await (await online.fetch(t.host, "/settings/billing", {
      headers: { cookie: t.jar.header(t.host) },
    })).text();
    assert.match(page, /action="\/settings\/billing\/checkout"/);
    assert.doesNotMatch(page, /not configured/);

    const o = await signUpTenant(offline);
    const offPage = await (await offline.fetch(o.host, "/settings/billing", {
      headers: { cookie: o.jar.header(o.host) },
    })).text();
    assert.match(offPage, /Plans cannot be bought online on this service/);
    assert.match(offPage, /ask your\s+ProjectMeats provider/);
    assert.doesNotMatch(
      offPage,
      /deno task|set-plan/,
      "no operator command is shown to a customer",
    );
    assert.match(offPage, /Free trial/);
    assert.doesNotMatch(offPage, /action="\/settings\/billing\/checkout"/);
    const refused = await offline.fetch(o.host, "/settings/billing/checkout", {
      method: "POST",
      headers: {
        cookie: o.jar.header(o.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form(o.csrf),
    });
    assert.equal(refused.status, 409);
    assert.match(await refused.text(), /Billing is not configured/);
  } finally {
    await online.close();
    await offline.close();
    await double.close();
  }
});
