/**
 * A credit-hold override covers the customer and the total it was given for: a member who may
 * not override cannot grow an overridden order, move it to another held customer or reopen it
 * under the override (over the real API).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../tests/helpers/api.ts";
import { addMember } from "../../tests/helpers/members.ts";
import type { Role } from "../../auth/roles.ts";

async function memberClient(server: TestServer, host: string, tenantId: string, role: Role) {
  const m = await addMember(server, tenantId, role);
  const res = await server.fetch(host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: m.email, password: m.password, name: role },
  });
  assert.equal(res.status, 201);
  return clientWithToken(server, host, (await res.json()).token);
}

Deno.test("a broker cannot grow, move or reopen an order under an admin's credit override", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const tenant = await signUpTenant(server);
    const owner = await apiClient(server, tenant);
    const broker = await memberClient(server, tenant.host, tenant.tenantId, "broker");
    const admin = await memberClient(server, tenant.host, tenant.tenantId, "admin");
    const held = await owner.ok("POST", "/api/v1/customers", {
      name: "Held Grocers",
      credit_hold: true,
    }, 201);
    const alsoHeld = await owner.ok("POST", "/api/v1/customers", {
      name: "Also Held Foods",
      credit_hold: true,
    }, 201);
    const line = (cents: number) => ({
      description: "Brisket",
      cases: 1,
      price: cents / 100,
      price_basis: "case",
    });
    const overridden = await admin.ok("POST", "/api/v1/sales-orders", {
      customer_id: held.id,
      order_date: "2026-11-01",
      credit_override: true,
      credit_override_reason: "Sample order, prepaid",
      lines: [line(1_000)],
    }, 201);
    assert.equal(overridden.total_cents, 1_000);
    const path = `/api/v1/sales-orders/${overridden.id}`;

    // Growing the order under the override: refused (it was saved before the fix).
    const grown = await broker.call("PATCH", path, {
      version: overridden.version,
      lines: [line(50_000_000)],
    });
    assert.equal(grown.status, 422, JSON.stringify(grown.body));
    assert.match(grown.body.error.message, /on credit hold/);

    // Moving it to another customer on hold: refused.
    const moved = await broker.call("PATCH", path, {
      version: overridden.version,
      customer_id: alsoHeld.id,
    });
    assert.equal(moved.status, 422, JSON.stringify(moved.body));

    // Reopening it once cancelled: refused.
    const cancelled = await admin.ok("PATCH", path, {
      version: overridden.version,
      status: "cancelled",
    });
    const reopened = await broker.call("PATCH", path, {
      version: cancelled.version,
      status: "draft",
    });
    assert.equal(reopened.status, 422, JSON.stringify(reopened.body));
    const current = await admin.ok("PATCH", path, { version: cancelled.version, status: "draft" });

    // Within the override the broker still works on the order: notes, a smaller total.
    const noted = await broker.ok("PATCH", path, {
      version: current.version,
      notes: "Ship Tuesday",
      lines: [line(900)],
    });
    assert.equal(noted.total_cents, 900);
    assert.equal(noted.credit_override, true);

    // The roles that may override still may grow it.
    const bigger = await admin.ok("PATCH", path, {
      version: noted.version,
      lines: [line(5_000)],
    });
    assert.equal(bigger.total_cents, 5_000);
    const after = await owner.ok("GET", path);
    assert.equal(after.total_cents, 5_000);
  } finally {
    await server.close();
  }
});
