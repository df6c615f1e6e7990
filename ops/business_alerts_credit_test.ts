import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import {
  addBusinessAlertRule,
  evaluateBusinessAlerts,
  listBusinessAlertRules,
} from "./business_alerts.ts";

/** A loopback receiver that records each alert it is sent. */
function receiver() {
  const got: Array<Record<string, unknown>> = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    got.push(await req.json());
    return new Response("ok");
  });
  return { got, server, url: `http://127.0.0.1:${server.addr.port}/hook` };
}

Deno.test("a customer going over its credit limit is told once per crossing, by the rule's channel and to members, and cleared when back within", async () => {
  const clock = new FixedClock("2026-03-10T15:00:00Z");
  const hook = receiver();
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" }, { clock });
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const tenant = (await server.services.registry.findById(t.tenantId))!;
    const s = server.services;
    const line = (price: number) => ({
      description: "Wings",
      cases: 1,
      price,
      price_basis: "case",
    });
    const invoice = async (customerId: string, price: number) =>
      (await api.ok("POST", "/api/v1/invoices", {
        customer_id: customerId,
        invoice_date: "2026-03-01",
        due_date: "2026-03-31",
        state: "sent",
        lines: [line(price)],
      }, 201)).id as string;
    // A limit of 1,000.00; another customer with a limit stays under it; a third has none.
    const slow = await api.ok("POST", "/api/v1/customers", {
      name: "Slow Payers",
      credit_limit_cents: 100_000,
    }, 201);
    const fine = await api.ok("POST", "/api/v1/customers", {
      name: "Fine Foods",
      credit_limit_cents: 500_000,
    }, 201);
    const open = await api.ok("POST", "/api/v1/customers", { name: "No Limit Co" }, 201);
    await invoice(slow.id, 600);
    await invoice(fine.id, 100);
    await invoice(open.id, 90_000);

    const lease = await s.pool.acquire(t.tenantId, null);
    const db = lease.db;
    const crossingNotices = async () =>
      (await db.execute(
        `SELECT event, title, link FROM notifications WHERE dedupe_key LIKE 'credit-crossing:%'
         ORDER BY created_at`,
      )).rows;
    try {
      await addBusinessAlertRule(s, t.tenantId, db, {
        metric: "customer_over_credit_limit",
        threshold: 0,
        channel: "webhook",
        target: hook.url,
      }, t.userId);

      // Under its limit (600.00 of 1,000.00): nothing sent, no notice.
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      assert.equal(hook.got.length, 0);
      assert.equal((await crossingNotices()).length, 0);

      // A second invoice brings it to 1,100.00: told once, about that customer only.
      const second = await invoice(slow.id, 500);
      const fired = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(fired.map((c) => [c.status, c.customerId, c.value]), [
        ["firing", slow.id, 1100],
      ]);
      assert.equal(hook.got.length, 1);
      assert.equal(hook.got[0]!.status, "firing");
      assert.equal(hook.got[0]!.metric, "customer_over_credit_limit");
      assert.deepEqual(hook.got[0]!.customer, {
        id: slow.id,
        name: "Slow Payers",
        currency: "USD",
        exposure: "1100.00",
        limit: "1000.00",
      });
      const notices = await crossingNotices();
      assert.ok(notices.length >= 1, "the owner is told");
      assert.ok(notices.every((n) => n.event === "customer_over_credit"));
      assert.equal(notices[0]!.title, "Slow Payers is over its credit limit");
      assert.equal(notices[0]!.link, `/customers/${slow.id}`);
      const [rule] = await listBusinessAlertRules(db);
      assert.notEqual(rule!.firingSince, null);
      assert.equal(rule!.lastValue, 1);

      // Still over a quarter-hour and a day later: not told again, by either channel.
      for (const ms of [15 * 60_000, 86_400_000]) {
        clock.advance(ms);
        assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      }
      assert.equal(hook.got.length, 1);
      assert.equal((await crossingNotices()).length, notices.length);

      // Paid down to 600.00: resolved once, and the state is cleared.
      await db.execute({
        sql: "UPDATE invoices SET outstanding_cents = 0 WHERE id = ?",
        args: [second],
      });
      const resolved = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(resolved.map((c) => [c.status, c.customerId]), [["resolved", slow.id]]);
      assert.equal(hook.got[1]!.status, "resolved");
      assert.equal((await listBusinessAlertRules(db))[0]!.firingSince, null);
      const left = await db.execute("SELECT count(*) AS n FROM business_alert_credit_state");
      assert.equal(Number(left.rows[0]!.n), 0);
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      assert.equal(hook.got.length, 2);

      // Over again: a new crossing is told again, to the channel and to members.
      await invoice(slow.id, 700);
      const again = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(again.map((c) => [c.status, c.customerId]), [["firing", slow.id]]);
      assert.equal(hook.got.length, 3);
      assert.equal((await crossingNotices()).length, notices.length * 2);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
    await hook.server.shutdown();
  }
});

Deno.test("a credit-limit rule's threshold is how far over the limit a customer may go before it is told", async () => {
  const hook = receiver();
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const tenant = (await server.services.registry.findById(t.tenantId))!;
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Edge Meats",
      credit_limit_cents: 100_000,
    }, 201);
    await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-03-01",
      due_date: "2026-03-31",
      state: "sent",
      lines: [{ description: "Loins", cases: 1, price: 1_150, price_basis: "case" }],
    }, 201);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      // 150.00 over: a rule tolerating 200 stays quiet, one tolerating 100 fires.
      for (const threshold of [200, 100]) {
        await addBusinessAlertRule(server.services, t.tenantId, lease.db, {
          metric: "customer_over_credit_limit",
          threshold,
          channel: "slack",
          target: hook.url,
        }, t.userId);
      }
      const changes = await evaluateBusinessAlerts(server.services, tenant, lease.db);
      // Both rules were made in the same millisecond: their order by id is not theirs to keep.
      const rules = await listBusinessAlertRules(lease.db);
      const byThreshold = (n: number) => rules.find((r) => r.threshold === n)!;
      assert.deepEqual(changes.map((c) => c.ruleId), [byThreshold(100).id]);
      assert.equal(hook.got.length, 1);
      assert.match(String(hook.got[0]!.text), /Edge Meats is over its credit limit/);
      assert.equal(byThreshold(200).firingSince, null);
      assert.notEqual(byThreshold(100).firingSince, null);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
    await hook.server.shutdown();
  }
});
