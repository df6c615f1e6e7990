import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { addMember, confirmAddress } from "../tests/helpers/members.ts";
import {
  addBusinessAlertRule,
  BUSINESS_ALERTS_JOB,
  BusinessAlertInput,
  evaluateBusinessAlerts,
  listBusinessAlertRules,
  removeBusinessAlertRule,
  scheduleBusinessAlerts,
  updateBusinessAlertRule,
} from "./business_alerts.ts";
import { signPayload } from "./alert_channels.ts";

/** A loopback receiver that records each POST and answers `status.code`. */
function receiver() {
  const got: Array<{ body: string; signature: string | null }> = [];
  const status = { code: 200 };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    got.push({ body: await req.text(), signature: req.headers.get("x-projectmeats-signature") });
    return new Response("ok", { status: status.code });
  });
  return { got, status, server, url: `http://127.0.0.1:${server.addr.port}/hook` };
}

Deno.test("a workspace's business alert fires once when loads run late, resolves when they arrive, by signed webhook and e-mail; a failed send is retried; the worker's schedule queues one evaluation per quarter-hour", async () => {
  const clock = new FixedClock("2026-03-10T15:00:00Z"); // 09:00 in Chicago
  const hook = receiver();
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" }, { clock });
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const tenant = (await server.services.registry.findById(t.tenantId))!;
    const lease = await server.services.pool.acquire(t.tenantId, null);
    const db = lease.db;
    try {
      const s = server.services;
      await addBusinessAlertRule(s, t.tenantId, db, {
        metric: "loads_late",
        threshold: 1,
        channel: "webhook",
        target: hook.url,
        secret: "s3cret",
      }, t.userId);
      await addBusinessAlertRule(s, t.tenantId, db, {
        metric: "documents_failed",
        threshold: 0,
        channel: "email",
        target: "dock@acme.example",
      }, t.userId);
      const now = clock.now().toISOString();
      for (const n of ["L-1", "L-2"]) {
        await db.execute({
          sql: `INSERT INTO loads (id, number, status, delivery_appointment, created_at, updated_at)
                VALUES (?, ?, 'dispatched', '2026-03-12T10:00', ?, ?)`,
          args: [`load${n}`, n, now, now],
        });
      }

      // The schedule: this workspace only (the other has no rules), once per quarter-hour.
      assert.equal(await scheduleBusinessAlerts(s), 1);
      assert.equal(await scheduleBusinessAlerts(s), 0, "the same quarter-hour: nothing more");
      const jobs = await s.control.execute({
        sql: "SELECT tenant_id FROM jobs WHERE kind = ?",
        args: [BUSINESS_ALERTS_JOB],
      });
      assert.deepEqual(jobs.rows.map((r) => r.tenant_id), [t.tenantId]);
      clock.advance(15 * 60_000);
      assert.equal(await scheduleBusinessAlerts(s), 1);

      // Before the appointment day: nothing is late, nothing is sent.
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      assert.equal(hook.got.length, 0);

      // Three days on, both loads are late (2 > 1): one firing message, signed.
      clock.set("2026-03-13T15:00:00Z");
      const fired = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(fired.map((c) => [c.status, c.value]), [["firing", 2]]);
      assert.equal(hook.got.length, 1);
      const body = JSON.parse(hook.got[0]!.body);
      assert.equal(body.status, "firing");
      assert.equal(body.metric, "loads_late");
      assert.equal(body.business_day, "2026-03-13");
      const [, ts, mac] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(hook.got[0]!.signature ?? "") ?? [];
      assert.equal(mac, await signPayload("s3cret", `${ts}.${hook.got[0]!.body}`));
      // Still late an hour later: not told again.
      clock.advance(60 * 60_000);
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      assert.equal(hook.got.length, 1);

      // A document fails: the e-mail rule fires through the outbox.
      await db.execute({
        sql:
          `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key, status,
                created_at, updated_at) VALUES ('doc1', 'bol.pdf', 'application/pdf', 10, 'x',
                'k', 'failed', ?, ?)`,
        args: [now, now],
      });
      const mailed = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(mailed.map((c) => c.status), ["firing"]);
      const mail = await s.control.execute({
        sql: "SELECT subject, body_text FROM outbox WHERE to_addr = 'dock@acme.example'",
      });
      assert.equal(mail.rows.length, 1);
      assert.match(String(mail.rows[0]!.subject), /Alert: documents that could not be read/);
      assert.match(String(mail.rows[0]!.body_text), /1 document that could not be read/);

      // The loads arrive, but the receiver is down: the change is kept and sent next time.
      await db.execute("UPDATE loads SET status = 'delivered'");
      hook.status.code = 500;
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      const kept = (await listBusinessAlertRules(db)).find((r) => r.metric === "loads_late")!;
      assert.notEqual(kept.firingSince, null, "still firing until the resolve is delivered");
      hook.status.code = 200;
      const resolved = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(resolved.map((c) => [c.status, c.value]), [["resolved", 0]]);
      assert.equal(JSON.parse(hook.got.at(-1)!.body).status, "resolved");
      assert.equal(hook.got.length, 3, "firing, the failed resolve, the resolve");

      // Removing the last rule takes the workspace off the schedule.
      for (const rule of await listBusinessAlertRules(db)) {
        await removeBusinessAlertRule(s.control, t.tenantId, db, rule.id);
      }
      clock.advance(60 * 60_000);
      assert.equal(await scheduleBusinessAlerts(s), 0);
      // The other workspace never had anything evaluated or sent.
      const otherRows = await s.control.execute({
        sql: "SELECT count(*) AS n FROM jobs WHERE kind = ? AND tenant_id = ?",
        args: [BUSINESS_ALERTS_JOB, other.tenantId],
      });
      assert.equal(Number(otherRows.rows[0]!.n), 0);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
    await hook.server.shutdown();
  }
});

Deno.test("a business alert rule refuses a webhook on a private network unless the setting allows it, and a bad e-mail address", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      await assert.rejects(
        () =>
          addBusinessAlertRule(server.services, t.tenantId, lease.db, {
            metric: "overdue_ar",
            threshold: 5000,
            channel: "slack",
            target: "http://127.0.0.1:9/hook",
          }, t.userId),
        /Some fields need attention/,
      );
      assert.deepEqual(await listBusinessAlertRules(lease.db), [], "nothing stored");
      const bad = BusinessAlertInput.safeParse({
        metric: "loads_late",
        threshold: 1,
        channel: "email",
        target: "not an address",
      });
      assert.equal(bad.success, false);
      const rows = await server.services.control.execute(
        "SELECT count(*) AS n FROM business_alert_tenants",
      );
      assert.equal(Number(rows.rows[0]!.n), 0);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});

Deno.test("the quarter-hour schedule over 1,000 workspaces with rules lets requests in between and queues every one", async () => {
  const clock = new FixedClock("2026-03-10T15:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const at = clock.now().toISOString();
    await server.services.control.batch(
      Array.from({ length: 1000 }, (_, i) => [
        {
          sql:
            `INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
          args: [`rules-${i}`, `rules-${i}`, `Rules ${i}`, at, at],
        },
        { sql: "INSERT INTO business_alert_tenants (tenant_id) VALUES (?)", args: [`rules-${i}`] },
      ]).flat(),
      "write",
    );
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1); // a request waiting for the thread
    const started = performance.now();
    assert.equal(await scheduleBusinessAlerts(server.services), 1000);
    const ms = performance.now() - started;
    clearInterval(timer);
    const jobs = await server.services.control.execute({
      sql: "SELECT COUNT(DISTINCT tenant_id) AS n FROM jobs WHERE kind = ?",
      args: [BUSINESS_ALERTS_JOB],
    });
    assert.equal(Number(jobs.rows[0]!.n), 1000, "one evaluation for every workspace");
    assert.ok(
      ms < 30 || ticks >= ms / 20,
      `${ticks} turns for the timer in a ${ms.toFixed(0)} ms sweep`,
    );
  } finally {
    await server.close();
  }
});

Deno.test("an e-mail rule to an outside address is held while whoever saved it is unconfirmed, demoted or gone; it goes once a confirmed admin saves it again, a member's own address never held", async () => {
  const clock = new FixedClock("2026-03-10T15:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const s = server.services;
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId);
    const admin = await addMember(server, t.tenantId, "admin");
    await confirmAddress(server, admin.userId);
    const tenant = (await s.registry.findById(t.tenantId))!;
    const lease = await s.pool.acquire(t.tenantId, null);
    const db = lease.db;
    const outside = "dock@outside.example";
    const mailed = async (to: string) =>
      Number(
        (await s.control.execute({
          sql: "SELECT count(*) AS n FROM outbox WHERE to_addr = ? AND subject LIKE '%Alert%'",
          args: [to],
        })).rows[0]!.n,
      );
    try {
      const toOutsider = await addBusinessAlertRule(s, t.tenantId, db, {
        metric: "documents_failed",
        threshold: 0,
        channel: "email",
        target: outside,
      }, admin.userId);
      await addBusinessAlertRule(s, t.tenantId, db, {
        metric: "documents_failed",
        threshold: 0,
        channel: "email",
        target: t.email,
      }, admin.userId);
      const now = clock.now().toISOString();
      await db.execute({
        sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key,
                status, created_at, updated_at)
              VALUES ('doc1', 'bol.pdf', 'application/pdf', 10, 'x', 'k', 'failed', ?, ?)`,
        args: [now, now],
      });

      // The admin who saved it no longer has a confirmed address (say, they changed it): held,
      // the member's own rule still told.
      await s.control.execute({
        sql: "UPDATE users SET email_verified_at = NULL WHERE id = ?",
        args: [admin.userId],
      });
      const first = await evaluateBusinessAlerts(s, tenant, db);
      assert.equal(first.length, 1, "only the member's rule");
      assert.equal(await mailed(outside), 0);
      assert.equal(await mailed(t.email), 1);
      const held = (await listBusinessAlertRules(db)).find((r) => r.id === toOutsider)!;
      assert.equal(held.firingSince, null, "state kept: told when allowed");

      // Confirmed again but demoted to broker: still held. Removed from the workspace: held.
      await confirmAddress(server, admin.userId);
      await s.control.execute({
        sql: "UPDATE memberships SET role = 'broker' WHERE tenant_id = ? AND user_id = ?",
        args: [t.tenantId, admin.userId],
      });
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      await s.control.execute({
        sql: "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?",
        args: [t.tenantId, admin.userId],
      });
      assert.deepEqual(await evaluateBusinessAlerts(s, tenant, db), []);
      assert.equal(await mailed(outside), 0);

      // The confirmed owner saves it again: it is theirs, and the held change goes out.
      await updateBusinessAlertRule(s, t.tenantId, db, toOutsider, { threshold: 0 }, t.userId);
      const sent = await evaluateBusinessAlerts(s, tenant, db);
      assert.deepEqual(sent.map((c) => [c.ruleId, c.status]), [[toOutsider, "firing"]]);
      assert.equal(await mailed(outside), 1);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
