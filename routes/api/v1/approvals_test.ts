import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../../tests/helpers/api.ts";
import { addMember } from "../../../tests/helpers/members.ts";
import type { Role } from "../../../auth/roles.ts";

async function memberClient(server: TestServer, host: string, tenantId: string, role: Role) {
  const m = await addMember(server, tenantId, role);
  const res = await server.fetch(host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: m.email, password: m.password, name: role },
  });
  assert.equal(res.status, 201);
  return { api: clientWithToken(server, host, (await res.json()).token), userId: m.userId };
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

/** A PO of `pounds` lb of trim at $2.00 a pound. */
function po(supplierId: string, pounds: number) {
  return {
    supplier_id: supplierId,
    order_date: "2026-10-01",
    lines: [{ description: "Beef 81/19 trim", cases: 100, weight: pounds, price: 2 }],
  };
}

Deno.test("a broker's PO over $250,000 waits for approval; an admin approves; the history shows who", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const owner = await apiClient(server, tenant);
    const put = await owner.call("PUT", "/api/v1/config", LARGE_PO_RULE, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const broker = await memberClient(server, tenant.host, tenant.tenantId, "broker");
    const admin = await memberClient(server, tenant.host, tenant.tenantId, "admin");
    const supplier = await broker.api.ok("POST", "/api/v1/suppliers", { name: "Big Packers" }, 201);

    // Under the threshold nothing waits.
    const small = await broker.api.ok(
      "POST",
      "/api/v1/purchase-orders",
      po(supplier.id, 1000),
      201,
    );
    const none = await owner.ok(
      "GET",
      `/api/v1/approvals?collection=purchase-orders&record_id=${small.id}&status=all`,
    );
    assert.deepEqual(none.data, []);

    const large = await broker.api.ok(
      "POST",
      "/api/v1/purchase-orders",
      po(supplier.id, 150_000),
      201,
    );
    assert.equal(large.total_cents, 30_000_000);
    const queue = await owner.ok("GET", "/api/v1/approvals");
    assert.equal(queue.data.length, 1);
    const request = queue.data[0];
    assert.equal(request.record_id, large.id);
    assert.equal(request.rule_name, "Large PO approval");
    assert.equal(request.role, "admin");
    assert.equal(request.status, "pending");
    assert.equal(request.requested_by, broker.userId);

    // The PO waits: its status cannot move on, and the broker cannot approve it.
    const moved = await broker.api.call("PATCH", `/api/v1/purchase-orders/${large.id}`, {
      version: large.version,
      status: "approved",
    });
    assert.equal(moved.status, 409);
    assert.match(moved.body.error.message, /rule 'Large PO approval'/);
    const still = await owner.ok("GET", `/api/v1/purchase-orders/${large.id}`);
    assert.equal(still.status, "draft");
    assert.equal(still.version, large.version);
    const byBroker = await broker.api.call("POST", `/api/v1/approvals/${request.id}/approve`);
    assert.equal(byBroker.status, 403);

    const approved = await admin.api.ok("POST", `/api/v1/approvals/${request.id}/approve`, {
      note: "Checked the plant's capacity.",
    });
    assert.equal(approved.status, "approved");
    assert.equal(approved.decided_by, admin.userId);
    const again = await admin.api.call("POST", `/api/v1/approvals/${request.id}/reject`);
    assert.equal(again.status, 409, "a decided request stays decided");

    // Approved: the status moves on, and the same rule does not ask again for this PO.
    const next = await broker.api.ok("PATCH", `/api/v1/purchase-orders/${large.id}`, {
      version: large.version,
      status: "approved",
    });
    assert.equal(next.status, "approved");
    const after = await owner.ok("GET", "/api/v1/approvals");
    assert.deepEqual(after.data, []);

    const history = await owner.ok("GET", `/api/v1/purchase-orders/${large.id}/history`);
    const actions = history.data.map((e: { action: string }) => e.action);
    assert.ok(actions.includes("approval_requested"), JSON.stringify(actions));
    const decided = history.data.find((e: { action: string }) => e.action === "approved");
    assert.ok(decided, JSON.stringify(history.data));
    assert.equal(decided.user_id, admin.userId);
    assert.match(JSON.stringify(decided.changes), /approved by .*Checked the plant's capacity/);
    const all = await owner.ok(
      "GET",
      `/api/v1/approvals?collection=purchase-orders&record_id=${large.id}&status=all`,
    );
    assert.deepEqual(all.data.map((a: { status: string }) => a.status), ["approved"]);
  } finally {
    await server.close();
  }
});

Deno.test("a rejected PO keeps waiting; a block rule refuses the write and stores nothing", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const owner = await apiClient(server, tenant);
    const config = {
      rules: {
        record_rules: [
          LARGE_PO_RULE.rules.record_rules[0],
          {
            name: "No giant POs",
            record_type: "purchase-orders",
            when: { ">": [{ var: "record.total_cents" }, 90_000_000] },
            actions: [{ type: "block", message: "Split orders over $900,000." }],
          },
        ],
      },
    };
    const put = await owner.call("PUT", "/api/v1/config", config, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const broker = await memberClient(server, tenant.host, tenant.tenantId, "broker");
    const admin = await memberClient(server, tenant.host, tenant.tenantId, "admin");
    const supplier = await broker.api.ok("POST", "/api/v1/suppliers", { name: "Big Packers" }, 201);

    const giant = await broker.api.call(
      "POST",
      "/api/v1/purchase-orders",
      po(supplier.id, 500_000),
    );
    assert.equal(giant.status, 422);
    assert.match(giant.body.error.message, /Blocked by rule 'No giant POs': Split orders/);
    assert.equal((await owner.ok("GET", "/api/v1/purchase-orders")).data.length, 0);
    assert.equal((await owner.ok("GET", "/api/v1/approvals?status=all")).data.length, 0);

    const large = await broker.api.ok(
      "POST",
      "/api/v1/purchase-orders",
      po(supplier.id, 150_000),
      201,
    );
    const [request] = (await owner.ok("GET", "/api/v1/approvals")).data;
    const rejected = await admin.api.ok("POST", `/api/v1/approvals/${request.id}/reject`, {
      note: "Too much for one plant.",
    });
    assert.equal(rejected.status, "rejected");
    const moved = await broker.api.call("PATCH", `/api/v1/purchase-orders/${large.id}`, {
      version: large.version,
      status: "approved",
    });
    assert.equal(moved.status, 409);
    assert.match(moved.body.error.message, /rejected/);
  } finally {
    await server.close();
  }
});
