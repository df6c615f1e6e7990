/**
 * Events from outside a request (a Stripe event a worker applied) land in that workspace's chain
 * and nowhere else; a workspace that is gone is skipped without an error.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { recordBillingChange } from "./tenant_log.ts";
import { verifyChain } from "./verify.ts";

Deno.test("recordBillingChange() writes billing.changed with the plan to that workspace's chain only", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    await putInState(server.services, a.tenantId, "professional", "active");
    const actionsOf = async (tenantId: string) => {
      const lease = await server.services.pool.acquire(tenantId, null);
      try {
        const rs = await lease.db.execute(
          "SELECT action, details FROM security_events ORDER BY seq",
        );
        return { rows: rs.rows, intact: (await verifyChain(lease.db)).intact };
      } finally {
        lease.release();
      }
    };
    const before = await actionsOf(b.tenantId);

    await recordBillingChange(server.services, a.tenantId, { source: "stripe", event_id: "evt_1" });

    const after = await actionsOf(a.tenantId);
    const last = after.rows.at(-1)!;
    assert.equal(last.action, "billing.changed");
    assert.deepEqual(JSON.parse(String(last.details)), {
      event_id: "evt_1",
      plan: "professional",
      source: "stripe",
      status: "active",
    });
    assert.equal(after.intact, true);
    assert.deepEqual((await actionsOf(b.tenantId)).rows, before.rows, "B's chain is untouched");
    await recordBillingChange(server.services, "01jd8x7k3m5n9p2q4r6s8t0v1w", { source: "stripe" });
  } finally {
    await server.close();
  }
});
