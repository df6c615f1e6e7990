/**
 * A record rule that mails an address outside the workspace: only on the word of a member who may
 * manage settings and confirmed their own address (the one who last saved the rules), and within
 * the day's limits; members' notices are never held. Over the real API and the job's delivery.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../tests/helpers/api.ts";
import { addMember, mailTo } from "../tests/helpers/members.ts";
import { deliverRuleEffects, RULE_MAIL_LIMITS } from "./rule_jobs.ts";
import { listNotifications } from "../notifications/store.ts";

const OUTSIDER = "victim@outside.example";

function rules(name: string) {
  return {
    rules: {
      record_rules: [{
        name,
        record_type: "suppliers",
        on: ["create"],
        actions: [{
          type: "notify",
          roles: ["broker"],
          users: [OUTSIDER],
          message: "Your account is suspended: verify now at evil.example",
        }],
      }],
    },
  };
}

Deno.test("rule mail to outsiders needs a confirmed saver who manages settings, within daily limits", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  const t = await signUpTenant(server);
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const control = server.services.control;
    const confirm = (userId: string | null) =>
      control.execute({
        sql: "UPDATE users SET email_verified_at = ? WHERE id = ?",
        args: [userId ? new Date().toISOString() : null, userId ?? t.userId],
      });
    await confirm(null); // a fresh sign-up: its address not confirmed
    const owner = await apiClient(server, t);
    const put = await owner.call("PUT", "/api/v1/config", rules("Account locked"), {
      "if-match": '"0"',
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const broker = await addMember(server, t.tenantId, "broker");
    const fire = () =>
      deliverRuleEffects(server.services, t.tenantId, lease.db, [{
        type: "notify",
        rule: "Account locked",
        roles: ["broker"],
        users: [OUTSIDER],
        message: "Your account is suspended: verify now at evil.example",
        link: "/suppliers",
      }]);

    // Saved by an unconfirmed owner: the member is told, the outsider gets nothing (it got every
    // one before the fix).
    await fire();
    assert.equal((await mailTo(server, OUTSIDER)).length, 0);
    assert.equal((await listNotifications(lease.db, broker.userId, {})).length, 1);

    // Once the owner confirmed their address the mail goes, up to the day's limit per address.
    await confirm(t.userId);
    for (let i = 0; i < RULE_MAIL_LIMITS.perAddress + 3; i++) await fire();
    assert.equal((await mailTo(server, OUTSIDER)).length, RULE_MAIL_LIMITS.perAddress);
    assert.equal(
      (await listNotifications(lease.db, broker.userId, {})).length,
      RULE_MAIL_LIMITS.perAddress + 4,
    );

    // Saved last by an admin later demoted: held again.
    const admin = await addMember(server, t.tenantId, "admin");
    await confirm(admin.userId);
    const res = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: admin.email, password: admin.password, name: "admin" },
    });
    const adminApi = clientWithToken(server, t.host, (await res.json()).token);
    const version = (await owner.call("GET", "/api/v1/config")).headers.get("etag")!;
    const again = await adminApi.call("PUT", "/api/v1/config", rules("Account locked 2"), {
      "if-match": version,
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    await control.execute({
      sql: "UPDATE memberships SET role = 'broker' WHERE tenant_id = ? AND user_id = ?",
      args: [t.tenantId, admin.userId],
    });
    await control.execute({ sql: "DELETE FROM outbox WHERE to_addr = ?", args: [OUTSIDER] });
    await fire();
    assert.equal((await mailTo(server, OUTSIDER)).length, 0);
  } finally {
    lease.release();
    await server.close();
  }
});
