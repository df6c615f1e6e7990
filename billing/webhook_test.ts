import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import {
  signPayload,
  startStripeDouble,
  type StripeDouble,
} from "../tests/helpers/stripe_double.ts";
import { drainJobs } from "../tests/helpers/billing.ts";
import { entitlementsFor } from "./entitlements.ts";

const SECRET = "whsec_test_secret";

async function setup() {
  const server = await startTestServer({ STRIPE_WEBHOOK_SECRET: SECRET });
  const stripe = startStripeDouble();
  stripe.webhookTarget = { port: server.port, host: "localhost", secret: SECRET };
  stripe.clock = server.services.clock;
  return { server, stripe };
}

function subscription(tenantId: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id: "sub_1",
    object: "subscription",
    customer: `cus_${tenantId}`,
    status,
    metadata: { tenant_id: tenantId },
    cancel_at_period_end: false,
    trial_end: null,
    items: {
      data: [{
        id: "si_1",
        price: { id: "price_1", lookup_key: "pm_professional_month" },
        current_period_end: 1_900_000_000,
      }],
    },
    ...extra,
  };
}

async function counts(server: TestServer) {
  const rs = await server.services.control.execute(
    "SELECT (SELECT COUNT(*) FROM stripe_events) AS events, (SELECT COUNT(*) FROM jobs) AS jobs",
  );
  return { events: Number(rs.rows[0]!.events), jobs: Number(rs.rows[0]!.jobs) };
}

async function teardown(server: TestServer, stripe: StripeDouble) {
  await stripe.close();
  await server.close();
}

Deno.test("webhook: a valid event is stored, answered 200 at once and applied by the job", async () => {
  const { server, stripe } = await setup();
  try {
    const t = await signUpTenant(server);
    const res = await stripe.sendEvent(
      "customer.subscription.created",
      subscription(t.tenantId, "active"),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { received: true, duplicate: false });
    // Answered before anything was applied: the state changes only when the job runs.
    assert.equal((await entitlementsFor(server.services, t.tenantId)).plan, "trial");
    assert.deepEqual(await counts(server), { events: 1, jobs: 1 });
    assert.deepEqual(await drainJobs(server.services), ["billing.apply_event"]);
    const billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.plan, "professional");
    assert.equal(billing.state.status, "active");
    assert.equal(billing.state.stripeCustomerId, `cus_${t.tenantId}`);
    assert.equal(billing.state.stripeSubscriptionId, "sub_1");
    assert.equal(billing.state.currentPeriodEnd, new Date(1_900_000_000_000).toISOString());
    assert.equal(billing.entitlements.seats, 15);
  } finally {
    await teardown(server, stripe);
  }
});

Deno.test("webhook: forged, stale, unsigned and tenant-host deliveries get 400/404 and change nothing", async () => {
  const { server, stripe } = await setup();
  try {
    const t = await signUpTenant(server);
    const payload = JSON.stringify(
      stripe.event("customer.subscription.updated", subscription(t.tenantId, "canceled")),
    );
    const post = (headers: Record<string, string>, host = "localhost", body = payload) =>
      server.fetch(host, "/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    const forged = await post({ "stripe-signature": await signPayload(payload, "whsec_wrong") });
    assert.equal(forged.status, 400);
    assert.equal((await forged.json()).error.code, "invalid_request");
    const stale = await post({
      "stripe-signature": await signPayload(payload, SECRET, Math.floor(Date.now() / 1000) - 600),
    });
    assert.equal(stale.status, 400);
    await stale.body?.cancel();
    const altered = await post(
      { "stripe-signature": await signPayload(payload, SECRET) },
      "localhost",
      payload.replace('"canceled"', '"active"'),
    );
    assert.equal(altered.status, 400);
    await altered.body?.cancel();
    const unsigned = await post({});
    assert.equal(unsigned.status, 400);
    await unsigned.body?.cancel();
    const onTenant = await post({ "stripe-signature": await signPayload(payload, SECRET) }, t.host);
    assert.equal(onTenant.status, 404);
    await onTenant.body?.cancel();

    assert.deepEqual(await counts(server), { events: 0, jobs: 0 });
    assert.deepEqual(await drainJobs(server.services), []);
    assert.equal((await entitlementsFor(server.services, t.tenantId)).state.status, "trialing");
  } finally {
    await teardown(server, stripe);
  }
});

Deno.test("webhook: a signature dated in the future is refused; a signed malformed body is refused for what it is", async () => {
  const { server, stripe } = await setup();
  try {
    const t = await signUpTenant(server);
    const post = async (body: string, timestamp?: number) => {
      const res = await server.fetch("localhost", "/webhooks/stripe", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "stripe-signature": await signPayload(body, SECRET, timestamp),
        },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    const now = Math.floor(Date.now() / 1000);
    const event = (status: string) =>
      JSON.stringify(
        stripe.event("customer.subscription.updated", subscription(t.tenantId, status)),
      );

    const future = await post(event("canceled"), now + 3600);
    assert.equal(future.status, 400);
    assert.equal(future.body.error.code, "invalid_request");
    assert.match(future.body.error.message, /dated in the future/);

    for (const body of ["{not json", JSON.stringify({ object: "event", data: {} })]) {
      const malformed = await post(body);
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.error.message, /body is not a Stripe event/);
      assert.doesNotMatch(malformed.body.error.message, /does not match|too old/);
    }
    assert.deepEqual(await counts(server), { events: 0, jobs: 0 }, "nothing stored");

    const forged = await server.fetch("localhost", "/webhooks/stripe", {
      method: "POST",
      headers: { "stripe-signature": await signPayload(event("canceled"), "whsec_wrong") },
      body: event("canceled"),
    });
    assert.match((await forged.json()).error.message, /does not match this body/);
    const stale = await post(event("canceled"), now - 600);
    assert.match(stale.body.error.message, /more than 300 seconds old/);

    // A clock a few seconds ahead is tolerated.
    const skewed = await post(event("active"), now + 20);
    assert.equal(skewed.status, 200);
    assert.deepEqual(await counts(server), { events: 1, jobs: 1 });
  } finally {
    await teardown(server, stripe);
  }
});

Deno.test("webhook: a replayed event is answered 200 and stores, enqueues and changes nothing", async () => {
  const { server, stripe } = await setup();
  try {
    const t = await signUpTenant(server);
    const payload = JSON.stringify(
      stripe.event("customer.subscription.created", subscription(t.tenantId, "active")),
    );
    const deliver = async () =>
      await server.fetch("localhost", "/webhooks/stripe", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "stripe-signature": await signPayload(payload, SECRET),
        },
        body: payload,
      });
    assert.equal((await (await deliver()).json()).duplicate, false);
    await drainJobs(server.services);
    // An operator changes the plan meanwhile; a replay must not undo that.
    await server.services.control.execute({
      sql: "UPDATE tenant_billing SET plan = 'enterprise' WHERE tenant_id = ?",
      args: [t.tenantId],
    });
    const again = await deliver();
    assert.equal(again.status, 200);
    assert.equal((await again.json()).duplicate, true);
    // Replays racing each other: still one event and one job.
    const racing = await Promise.all([deliver(), deliver(), deliver()]);
    for (const r of racing) {
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    assert.deepEqual(await counts(server), { events: 1, jobs: 1 });
    assert.deepEqual(await drainJobs(server.services), []);
    assert.equal((await entitlementsFor(server.services, t.tenantId)).plan, "enterprise");
  } finally {
    await teardown(server, stripe);
  }
});

Deno.test("webhook: events apply in any order (updated before created, canceled before past_due)", async (t) => {
  const { server, stripe } = await setup();
  try {
    const now = Math.floor(Date.now() / 1000);
    await t.step("updated before created", async () => {
      const tenant = await signUpTenant(server);
      const created = subscription(tenant.tenantId, "incomplete", {
        items: { data: [{ price: { lookup_key: "pm_starter_month" } }] },
      });
      const updated = subscription(tenant.tenantId, "active");
      await stripe.sendEvent("customer.subscription.updated", updated, now);
      await stripe.sendEvent("customer.subscription.created", created, now - 5);
      await drainJobs(server.services);
      const billing = await entitlementsFor(server.services, tenant.tenantId);
      assert.equal(billing.state.status, "active");
      assert.equal(billing.plan, "professional");
      const outcomes = await server.services.control.execute(
        "SELECT type, outcome FROM stripe_events ORDER BY received_at",
      );
      assert.deepEqual(outcomes.rows.map((r) => [r.type, r.outcome]), [
        ["customer.subscription.updated", "applied"],
        ["customer.subscription.created", "stale"],
      ]);
    });
    await t.step("created and updated in the same second, updated first", async () => {
      const tenant = await signUpTenant(server);
      await stripe.sendEvent(
        "customer.subscription.updated",
        subscription(tenant.tenantId, "active"),
        now,
      );
      await stripe.sendEvent(
        "customer.subscription.created",
        subscription(tenant.tenantId, "incomplete"),
        now,
      );
      await drainJobs(server.services);
      assert.equal(
        (await entitlementsFor(server.services, tenant.tenantId)).state.status,
        "active",
      );
    });
    await t.step("canceled before past_due", async () => {
      const tenant = await signUpTenant(server);
      await stripe.sendEvent(
        "customer.subscription.deleted",
        subscription(tenant.tenantId, "canceled"),
        now,
      );
      await stripe.sendEvent(
        "customer.subscription.updated",
        subscription(tenant.tenantId, "past_due"),
        now - 60,
      );
      await stripe.sendEvent("invoice.payment_failed", {
        id: "in_1",
        object: "invoice",
        customer: `cus_${tenant.tenantId}`,
        billing_reason: "subscription_cycle",
        parent: {
          subscription_details: { subscription: "sub_1", metadata: { tenant_id: tenant.tenantId } },
        },
      }, now - 60);
      await drainJobs(server.services);
      const billing = await entitlementsFor(server.services, tenant.tenantId);
      assert.equal(billing.state.status, "canceled");
      assert.equal(billing.state.pastDueSince, null);
      assert.equal(billing.access.mode, "read_only");
    });
    await t.step("deleted in the same second as an update still wins", async () => {
      const tenant = await signUpTenant(server);
      await stripe.sendEvent(
        "customer.subscription.deleted",
        subscription(tenant.tenantId, "canceled"),
        now,
      );
      await stripe.sendEvent(
        "customer.subscription.updated",
        subscription(tenant.tenantId, "active"),
        now,
      );
      await drainJobs(server.services);
      assert.equal(
        (await entitlementsFor(server.services, tenant.tenantId)).state.status,
        "canceled",
      );
    });
  } finally {
    await teardown(server, stripe);
  }
});

Deno.test("webhook: a failed renewal starts the grace period; invoice.paid restores full access", async () => {
  const { server, stripe } = await setup();
  try {
    const t = await signUpTenant(server);
    const now = Math.floor(server.services.clock.now().getTime() / 1000);
    await stripe.sendEvent(
      "customer.subscription.created",
      subscription(t.tenantId, "active"),
      now - 100,
    );
    const invoice = {
      id: "in_1",
      object: "invoice",
      customer: `cus_${t.tenantId}`,
      billing_reason: "subscription_cycle",
      parent: { subscription_details: { subscription: "sub_1", metadata: {} } },
    };
    await stripe.sendEvent("invoice.payment_failed", invoice, now - 50);
    await drainJobs(server.services);
    let billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.state.status, "past_due");
    assert.equal(billing.state.pastDueSince, new Date((now - 50) * 1000).toISOString());
    assert.equal(billing.access.mode, "grace");

    // The page shows the banner with the date full access ends.
    const page = await server.fetch(t.host, "/", { headers: { cookie: t.jar.header(t.host) } });
    const html = await page.text();
    assert.match(html, /id="billing-banner"/);
    assert.match(html, /The last payment failed/);

    await stripe.sendEvent("invoice.paid", invoice, now);
    await drainJobs(server.services);
    billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.state.status, "active");
    assert.equal(billing.state.pastDueSince, null);
    assert.equal(billing.access.mode, "full");
  } finally {
    await teardown(server, stripe);
  }
});

Deno.test("webhook: unknown types and events for no known tenant get 200 and are ignored", async () => {
  const { server, stripe } = await setup();
  try {
    const t = await signUpTenant(server);
    for (const type of ["customer.created", "payment_intent.succeeded", "charge.refunded"]) {
      const res = await stripe.sendEvent(type, { id: "x_1", object: "thing", customer: "cus_9" });
      assert.equal(res.status, 200, type);
      await res.body?.cancel();
    }
    const stranger = await stripe.sendEvent(
      "customer.subscription.updated",
      subscription("01nosuchtenant0000000000000", "canceled", { customer: "cus_stranger" }),
    );
    assert.equal(stranger.status, 200);
    await stranger.body?.cancel();
    await drainJobs(server.services);
    const rs = await server.services.control.execute(
      "SELECT outcome, COUNT(*) AS n FROM stripe_events GROUP BY outcome ORDER BY outcome",
    );
    assert.deepEqual(rs.rows.map((r) => [r.outcome, Number(r.n)]), [["ignored", 3], [
      "no_tenant",
      1,
    ]]);
    const billing = await entitlementsFor(server.services, t.tenantId);
    assert.equal(billing.state.status, "trialing");
    const dead = await server.services.control.execute(
      "SELECT COUNT(*) AS n FROM jobs WHERE status != 'done'",
    );
    assert.equal(Number(dead.rows[0]!.n), 0);
  } finally {
    await teardown(server, stripe);
  }
});
