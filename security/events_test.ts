/**
 * recordSecurityEvent() on a running server: the plan's retention prunes old entries once a day as
 * the clock moves on, and the pruned chain still verifies.
 */
import assert from "node:assert/strict";
import { FixedClock, systemClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { readAnchor } from "./chain.ts";
import { verifyChain } from "./verify.ts";

const DAY = 86_400_000;

Deno.test("the plan's audit retention prunes entries past it as the clock moves, chain still intact", async () => {
  const clock = new FixedClock(systemClock.now());
  const server = await startTestServer({}, { clock });
  try {
    const a = await signUpTenant(server);
    // Starter keeps the log 90 days (billing/plans.ts).
    await putInState(server.services, a.tenantId, "starter", "active");
    const failSignIn = async () => {
      const res = await server.fetch(a.host, "/api/v1/auth/login", {
        method: "POST",
        json: { email: a.email, password: "not it" },
      });
      assert.equal(res.status, 401);
      await res.body?.cancel();
    };
    const rows = async () => {
      const lease = await server.services.pool.acquire(a.tenantId, null);
      try {
        const rs = await lease.db.execute(
          "SELECT seq, action, at FROM security_events ORDER BY seq",
        );
        return {
          rows: rs.rows.map((r) => ({ seq: Number(r.seq), action: String(r.action) })),
          anchor: await readAnchor(lease.db),
          verified: await verifyChain(lease.db),
        };
      } finally {
        lease.release();
      }
    };

    await failSignIn();
    const before = await rows();
    assert.ok(before.rows.length >= 2, "the handoff at signup and the failed sign-in");
    const lastOld = before.rows.at(-1)!.seq;

    clock.advance(60 * DAY);
    await failSignIn();
    const within = await rows();
    assert.equal(
      within.rows.length,
      before.rows.length + 1,
      "60 days is inside 90: nothing pruned",
    );

    clock.advance(31 * DAY);
    await failSignIn();
    const after = await rows();
    assert.deepEqual(
      after.rows.map((r) => r.seq),
      [lastOld + 1, lastOld + 2],
      "only the entries of the last 90 days remain",
    );
    assert.equal(after.anchor?.seq, lastOld, "the anchor is the last pruned entry");
    assert.equal(after.verified.intact, true);
  } finally {
    await server.close();
  }
});
