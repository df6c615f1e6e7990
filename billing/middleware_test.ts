import assert from "node:assert/strict";
import { confirmAddress } from "../tests/helpers/members.ts";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { generateLicenseKeys, issueLicense } from "./license.ts";
import { setOverrides } from "./admin.ts";
import { mayUse, usageFor } from "./entitlements.ts";
import { updateBillingState } from "./state.ts";
import type { SubscriptionStatus } from "./state.ts";

const DAY = 86_400_000;
const keys = await generateLicenseKeys();

/** Puts the tenant in a state; `seats` caps its seats (by override, or in the licence). */
type Setup = (server: TestServer, t: SignedUp, seats?: number) => Promise<void>;

function subscriptionState(
  status: SubscriptionStatus,
  opts: { pastDueDaysAgo?: number; trialEndedDaysAgo?: number } = {},
): Setup {
  return async (server, t, seats) => {
    await updateBillingState(server.services.control, t.tenantId, { license_token: null });
    await setOverrides(server.services, t.tenantId, seats === undefined ? {} : { seats });
    await putInState(
      server.services,
      t.tenantId,
      status === "trialing" ? "trial" : "professional",
      status,
      opts,
    );
  };
}

function licenseState(expiresInDays: number): Setup {
  return async (server, t, seats) => {
    const token = await issueLicense(keys.privateKey, {
      tenantId: t.tenantId,
      tenantSlug: t.slug,
      plan: "professional",
      seats,
      expiresAt: new Date(server.services.clock.now().getTime() + expiresInDays * DAY),
    });
    await putInState(server.services, t.tenantId, "trial", "canceled");
    await updateBillingState(server.services.control, t.tenantId, { license_token: token });
    server.services.billing.invalidate(t.tenantId);
  };
}

// Every state the tenant can be in, and whether it may write.
const STATES: Array<[string, Setup, "full" | "grace" | "read_only"]> = [
  ["trialing", subscriptionState("trialing", { trialEndedDaysAgo: -5 }), "full"],
  [
    "trial ended without payment",
    subscriptionState("trialing", { trialEndedDaysAgo: 1 }),
    "read_only",
  ],
  ["active", subscriptionState("active"), "full"],
  ["past_due in grace (day 2 of 7)", subscriptionState("past_due", { pastDueDaysAgo: 2 }), "grace"],
  [
    "past_due after grace (day 8)",
    subscriptionState("past_due", { pastDueDaysAgo: 8 }),
    "read_only",
  ],
  ["unpaid", subscriptionState("unpaid", { pastDueDaysAgo: 1 }), "read_only"],
  ["canceled", subscriptionState("canceled"), "read_only"],
  ["incomplete_expired", subscriptionState("incomplete_expired"), "read_only"],
  ["licence valid", licenseState(30), "full"],
  ["licence expired, in grace", licenseState(-3), "grace"],
  ["licence expired, after grace", licenseState(-10), "read_only"],
];

Deno.test("billing matrix: every subscription and licence state against read, create, update, delete, export, invite, upload and AI", async (t) => {
  const server = await startTestServer({ LICENSE_PUBLIC_KEY: keys.publicKey });
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    const api: ApiClient = await apiClient(server, tenant);
    const cookie = { cookie: tenant.jar.header(tenant.host) };
    const existing = await api.ok("POST", "/api/v1/customers", { name: "Keeps Foods" }, 201);
    for (const [label, setup, mode] of STATES) {
      await t.step(label, async () => {
        await setup(server, tenant);
        const writes = mode !== "read_only";
        // Read and export always work.
        const list = await api.call("GET", "/api/v1/customers");
        assert.equal(list.status, 200);
        const exported = await server.fetch(tenant.host, "/customers/export.csv", {
          headers: cookie,
        });
        assert.equal(exported.status, 200);
        assert.match(await exported.text(), /Keeps Foods/);
        const status = await api.call("GET", "/api/v1/billing");
        assert.equal(status.body.access, mode);

        // Create, update and delete through the API.
        const created = await api.call("POST", "/api/v1/customers", { name: `New ${label}` });
        assert.equal(created.status, writes ? 201 : 402, `create: ${JSON.stringify(created.body)}`);
        const current = (await api.call("GET", `/api/v1/customers/${existing.id}`)).body;
        const updated = await api.call("PATCH", `/api/v1/customers/${existing.id}`, {
          notes: label,
          version: current.version,
        });
        assert.equal(updated.status, writes ? 200 : 402);
        if (writes) {
          const removed = await api.call("DELETE", `/api/v1/customers/${created.body.id}`);
          assert.equal(removed.status, 204);
        } else {
          assert.equal(created.body.error.code, "payment_required");
          assert.equal(created.body.error.details.reason, "read_only");
          assert.equal(created.body.error.details.billing_url, "/settings/billing");
          assert.match(created.body.error.message, /read-only/);
          const removed = await api.call("DELETE", `/api/v1/customers/${existing.id}`);
          assert.equal(removed.status, 402);
        }

        // A browser form gets a page that explains, with a way to pay.
        const form = await server.fetch(tenant.host, "/customers", {
          method: "POST",
          headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ _csrf: tenant.csrf, name: `Form ${label}` }).toString(),
        });
        const html = await form.text();
        if (writes) assert.equal(form.status, 303, html.slice(0, 300));
        else {
          assert.equal(form.status, 402);
          assert.match(html, /This workspace is read-only/);
          assert.match(html, /href="\/settings\/billing"/);
        }

        // Grace shows the banner on pages; read-only shows its own.
        const page = await (await server.fetch(tenant.host, "/customers", { headers: cookie }))
          .text();
        assert.equal(/id="billing-banner"/.test(page), mode !== "full");

        // Inviting over the seat limit: refused with the reason (read-only wins over the limit).
        const usage = await usageFor(server.services, tenant.tenantId);
        await setup(server, tenant, usage.seats + usage.pendingInvitations);
        const invite = await api.call("POST", "/api/v1/invitations", {
          email: `x${Date.now()}@seats.example`,
          role: "viewer",
        });
        assert.equal(invite.status, 402);
        assert.equal(invite.body.error.details.reason, writes ? "limit_reached" : "read_only");
        await setup(server, tenant);
        const withinLimit = await api.call("POST", "/api/v1/invitations", {
          email: `y${Date.now()}@seats.example`,
          role: "viewer",
        });
        assert.equal(withinLimit.status, writes ? 201 : 402);

        // Upload (documents) and the AI assistant are asked of the same module.
        assert.equal(
          (await mayUse(server.services, tenant.tenantId, "documentsPerMonth")).allowed,
          writes,
        );
        assert.equal(
          (await mayUse(server.services, tenant.tenantId, "aiTokensPerMonth", 100)).allowed,
          writes,
        );

        // Signing in and taking a token still work while read-only.
        const token = await server.fetch(tenant.host, "/api/v1/auth/tokens", {
          method: "POST",
          json: { email: tenant.email, password: tenant.password, name: "still works" },
        });
        assert.equal(token.status, 201);
        await token.body?.cancel();
      });
    }
  } finally {
    await server.close();
  }
});

Deno.test("a plan without API access refuses bearer tokens (402) and hides token creation", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    const api = await apiClient(server, tenant);
    assert.equal((await api.call("GET", "/api/v1/me")).status, 200);
    await putInState(server.services, tenant.tenantId, "starter", "active");
    const refused = await api.call("GET", "/api/v1/me");
    assert.equal(refused.status, 402);
    assert.equal(refused.body.error.details.feature, "apiAccess");
    assert.match(refused.body.error.message, /API access is not part of the Starter plan/);
    const cookie = { cookie: tenant.jar.header(tenant.host) };
    const page = await (await server.fetch(tenant.host, "/settings/tokens", { headers: cookie }))
      .text();
    assert.match(page, /id="api-not-in-plan"/);
    assert.doesNotMatch(page, /action="\/settings\/tokens" class="inline-form"/);
    const create = await server.fetch(tenant.host, "/settings/tokens", {
      method: "POST",
      headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: tenant.csrf, name: "sneaky" }).toString(),
    });
    assert.equal(create.status, 402);
    await create.body?.cancel();
    const tokens = await server.services.control.execute({
      sql: "SELECT COUNT(*) AS n FROM api_tokens WHERE tenant_id = ? AND name = 'sneaky'",
      args: [tenant.tenantId],
    });
    assert.equal(Number(tokens.rows[0]!.n), 0);
    // Upgrading gives the API back at once.
    await putInState(server.services, tenant.tenantId, "professional", "active");
    assert.equal((await api.call("GET", "/api/v1/me")).status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("the members page refuses an invitation over the seat limit with the reason and a link", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    await putInState(server.services, tenant.tenantId, "starter", "active");
    const cookie = { cookie: tenant.jar.header(tenant.host) };
    const invite = (email: string) =>
      server.fetch(tenant.host, "/settings/members/invite", {
        method: "POST",
        headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: tenant.csrf, email, role: "broker" }).toString(),
      });
    // Starter has 3 seats: the owner and two invitations fill them.
    for (const email of ["a@seats.example", "b@seats.example"]) {
      const ok = await invite(email);
      assert.equal(ok.status, 303);
      await ok.body?.cancel();
    }
    const refused = await invite("c@seats.example");
    assert.equal(refused.status, 402);
    const html = await refused.text();
    assert.match(html, /All 3 seats of the Starter plan are taken/);
    assert.match(html, /href="\/settings\/billing"/);
    const rs = await server.services.control.execute({
      sql:
        "SELECT COUNT(*) AS n FROM invitations WHERE tenant_id = ? AND email = 'c@seats.example'",
      args: [tenant.tenantId],
    });
    assert.equal(Number(rs.rows[0]!.n), 0, "no invitation and no e-mail for the refused one");
  } finally {
    await server.close();
  }
});

Deno.test("audit retention is a window: older history is hidden on a short plan, never deleted", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address // the trial keeps 30 days
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Gulf Coast Foods" }, 201);
    await api.ok("PATCH", `/api/v1/customers/${customer.id}`, {
      name: "Gulf Coast Foods LLC",
      version: customer.version,
    });
    // The creation happened 45 days ago, by the app's clock (which retention counts from).
    const now = () => server.services.clock.now().getTime();
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      await lease.db.execute({
        sql: "UPDATE audit_log SET at = ? WHERE entity_id = ? AND action = 'create'",
        args: [new Date(now() - 45 * DAY).toISOString(), customer.id],
      });
    } finally {
      lease.release();
    }
    const path = `/api/v1/customers/${customer.id}/history`;
    const short = await api.ok("GET", path);
    assert.deepEqual(short.data.map((e: { action: string }) => e.action), ["update"]);
    assert.equal(short.older_hidden, 1);
    assert.ok(now() - Date.parse(short.since) >= 30 * DAY - 60_000);
    const cookie = { cookie: tenant.jar.header(tenant.host) };
    const page = await (await server.fetch(tenant.host, `/customers/${customer.id}`, {
      headers: cookie,
    })).text();
    assert.match(
      page,
      /1 older change is kept, from before [A-Z][a-z]{2} \d{1,2}, \d{4}\s+\(your plan's audit retention\)/,
    );

    await putInState(server.services, tenant.tenantId, "professional", "active"); // 365 days
    const long = await api.ok("GET", path);
    assert.deepEqual(long.data.map((e: { action: string }) => e.action), ["update", "create"]);
    assert.equal(long.older_hidden, 0);
  } finally {
    await server.close();
  }
});
