import assert from "node:assert/strict";
import { DAILY_JOB, runDailyJob } from "./daily.ts";
import { defaultPreferences, listNotifications, savePreferences } from "./store.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { mailTo } from "../tests/helpers/members.ts";

Deno.test("the daily job raises expiring insurance once, sends the digest once, and queues nothing itself", async () => {
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
      assert.match(mail[0]!.text, /Lapsed Reefer's insurance expires Jan 1, 2020/);

      await runDailyJob(server.services, t.tenantId, lease.db);
      assert.equal((await listNotifications(lease.db, t.userId)).length, 1, "told once");
      assert.equal((await mailTo(server, t.email)).length, mailBefore + 1, "no second digest");
    } finally {
      lease.release();
    }
    const jobs = await server.services.control.execute({
      sql: "SELECT 1 FROM jobs WHERE kind = ? AND tenant_id = ? AND status = 'queued'",
      args: [DAILY_JOB, t.tenantId],
    });
    assert.equal(jobs.rows.length, 0, "the worker's schedule queues the next run, not the job");
  } finally {
    await server.close();
  }
});
