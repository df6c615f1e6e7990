import assert from "node:assert/strict";
import { DAILY_JOB, nextRunAfter, runDailyJob } from "./daily.ts";
import { defaultPreferences, listNotifications, savePreferences } from "./store.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { mailTo } from "../tests/helpers/members.ts";

Deno.test("nextRunAfter() is the next 7 o'clock in the tenant's zone", () => {
  const now = new Date("2026-11-20T18:00:00Z");
  assert.equal(nextRunAfter(now, "America/Chicago").toISOString(), "2026-11-21T13:00:00.000Z");
  assert.equal(nextRunAfter(now, "UTC").toISOString(), "2026-11-21T07:00:00.000Z");
  const early = new Date("2026-11-20T05:30:00Z");
  assert.equal(nextRunAfter(early, "UTC").toISOString(), "2026-11-20T07:00:00.000Z");
});

Deno.test("the daily job raises expiring insurance once, sends the digest once, and queues tomorrow's run", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Lapsed Reefer",
      mc_number: "MC424242",
      dot_number: "4242",
      insurance_expires: "2020-01-01",
    }, 201);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const prefs = defaultPreferences();
      prefs.carrier_insurance_expiring = { in_app: true, email: false, digest: true };
      await savePreferences(lease.db, t.userId, prefs);
      const mailBefore = (await mailTo(server, t.email)).length;

      await runDailyJob(server.services, t.tenantId, lease.db);
      const items = await listNotifications(lease.db, t.userId);
      assert.deepEqual(items.map((i) => [i.event, i.link]), [[
        "carrier_insurance_expiring",
        `/carriers/${carrier.id}`,
      ]]);
      const mail = await mailTo(server, t.email);
      assert.equal(mail.length, mailBefore + 1);
      assert.match(mail[0]!.subject, /daily digest: 1 notification$/);
      assert.match(mail[0]!.text, /Lapsed Reefer's insurance expires 2020-01-01/);

      await runDailyJob(server.services, t.tenantId, lease.db);
      assert.equal((await listNotifications(lease.db, t.userId)).length, 1, "told once");
      assert.equal((await mailTo(server, t.email)).length, mailBefore + 1, "no second digest");
    } finally {
      lease.release();
    }
    const jobs = await server.services.control.execute({
      sql: "SELECT run_at FROM jobs WHERE kind = ? AND tenant_id = ? AND status = 'queued'",
      args: [DAILY_JOB, t.tenantId],
    });
    assert.ok(jobs.rows.length >= 1, "the next run is queued");
    assert.ok(String(jobs.rows[0]!.run_at) > server.services.clock.now().toISOString());
  } finally {
    await server.close();
  }
});
