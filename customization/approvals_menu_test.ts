/**
 * The navigation's Approvals entry: absent while no rule requires approval; with a rule, shown to
 * every member, with the number of pending requests that member may decide (never their own).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { addMember, call, type Session, signIn } from "../tests/helpers/members.ts";
import type { Role } from "../auth/roles.ts";
import { businessDay } from "../domain/clock.ts";
import { approvalRulesOn, decidableCount } from "./approvals_menu.ts";
import { validConfiguration } from "./document/parse.ts";

const RULE = {
  name: "Large PO approval",
  record_type: "purchase-orders",
  on: ["create"],
  when: { ">": [{ var: "record.total_cents" }, 25_000_000] },
  actions: [{ type: "require_approval", role: "admin", message: "Needs a second approver." }],
};

async function member(server: TestServer, host: string, tenantId: string, role: Role) {
  const m = await addMember(server, tenantId, role);
  return await signIn(server, host, m.email, m.password);
}

/** The sidebar's Approvals link of a member's dashboard, or null. */
async function approvalsEntry(server: TestServer, session: Session): Promise<string | null> {
  const res = await server.fetch(session.host, "/", {
    headers: { cookie: session.jar.header(session.host) },
  });
  const html = await res.text();
  assert.equal(res.status, 200);
  const sidebar = /<nav class="sidebar"[\s\S]*?<\/nav>/.exec(html)![0];
  return /<a href="\/approvals"[^>]*>[\s\S]*?<\/a>/.exec(sidebar)?.[0] ?? null;
}

Deno.test("the Approvals entry shows only with an approval rule, counting what each member may decide", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    const broker = await member(server, t.host, t.tenantId, "broker");
    const admin = await member(server, t.host, t.tenantId, "admin");
    const viewer = await member(server, t.host, t.tenantId, "viewer");
    assert.equal(await approvalsEntry(server, admin), null, "no rule: no entry");

    const put = await owner.call("PUT", "/api/v1/config", {
      rules: { record_rules: [{ ...RULE, enabled: false }] },
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(await approvalsEntry(server, admin), null, "a switched-off rule: no entry");

    const on = await owner.call("PUT", "/api/v1/config", { rules: { record_rules: [RULE] } }, {
      "if-match": '"1"',
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.match((await approvalsEntry(server, admin))!, />Approvals<\/a>$/, "nothing waits yet");

    const supplier = await owner.ok("POST", "/api/v1/suppliers", { name: "Big Packers" }, 201);
    const created = await call(server, broker, "POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: businessDay(server.services.clock, "America/Chicago"),
      lines: [{ description: "Beef 81/19 trim", cases: 100, weight: 150_000, price: 2 }],
    });
    assert.equal(created.status, 201, await created.text());

    assert.match((await approvalsEntry(server, admin))!, /data-count="1">1<\/span><\/a>$/);
    const ownerSession = { host: t.host, jar: t.jar } as Session;
    assert.match((await approvalsEntry(server, ownerSession))!, /data-count="1"/, "owners decide");
    assert.match((await approvalsEntry(server, broker))!, />Approvals<\/a>$/, "not their own");
    assert.match((await approvalsEntry(server, viewer))!, />Approvals<\/a>$/, "not a viewer's");
  } finally {
    await server.close();
  }
});

Deno.test("decidableCount() counts a role's requests and an owner's all, never the member's own", () => {
  const waiting = [
    { role: "admin", requestedBy: "u-broker", count: 2 },
    { role: "admin", requestedBy: "u-admin", count: 1 },
    { role: "accounting", requestedBy: "u-broker", count: 4 },
  ];
  assert.equal(decidableCount(waiting, "admin", "u-admin"), 2);
  assert.equal(decidableCount(waiting, "owner", "u-owner"), 7);
  assert.equal(decidableCount(waiting, "accounting", "u-acc"), 4);
  assert.equal(decidableCount(waiting, "viewer", "u-viewer"), 0);
  assert.equal(decidableCount([], "owner", "u-owner"), 0);
});

Deno.test("approvalRulesOn() is true only for an enabled rule with a require_approval action", () => {
  const doc = (rules: unknown[]) => validConfiguration({ rules: { record_rules: rules } });
  assert.equal(approvalRulesOn(null), false);
  assert.equal(approvalRulesOn(doc([])), false);
  assert.equal(approvalRulesOn(doc([RULE])), true);
  assert.equal(approvalRulesOn(doc([{ ...RULE, enabled: false }])), false);
  assert.equal(
    approvalRulesOn(doc([{ ...RULE, actions: [{ type: "warn", message: "Big one." }] }])),
    false,
  );
});
