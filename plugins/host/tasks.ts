/**
 * @module plugins/host/tasks
 * Scheduled tasks of plugins as worker jobs. The lifecycle keeps one row per task of an enabled
 * plugin in the control database (`plugin_tasks`, migration 0020); a worker chore enqueues a
 * `plugin.task` job for each due row, across every workspace through `enqueueDuePluginTasks`, and
 * the job runs the task in the plugin's sandbox with a host that may write (as the system).
 */
import type { Client } from "../../db/client.ts";
import type { Executor } from "../../db/transaction.ts";
import { enqueueStatement } from "../../workers/queue.ts";
import { businessDay } from "../../domain/clock.ts";
import type { Services } from "../../services.ts";
import { findInstalled, type Installation } from "./installations.ts";

export const PLUGIN_TASK_JOB = "plugin.task";

const EVERY_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Writes the task rows of `plugin` in tenant `tenantId` (none when uninstalled or disabled). */
export async function syncPluginTasks(
  control: Client,
  tenantId: string,
  name: string,
  installation: Installation | null,
  now: Date,
): Promise<void> {
  const tasks = installation?.enabled ? installation.manifest.entryPoints.tasks : [];
  await control.batch([
    { sql: "DELETE FROM plugin_tasks WHERE tenant_id = ? AND plugin = ?", args: [tenantId, name] },
    ...tasks.map((t) => ({
      sql: `INSERT INTO plugin_tasks (tenant_id, plugin, task, every, next_run_at)
            VALUES (?, ?, ?, ?, ?)`,
      args: [
        tenantId,
        name,
        t.id,
        t.every,
        new Date(now.getTime() + EVERY_MS[t.every]).toISOString(),
      ],
    })),
  ], "write");
}

/**
 * Across every workspace: enqueues a job for each due task and moves it to its next time. The
 * move is conditional on the time read, so a second machine running the chore skips the row.
 */
export async function enqueueDuePluginTasks(
  services: Pick<Services, "control" | "clock">,
  limit = 500,
): Promise<number> {
  const now = services.clock.now();
  const rs = await services.control.execute({
    sql: `SELECT * FROM plugin_tasks WHERE next_run_at <= ? ORDER BY next_run_at LIMIT ?`,
    args: [now.toISOString(), limit],
  });
  let enqueued = 0;
  for (const row of rs.rows) {
    const every = String(row.every) as keyof typeof EVERY_MS;
    const next = new Date(now.getTime() + (EVERY_MS[every] ?? EVERY_MS.day)).toISOString();
    const moved = await services.control.execute({
      sql: `UPDATE plugin_tasks SET next_run_at = ? WHERE tenant_id = ? AND plugin = ? AND task = ?
            AND next_run_at = ?`,
      args: [
        next,
        String(row.tenant_id),
        String(row.plugin),
        String(row.task),
        String(row.next_run_at),
      ],
    });
    if (moved.rowsAffected !== 1) continue;
    const { statement } = enqueueStatement({
      kind: PLUGIN_TASK_JOB,
      tenantId: String(row.tenant_id),
      payload: { plugin: String(row.plugin), task: String(row.task) },
      maxAttempts: 1,
    });
    await services.control.execute(statement);
    enqueued++;
  }
  return enqueued;
}

/** The `plugin.task` job: runs the task if the plugin is still enabled and the plan allows it. */
export async function runPluginTask(
  services: Pick<Services, "billing" | "plugins" | "clock" | "registry" | "control" | "config">,
  tenantId: string,
  db: Executor & Client,
  payload: Record<string, unknown>,
): Promise<void> {
  const billing = await services.billing.current(services, tenantId);
  if (!billing?.entitlements.plugins) return;
  const plugin = await findInstalled(db, String(payload.plugin ?? ""));
  const task = plugin?.manifest.entryPoints.tasks.find((t) => t.id === payload.task);
  if (!plugin?.enabled || !task) return;
  const today = businessDay(services.clock, services.registry.timeZoneOf(tenantId));
  const write = { db, userId: null, role: null, clock: services.clock };
  await services.plugins.call(
    tenantId,
    plugin,
    task.handler,
    { task: task.id },
    {
      read: db,
      write: { ...write, hooks: services.plugins.hooksFor(tenantId, today, write, 1) },
    },
    today,
    { timeMs: 30_000, hostCalls: 2_000 },
  );
}
