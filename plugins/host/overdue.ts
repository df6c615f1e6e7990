/**
 * @module plugins/host/overdue
 * The `invoiceOverdue` hook (extension API 1.1): the workspace's daily job (workers/handlers.ts)
 * tells each enabled plugin with such a hook about every invoice that is sent, still owes money and
 * was due before the business day. At most once per plugin, invoice and due date: the fact is
 * written to `plugin_events_told` before the hook runs, so a crash or a second run never tells it
 * twice (a hook that failed is logged, not retried). Only while the plan includes
 * plugins. The hook may write, with the permissions its manifest declares, and its writes go
 * through other plugins' `beforeSave` hooks but tell no `afterSave` (no loops).
 */
import type { Client } from "../../db/client.ts";
import type { Services } from "../../services.ts";
import { BUSINESS_DAY } from "../../db/business_day.ts";
import { businessDay } from "../../domain/clock.ts";
import { getRecord } from "../../domain/records/repository.ts";
import { invoices } from "../../domain/catalog.ts";

/** Facts told per plugin per run; the rest wait for the next day. */
const BATCH = 200;

/** Tells plugins' `invoiceOverdue` hooks about newly overdue invoices; returns the calls made. */
export async function tellPluginsOverdue(
  services: Pick<
    Services,
    "billing" | "plugins" | "clock" | "registry" | "control" | "config" | "log"
  >,
  tenantId: string,
  db: Client,
): Promise<number> {
  const listening = (await services.plugins.enabled(tenantId, db)).flatMap((plugin) =>
    plugin.manifest.entryPoints.hooks
      .filter((h) => h.event === "invoiceOverdue")
      .map((h) => ({ plugin, handler: h.handler }))
  );
  if (listening.length === 0) return 0;
  const billing = await services.billing.current(services, tenantId).catch(() => null);
  if (!billing?.entitlements.plugins) return 0;
  const today = businessDay(services.clock, services.registry.timeZoneOf(tenantId));
  let calls = 0;
  for (const { plugin, handler } of listening) {
    const rs = await db.execute({
      sql: `SELECT i.id, i.due_date FROM invoices i
            WHERE i.state = 'sent' AND i.outstanding_cents > 0 AND i.due_date < ${BUSINESS_DAY}
              AND NOT EXISTS (SELECT 1 FROM plugin_events_told t WHERE t.plugin = ?
                AND t.event_key = 'invoice.overdue:' || i.id || ':' || i.due_date)
            ORDER BY i.due_date LIMIT ?`,
      args: [plugin.name, BATCH],
    });
    for (const row of rs.rows) {
      const id = String(row.id);
      const key = `invoice.overdue:${id}:${row.due_date}`;
      const claimed = await db.execute({
        sql: `INSERT INTO plugin_events_told (plugin, event_key, told_at) VALUES (?, ?, ?)
              ON CONFLICT DO NOTHING`,
        args: [plugin.name, key, services.clock.now().toISOString()],
      });
      if (claimed.rowsAffected !== 1) continue;
      const record = await getRecord(db, invoices, id).catch(() => null);
      const write = { db, userId: null, role: null, clock: services.clock };
      calls++;
      await services.plugins.call(
        tenantId,
        plugin,
        handler,
        { event: "invoiceOverdue", collection: "invoices", id, due_date: row.due_date, record },
        {
          read: db,
          write: { ...write, hooks: services.plugins.hooksFor(tenantId, today, write, 1) },
        },
        today,
      ).catch((err) =>
        services.log.warn("plugin invoiceOverdue hook failed", {
          plugin: plugin.name,
          tenant_id: tenantId,
          error: err instanceof Error ? err.message : String(err),
        })
      );
    }
  }
  return calls;
}
