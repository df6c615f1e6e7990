/**
 * @module workers/handlers
 * Every kind of background job and the handler that runs it. Handlers are idempotent: running
 * one twice (after a crash) has the same effect as running it once.
 */
import { deliverQueuedMail } from "../mail/outbox.ts";
import {
  deliverRuleEffects,
  RULE_EFFECTS_JOB,
  RULE_SCHEDULE_JOB,
  runTenantSchedule,
} from "./rule_jobs.ts";
import type { RuleEffect } from "../domain/records/context.ts";
import { applyStripeEvent } from "../billing/apply_event.ts";
import { APPLY_EVENT_JOB } from "../billing/webhook.ts";
import type { Services } from "../services.ts";
import { processDocumentJob } from "../ai/process.ts";
import { DOCUMENT_PROCESS_JOB } from "../domain/documents/intake.ts";
import { documentOutcome } from "../notifications/from_changes.ts";
import { DAILY_JOB, runDailyJob } from "../notifications/daily.ts";
import { DAILY_SCHEDULE_EVERY_MS, scheduleDailyNotifications } from "../notifications/schedule.ts";
import type { JobHandler, WorkerOptions } from "./runner.ts";
import { ROTATE_TENANT_KEY_JOB, rotateTenantKey } from "../tenants/key_rotation.ts";
import { recordBillingChange } from "../security/tenant_log.ts";
import {
  CHORES_EVERY_MS,
  EXPORT_JOB,
  runDataRightsChores,
  workspaceExportJob,
} from "../data_rights/jobs.ts";
import { BACKUP_CHECK_EVERY_MS, backupsEnabled, runBackupChore } from "../ops/backups.ts";
import { ALERTS_EVERY_MS } from "../ops/alerts.ts";
import { runAlertChore } from "../ops/alert_chore.ts";
import {
  BUSINESS_ALERTS_EVERY_MS,
  BUSINESS_ALERTS_JOB,
  evaluateBusinessAlerts,
  scheduleBusinessAlerts,
} from "../ops/business_alerts.ts";
import { enqueueDuePluginTasks, PLUGIN_TASK_JOB, runPluginTask } from "../plugins/host/tasks.ts";
import { tellPluginsOverdue } from "../plugins/host/overdue.ts";
import { PLUGIN_AFTER_SAVE_JOB, runAfterSave } from "../plugins/host/after_save.ts";
import { raiseOverdueInvoices } from "../integrations/webhooks/overdue.ts";

export const JOB_HANDLERS: Record<string, JobHandler> = {
  /** A plugin's scheduled task in its workspace (plugins/host/tasks.ts). */
  [PLUGIN_TASK_JOB]: async ({ services, job, tenantDb }) => {
    if (!job.tenantId) return;
    if (tenantDb) return await runPluginTask(services, job.tenantId, tenantDb, job.payload);
    const tenant = await services.registry.findById(job.tenantId);
    if (!tenant) return;
    const lease = await services.pool.acquire(tenant.id, tenant.dbUrl);
    try {
      await runPluginTask(services, job.tenantId, lease.db, job.payload);
    } finally {
      lease.release();
    }
  },
  /** A plugin's afterSave reaction to a committed write (plugins/host/after_save.ts). */
  [PLUGIN_AFTER_SAVE_JOB]: async ({ services, job, tenantDb }) => {
    if (job.tenantId && tenantDb) await runAfterSave(services, job.tenantId, tenantDb, job);
  },
  /** Notices and jobs a tenant rule asked for, after the write committed (workers/rule_jobs.ts). */
  [RULE_EFFECTS_JOB]: async ({ services, job, tenantDb }) => {
    if (!job.tenantId || !tenantDb) return;
    const effects = (job.payload.effects ?? []) as RuleEffect[];
    await deliverRuleEffects(services, job.tenantId, tenantDb, effects);
  },
  /** The tenant's scheduled rules, once a day while it has any (workers/rule_jobs.ts). */
  [RULE_SCHEDULE_JOB]: async ({ services, job, tenantDb }) => {
    if (job.tenantId && tenantDb) await runTenantSchedule(services, job.tenantId, tenantDb);
  },
  /** Sends queued e-mail through SMTP; each message carries its own lease in the outbox. */
  "mail.deliver": async ({ services }) => {
    await deliverQueuedMail(services);
  },
  /** Applies a stored Stripe event to the tenant's billing (order-safe, see billing/). */
  [APPLY_EVENT_JOB]: async ({ services, job }) => {
    const eventId = String(job.payload.event_id);
    const { outcome, tenantId } = await applyStripeEvent(services.control, eventId, services.log);
    if (tenantId) services.billing.invalidate(tenantId);
    if (tenantId && outcome === "applied") {
      await recordBillingChange(services, tenantId, { source: "stripe", event_id: eventId });
    }
  },
  /** A workspace's daily notifications: overdue, expiring, late, over credit; digests. */
  [DAILY_JOB]: async ({ services, job, tenantDb }) => {
    if (!job.tenantId || !tenantDb) return;
    await runDailyJob(services, job.tenantId, tenantDb);
    // The same day's facts for integrations: invoice.overdue webhooks and plugins' hooks.
    await raiseOverdueInvoices(services, job.tenantId, tenantDb);
    await tellPluginsOverdue(services, job.tenantId, tenantDb);
  },
  /** A workspace's own alert rules on its business figures (ops/business_alerts.ts). */
  [BUSINESS_ALERTS_JOB]: async ({ services, job, tenantDb }) => {
    if (!job.tenantId || !tenantDb) return;
    const tenant = await services.registry.findById(job.tenantId);
    if (tenant) await evaluateBusinessAlerts(services, tenant, tenantDb);
  },
  /** Reads an uploaded document into a draft for review (see ai/process.ts), then tells members. */
  [DOCUMENT_PROCESS_JOB]: async (ctx) => {
    try {
      await processDocumentJob(ctx);
    } finally {
      // Read or failed for good: the notification (notifications/from_changes.ts).
      if (ctx.job.tenantId && ctx.tenantDb) {
        await documentOutcome(
          ctx.services,
          ctx.job.tenantId,
          ctx.tenantDb,
          String(ctx.job.payload.document_id ?? ""),
        ).catch((err) =>
          ctx.services.log.warn("document notification failed", { error: String(err) })
        );
      }
    }
  },
  /** Re-encrypts a tenant's database under a new key in this (the serving) process. */
  [ROTATE_TENANT_KEY_JOB]: async ({ services, job }) => {
    await rotateTenantKey(services, String(job.payload.tenant_id));
  },
  /** Writes a workspace's export archive (data_rights/exports.ts). */
  [EXPORT_JOB]: workspaceExportJob,
};

/**
 * Kinds that can run for minutes (reading a long scanned PDF): they never take a worker's
 * reserved slots, and one tenant runs only a few at once (see workers/runner.ts).
 */
export const LONG_JOB_KINDS: readonly string[] = [DOCUMENT_PROCESS_JOB, EXPORT_JOB];

/** The worker setup used by the server process and by `deno task worker`. */
export function workerOptions(services: Services): WorkerOptions {
  return {
    handlers: JOB_HANDLERS,
    concurrency: services.config.WORKER_CONCURRENCY,
    reservedSlots: services.config.WORKER_RESERVED_SLOTS,
    longKinds: LONG_JOB_KINDS,
    tenantLongCap: services.config.WORKER_TENANT_DOCUMENT_SLOTS,
    leaseMs: services.config.JOB_LEASE_SECONDS * 1000,
    timeoutMs: services.config.JOB_TIMEOUT_SECONDS * 1000,
    periodic: [
      ...(services.config.SMTP_URL
        ? [{ everyMs: 30_000, run: () => deliverQueuedMail(services) }]
        : []),
      // Expired exports and workspaces past their deletion grace (data_rights/purge.ts).
      { everyMs: CHORES_EVERY_MS, run: () => runDataRightsChores(services) },
      // Local mode: online backups of every database when one is due (ops/backups.ts).
      ...(backupsEnabled(services)
        ? [{ everyMs: BACKUP_CHECK_EVERY_MS, run: () => runBackupChore(services) }]
        : []),
      // Plugins' scheduled tasks that are due, in every workspace (plugins/host/tasks.ts).
      { everyMs: 60_000, run: () => enqueueDuePluginTasks(services) },
      // Each active workspace's daily notifications, once per its business day.
      { everyMs: DAILY_SCHEDULE_EVERY_MS, run: () => scheduleDailyNotifications(services) },
      // Operators' alert rules over the last 5-minute bucket (ops/alerts.ts).
      { everyMs: ALERTS_EVERY_MS, run: () => runAlertChore(services) },
      // Workspaces' own business alert rules, once per quarter-hour each (ops/business_alerts.ts).
      { everyMs: BUSINESS_ALERTS_EVERY_MS, run: () => scheduleBusinessAlerts(services) },
    ],
  };
}
