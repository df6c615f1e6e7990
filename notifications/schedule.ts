/**
 * @module notifications/schedule
 * Queues every active workspace's daily notifications job (`notifications.daily`) once per its
 * business day, from the worker's periodic chores. Before this, a workspace's first job was queued
 * when a member's bell first asked, so a workspace nobody opened was never told that an invoice had
 * gone overdue or a carrier's insurance had lapsed.
 *
 * A workspace is due from `DAILY_HOUR` o'clock in its own time zone. The claim is a row keyed by
 * (tenant, business day) written in the same batch as the job, and the job is inserted only if
 * that row names it: two workers (or two machines) looking at the same moment queue one job, and
 * a crash between the two writes cannot happen since they commit together.
 */
import type { Services } from "../services.ts";
import { businessDay } from "../domain/clock.ts";
import { newId } from "../db/ids.ts";
import { enqueueStatement } from "../workers/queue.ts";
import { Turns } from "../workers/turns.ts";
import { DAILY_HOUR, DAILY_JOB } from "./daily.ts";

/** How often the worker looks for workspaces whose day has come. */
export const DAILY_SCHEDULE_EVERY_MS = 5 * 60_000;

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** The hour of the day (0-23) at `now` in `timeZone`. */
function localHour(now: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23" });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(now));
}

/**
 * Across every active workspace (not suspended, not awaiting deletion): queues the daily job of
 * each whose business day has reached `DAILY_HOUR` and has no job yet. Returns how many it queued.
 */
export async function scheduleDailyNotifications(
  services: Pick<Services, "control" | "clock">,
): Promise<number> {
  const now = services.clock.now();
  const rs = await services.control.execute(
    `SELECT t.id, t.time_zone,
       (SELECT MAX(r.business_day) FROM daily_notification_runs r WHERE r.tenant_id = t.id) AS last
     FROM tenants t WHERE t.status = 'active' AND t.purge_after IS NULL`,
  );
  let queued = 0;
  // One task per few ms, not one for all workspaces (a claim is a write each): workers/turns.ts.
  const turns = new Turns();
  for (const row of rs.rows) {
    await turns.take();
    const tenantId = String(row.id);
    const timeZone = String(row.time_zone);
    const day = businessDay(services.clock, timeZone);
    if (row.last !== null && String(row.last) >= day) continue;
    if (localHour(now, timeZone) < DAILY_HOUR) continue;
    if (await queueDailyJob(services, tenantId, day)) queued++;
  }
  return queued;
}

/** Queues the tenant's job for `day` unless that day's job was queued; true when this call did. */
export async function queueDailyJob(
  services: Pick<Services, "control" | "clock">,
  tenantId: string,
  day: string,
): Promise<boolean> {
  const jobId = newId();
  const claim = {
    sql: `INSERT INTO daily_notification_runs (tenant_id, business_day, job_id, queued_at)
          VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    args: [tenantId, day, jobId, services.clock.now().toISOString()],
  };
  const job = enqueueStatement({
    id: jobId,
    kind: DAILY_JOB,
    tenantId,
    payload: { business_day: day },
  }, {
    sql: `EXISTS (SELECT 1 FROM daily_notification_runs
           WHERE tenant_id = ? AND business_day = ? AND job_id = ?)`,
    args: [tenantId, day, jobId],
  });
  const [, inserted] = await services.control.batch([claim, job.statement], "write");
  return (inserted?.rowsAffected ?? 0) === 1;
}
