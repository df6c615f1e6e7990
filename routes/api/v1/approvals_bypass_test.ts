/**
 * An approval rule cannot be walked around: a record created straight in a later status, moved
 * on in the same write that made it need approval, or changed after it was approved (so the
 * approval covered other values) waits like any other (real API, a broker and an admin).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../../tests/helpers/api.ts";
import { addMember } from "../../../tests/helpers/members.ts";
import type { Role } from "../../../auth/roles.ts";
import { changedForRule } from "../../../domain/rules/engine.ts";

async function memberClient(server: TestServer, host: string, tenantId: string, role: Role) {
  const m = await addMember(server, tenantId, role);
  const res = await server.fetch(host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: m.email, password: m.password, name: role },
  });
  assert.equal(res.status, 201);
  return clientWithToken(server, host, (await res.json()).token);
}

const LARGE_PO_RULE = {
  rules: {
    record_rules: [{
      name: "Large PO approval",
      record_type: "purchase-orders",
      on: ["create", "update"],
      when: { ">": [{ var: "record.total_cents" }, 25_000_000] },
      actions: [{
        type: "require_approval",
        role: "admin",
        message: "A PO over $250,000 needs a second approver.",
      }],
    }],
  },
};

/** A PO line of `dollars` (one case). */
function line(dollars: number) {
  return [{ description: "Chuck", cases: 1, price: dollars, price_basis: "case" }];
}

Deno.test("unit: an approval is stale when what its rule reads of the record changed", () => {
  const when = { ">": [{ var: "record.total_cents" }, 100] };
  const before = { id: "a", total_cents: 300, notes: null, version: 1 };
  assert.equal(changedForRule(when, { ...before, notes: "x", version: 2 }, before), false);
  assert.equal(changedForRule(when, { ...before, total_cents: 900 }, before), true);
  assert.equal(changedForRule(when, { ...before, total_cents: 900 }, null), false);
  const custom = { "==": [{ var: ["record.custom_fields.grade", ""] }, "prime"] };
  assert.equal(changedForRule(custom, { ...before, grade: "choice" }, before), true);
  assert.equal(changedForRule({ "==": [{ var: "user.role" }, "broker"] }, before, before), false);
  const whole = { "!!": [{ var: "record" }] };
  assert.equal(changedForRule(whole, { ...before, version: 2 }, before), false);
  assert.equal(changedForRule(whole, { ...before, notes: "x" }, before), true);
});

Deno.test("a broker cannot create, patch or grow a large PO past its approval", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const tenant = await signUpTenant(server);
    const owner = await apiClient(server, tenant);
    const put = await owner.call("PUT", "/api/v1/config", LARGE_PO_RULE, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const broker = await memberClient(server, tenant.host, tenant.tenantId, "broker");
    const admin = await memberClient(server, tenant.host, tenant.tenantId, "admin");
    const supplier = await broker.ok("POST", "/api/v1/suppliers", { name: "Big Packers" }, 201);
    const base = { supplier_id: supplier.id, order_date: "2026-10-01" };
    const count = async () => (await owner.ok("GET", "/api/v1/purchase-orders")).total as number;
    const before = await count();

    // 1. Created straight as approved: refused, nothing stored (it was stored before the fix).
    const created = await broker.call("POST", "/api/v1/purchase-orders", {
      ...base,
      status: "approved",
      lines: line(1_000_000),
    });
    assert.equal(created.status, 409, JSON.stringify(created.body));
    assert.match(created.body.error.message, /Needs approval: rule 'Large PO approval'/);
    assert.equal(await count(), before);
    assert.equal((await owner.ok("GET", "/api/v1/approvals?status=all")).data.length, 0);

    // 2. A small draft grown and moved on in one write: refused, unchanged.
    const small = await broker.ok("POST", "/api/v1/purchase-orders", {
      ...base,
      lines: line(100),
    }, 201);
    const patched = await broker.call("PATCH", `/api/v1/purchase-orders/${small.id}`, {
      version: small.version,
      status: "approved",
      lines: [{ description: "Chuck", cases: 2, price: 1_000_000, price_basis: "case" }],
    });
    assert.equal(patched.status, 409, JSON.stringify(patched.body));
    const unchanged = await owner.ok("GET", `/api/v1/purchase-orders/${small.id}`);
    assert.equal(unchanged.status, "draft");
    assert.equal(unchanged.total_cents, 10_000);

    // 3. Approved at $300,000, then grown to $9,000,000: the rule asks again and the PO waits.
    const large = await broker.ok("POST", "/api/v1/purchase-orders", {
      ...base,
      lines: line(300_000),
    }, 201);
    const path = `/api/v1/purchase-orders/${large.id}`;
    const pending = (await owner.ok(
      "GET",
      `/api/v1/approvals?collection=purchase-orders&record_id=${large.id}`,
    )).data;
    assert.equal(pending.length, 1);
    await admin.ok("POST", `/api/v1/approvals/${pending[0].id}/approve`, {});
    const grown = await broker.ok("PATCH", path, {
      version: large.version,
      lines: [{ description: "Chuck", cases: 30, price: 300_000, price_basis: "case" }],
    });
    assert.equal(grown.total_cents, 900_000_000);
    const moved = await broker.call("PATCH", path, { version: grown.version, status: "approved" });
    assert.equal(moved.status, 409, JSON.stringify(moved.body));
    assert.equal((await owner.ok("GET", path)).status, "draft");
    const requests = (await owner.ok(
      "GET",
      `/api/v1/approvals?collection=purchase-orders&record_id=${large.id}&status=all`,
    )).data.map((a: { status: string }) => a.status);
    assert.deepEqual(requests, ["pending", "approved"]);

    // Approved again, it moves on; a note alone afterwards asks nothing more.
    const again = (await owner.ok(
      "GET",
      `/api/v1/approvals?collection=purchase-orders&record_id=${large.id}`,
    )).data[0];
    await admin.ok("POST", `/api/v1/approvals/${again.id}/approve`, {});
    const approved = await broker.ok("PATCH", path, {
      version: grown.version,
      status: "approved",
    });
    assert.equal(approved.status, "approved");
    const noted = await broker.ok("PATCH", path, {
      version: approved.version,
      notes: "Dock 4",
    });
    assert.equal(noted.status, "approved");

    // 4. An approved PO grown past what was approved: refused while it is past draft.
    const regrown = await broker.call("PATCH", path, {
      version: noted.version,
      lines: [{ description: "Chuck", cases: 31, price: 300_000, price_basis: "case" }],
    });
    assert.equal(regrown.status, 409, JSON.stringify(regrown.body));
    assert.equal((await owner.ok("GET", path)).total_cents, 900_000_000);
  } finally {
    await server.close();
  }
});
