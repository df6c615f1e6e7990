/**
 * @module plugins/host/after_save
 * Plugins' `afterSave` reactions as worker jobs (extension API 2.0), so that a reaction adds
 * nothing to the write's response time. On commit the write enqueues, in one batch of the durable
 * job queue (workers/queue.ts), one `plugin.after_save` job per enabled plugin with an `afterSave`
 * hook on the record type; the job runs those hooks in the plugin's sandbox, in the tenant that
 * installed it, with the host its approved permissions allow and the usual limits (1 s, 32 MB).
 *
 * Why the durable queue and not an in-process one: a reaction needs nothing of the request but the
 * tenant's id, the plugin's name and the record's id and version, which a job row holds; the
 * worker lends the tenant database from the pool and reads the rest again. So a crash after the
 * commit loses nothing, any machine's worker may run it, and per-tenant fair claiming applies.
 *
 * The job carries ids, not the record: the record is read again when the reaction runs. A copy
 * would put the tenant's business data in the control database, outside the tenant's own
 * encryption key and past a workspace's deletion; and a reaction that writes back then starts
 * from the record as it is, never overwriting a newer save with older values. `event.version` is
 * the save that was committed, `record.version` what the reaction sees. A record gone by then is
 * skipped (logged), not an error.
 *
 * Delivery is at least once for plugins written for 2.x: a failure is logged in the plugin's log
 * and retried by the queue's policy (backoff, five attempts, then dead for an operator), so a
 * hook must be idempotent and may dedupe on `event.id`, the same on every attempt. A plugin
 * installed under 1.x (which promised no second telling) is told at most once, as before.
 *
 * Order per record: a reaction waits while the same plugin's reaction to an earlier save of the
 * same record is still queued or running (it is queued again behind it), so reactions run in
 * commit order. Writes a reaction makes go through every plugin's `beforeSave` but tell no
 * `afterSave` (no loops); each write takes the workspace's write lock only for its transaction.
 */
import type { Client } from "../../db/client.ts";
import { enqueueStatement } from "../../workers/queue.ts";
import { queueRuleEffects } from "../../workers/rule_jobs.ts";
import { businessDay } from "../../domain/clock.ts";
import { recordType } from "../../domain/catalog.ts";
import { NotFoundError } from "../../domain/errors.ts";
import type { RecordContext } from "../../domain/records/context.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { getRecord } from "../../domain/records/repository.ts";
import type { Services } from "../../services.ts";
import { findInstalled } from "./installations.ts";
import {
  afterSaveHandlers,
  type AfterSavePayload,
  PLUGIN_AFTER_SAVE_JOB,
  retriesAfterSave,
} from "./after_save_queue.ts";

export { PLUGIN_AFTER_SAVE_JOB };

/** How soon a reaction waiting for an earlier one of the same record looks again. */
const WAIT_MS = 250;

/**
 * When an earlier save of the same record still has this plugin's reaction queued or running:
 * queues this one again behind it (once per job, so a rerun after a crash adds no second copy)
 * and answers true; the caller then ends the job without running the hook.
 */
async function waitedBehindEarlier(
  control: Client,
  tenantId: string,
  jobId: string,
  p: AfterSavePayload,
  maxAttempts: number,
): Promise<boolean> {
  const rs = await control.execute({
    sql: `SELECT status, run_at FROM jobs WHERE kind = ? AND tenant_id = ?
            AND status IN ('queued', 'running') AND id <> ?
            AND json_extract(payload, '$.plugin') = ?
            AND json_extract(payload, '$.collection') = ?
            AND json_extract(payload, '$.record_id') = ?
            AND json_extract(payload, '$.version') < ?
          ORDER BY run_at DESC LIMIT 1`,
    args: [PLUGIN_AFTER_SAVE_JOB, tenantId, jobId, p.plugin, p.collection, p.record_id, p.version],
  });
  const earlier = rs.rows[0];
  if (!earlier) return false;
  const soon = Date.now() + WAIT_MS;
  const behind = earlier.status === "queued"
    ? Math.max(soon, Date.parse(String(earlier.run_at)) + WAIT_MS)
    : soon;
  await control.execute(
    enqueueStatement(
      {
        kind: PLUGIN_AFTER_SAVE_JOB,
        tenantId,
        payload: { ...p, deferred_from: jobId },
        runAt: new Date(behind),
        maxAttempts,
      },
      {
        sql: `NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ?
                AND json_extract(payload, '$.deferred_from') = ?)`,
        args: [PLUGIN_AFTER_SAVE_JOB, jobId],
      },
    ).statement,
  );
  return true;
}

/** The `plugin.after_save` job: tells the plugin's afterSave hooks about one committed write. */
export async function runAfterSave(
  services: Pick<
    Services,
    "billing" | "plugins" | "clock" | "registry" | "control" | "config"
  >,
  tenantId: string,
  db: Client,
  job: { id: string; payload: Record<string, unknown>; maxAttempts: number },
): Promise<void> {
  const p = job.payload as unknown as AfterSavePayload;
  const billing = await services.billing.current(services, tenantId);
  if (!billing?.entitlements.plugins) return;
  const plugin = await findInstalled(db, String(p.plugin ?? ""));
  const handlers = plugin?.enabled ? afterSaveHandlers(plugin, p.collection) : [];
  const def = recordType(p.collection);
  if (!plugin || handlers.length === 0 || !def) return;
  if (await waitedBehindEarlier(services.control, tenantId, job.id, p, job.maxAttempts)) return;
  const log = (line: string) => services.plugins.logFor(tenantId, plugin.name, line);
  const record = await getRecord(db, def, p.record_id).catch((err) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  if (!record) {
    log(`afterSave skipped: the ${def.singular.toLowerCase()} ${p.record_id} no longer exists`);
    return;
  }
  const { lines, ...values } = record;
  const event = {
    id: p.event_id,
    collection: p.collection,
    action: p.action,
    version: p.version,
    values,
    lines: lines as RecordValues[] | undefined,
    existing: null,
    record,
  };
  const today = businessDay(services.clock, services.registry.timeZoneOf(tenantId));
  const write: RecordContext = {
    db,
    userId: null,
    role: null,
    clock: services.clock,
    ruleEffects: {
      pending: [],
      deliver: (effects) => queueRuleEffects(services.control, tenantId, effects),
    },
  };
  // depth 1: the reaction's writes are checked by beforeSave hooks but tell no afterSave.
  write.hooks = services.plugins.hooksFor(tenantId, today, write, 1);
  const failures: string[] = [];
  for (const handler of handlers) {
    await services.plugins.call(tenantId, plugin, handler, event, { read: db, write }, today)
      .catch((err) => {
        const why = err instanceof Error ? err.message : String(err);
        log(`afterSave failed: ${why}`);
        failures.push(why);
      });
  }
  // Told again only when the plugin was written for it (2.x); a 1.x plugin's failure stands.
  if (failures.length && retriesAfterSave(plugin)) {
    throw new Error(`${plugin.manifest.title}'s afterSave failed: ${failures.join("; ")}`);
  }
}
