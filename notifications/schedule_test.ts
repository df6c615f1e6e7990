import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { Worker } from "../workers/runner.ts";
import { JOB_HANDLERS } from "../workers/handlers.ts";
import { DAILY_JOB } from "./daily.ts";
import { scheduleDailyNotifications } from "./schedule.ts";
import { listNotifications } from "./store.ts";

async function dailyJobs(server: TestServer, tenantId: string): Promise<string[]> {
  const rs = await server.services.control.execute({
    sql: "SELECT payload FROM jobs WHERE kind = ? AND tenant_id = ? ORDER BY created_at",
    args: [DAILY_JOB, tenantId],
  });
  return rs.rows.map((r) => String(JSON.parse(String(r.payload)).business_day));
}

async function setTenant(server: TestServer, tenantId: string, column: string, value: string) {
  await server.services.control.execute({
    sql: `UPDATE tenants SET ${column} = ? WHERE id = ?`,
    args: [value, tenantId],
  });
}

Deno.test("the worker's schedule queues each active workspace's daily job once per its business day, from 7 o'clock local", async () => {
  // 2026-12-07 12:30 UTC is 06:30 in Chicago and 12:30 in UTC.
  const clock = new FixedClock("2026-12-07T12:30:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const chicago = await signUpTenant(server);
    const utc = await signUpTenant(server);
    const suspended = await signUpTenant(server);
    const leaving = await signUpTenant(server);
    await setTenant(server, chicago.tenantId, "time_zone", "America/Chicago");
    await setTenant(server, utc.tenantId, "time_zone", "UTC");
    await setTenant(server, suspended.tenantId, "status", "suspended");
    await setTenant(server, leaving.tenantId, "purge_after", "2027-01-01T00:00:00Z");
    for (const t of [suspended, leaving]) await setTenant(server, t.tenantId, "time_zone", "UTC");

    assert.equal(await scheduleDailyNotifications(server.services), 1);
    assert.deepEqual(await dailyJobs(server, utc.tenantId), ["2026-12-07"]);
    assert.deepEqual(await dailyJobs(server, chicago.tenantId), [], "before 7 in Chicago");

    clock.set("2026-12-07T13:05:00Z"); // 07:05 in Chicago
    // Two workers looking at the same moment queue one job per workspace.
    const counts = await Promise.all([
      scheduleDailyNotifications(server.services),
      scheduleDailyNotifications(server.services),
    ]);
    assert.equal(counts[0]! + counts[1]!, 1);
    assert.deepEqual(await dailyJobs(server, chicago.tenantId), ["2026-12-07"]);
    assert.deepEqual(await dailyJobs(server, utc.tenantId), ["2026-12-07"], "once per day");
    assert.deepEqual(await dailyJobs(server, suspended.tenantId), [], "a suspended workspace");
    assert.deepEqual(await dailyJobs(server, leaving.tenantId), [], "a workspace being deleted");

    clock.set("2026-12-07T23:59:00Z");
    assert.equal(await scheduleDailyNotifications(server.services), 0, "the same day again");

    clock.set("2026-12-08T13:10:00Z");
    assert.equal(await scheduleDailyNotifications(server.services), 2);
    assert.deepEqual(await dailyJobs(server, chicago.tenantId), ["2026-12-07", "2026-12-08"]);
  } finally {
    await server.close();
  }
});

Deno.test("a scheduled daily job tells the members of a workspace nobody opened that a carrier's insurance is expiring", async () => {
  const clock = new FixedClock("2026-12-07T13:05:00Z");
  const server = await startTestServer({}, { clock });
  const worker = new Worker(server.services, {
    handlers: JOB_HANDLERS,
    concurrency: 1,
    idleMs: 20,
    periodic: [],
  });
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Lapsed Reefer",
      mc_number: "MC424243",
      dot_number: "4243",
      insurance_expires: "2026-12-01",
    }, 201);
    assert.equal(await scheduleDailyNotifications(server.services), 1);
    worker.start();
    const deadline = Date.now() + 10_000;
    let status = "";
    while (Date.now() < deadline) {
      const rs = await server.services.control.execute({
        sql: "SELECT status FROM jobs WHERE kind = ? AND tenant_id = ?",
        args: [DAILY_JOB, t.tenantId],
      });
      status = String(rs.rows[0]?.status);
      if (status === "done") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, "done");
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const items = await listNotifications(lease.db, t.userId);
      assert.deepEqual(items.map((i) => [i.event, i.link]), [[
        "carrier_insurance_expiring",
        `/carriers/${carrier.id}`,
      ]]);
    } finally {
      lease.release();
    }
  } finally {
    await worker.stop();
    await server.close();
  }
});

Deno.test("the daily sweep over 1,000 workspaces lets requests in between (a few ms per task) and still queues every one", async () => {
  const clock = new FixedClock("2026-12-07T12:30:00Z"); // 12:30 in UTC: every workspace is due
  const server = await startTestServer({}, { clock });
  try {
    const at = clock.now().toISOString();
    await server.services.control.batch(
      Array.from({ length: 1000 }, (_, i) => ({
        sql: `INSERT INTO tenants (id, slug, name, time_zone, created_at, updated_at)
              VALUES (?, ?, ?, 'UTC', ?, ?)`,
        args: [`sweep-${i}`, `sweep-${i}`, `Sweep ${i}`, at, at],
      })),
      "write",
    );
    // A 1 ms timer stands for a request waiting for the thread: it runs many times meanwhile.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const queued = await scheduleDailyNotifications(server.services);
    const ms = performance.now() - started;
    clearInterval(timer);
    assert.equal(queued, 1000);
    const rs = await server.services.control.execute({
      sql: "SELECT COUNT(DISTINCT tenant_id) AS n FROM jobs WHERE kind = ? AND tenant_id LIKE ?",
      args: [DAILY_JOB, "sweep-%"],
    });
    assert.equal(Number(rs.rows[0]!.n), 1000, "one job for every workspace");
    assert.ok(
      ms < 30 || ticks >= ms / 20,
      `${ticks} turns for the timer in a ${ms.toFixed(0)} ms sweep`,
    );
  } finally {
    await server.close();
  }
});
