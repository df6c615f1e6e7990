/**
 * @module integrations/webhooks/overdue
 * `invoice.overdue`: raised by the workspace's daily notifications job (workers/handlers.ts), the
 * one place that notices what becomes true with the passing of a day rather than with a write. An
 * invoice is overdue when it is sent, still owes money and its due date is before the business day
 * (the same rule as the overdue notification). Once per invoice and due date: the event's dedupe
 * key is `invoice.overdue:<id>:<due date>`, and invoices that already have that event are not read
 * again, so a second run the same day, or every later day, raises nothing (a new due date is a new
 * fact). A workspace with no endpoint listening costs one small read.
 */
import type { Client } from "../../db/client.ts";
import type { Services } from "../../services.ts";
import { BUSINESS_DAY } from "../../db/business_day.ts";
import { getRecord } from "../../domain/records/repository.ts";
import { invoices } from "../../domain/catalog.ts";
import { emitWebhookEvent } from "./emit.ts";
import { subscribes } from "./events.ts";

/** Invoices read per run; the rest wait for the next day (a backlog drains in a few days). */
const BATCH = 500;

/** Raises `invoice.overdue` for each invoice newly overdue; returns how many were raised. */
export async function raiseOverdueInvoices(
  services: Services,
  tenantId: string,
  db: Client,
): Promise<number> {
  const endpoints = await db.execute("SELECT events FROM webhook_endpoints WHERE enabled = 1");
  const listening = endpoints.rows.some((r) =>
    subscribes(JSON.parse(String(r.events)) as string[], "invoice.overdue")
  );
  if (!listening) return 0;
  const rs = await db.execute({
    sql: `SELECT i.id, i.due_date FROM invoices i
          WHERE i.state = 'sent' AND i.outstanding_cents > 0 AND i.due_date < ${BUSINESS_DAY}
            AND NOT EXISTS (SELECT 1 FROM webhook_events e
              WHERE e.dedupe_key = 'invoice.overdue:' || i.id || ':' || i.due_date)
          ORDER BY i.due_date LIMIT ?`,
    args: [BATCH],
  });
  let raised = 0;
  for (const row of rs.rows) {
    const id = String(row.id);
    const record = await getRecord(db, invoices, id).catch(() => null);
    const ids = await emitWebhookEvent(services, tenantId, db, {
      type: "invoice.overdue",
      data: { id, type: "invoice", due_date: String(row.due_date), record },
      dedupeKey: `invoice.overdue:${id}:${row.due_date}`,
    });
    if (ids.length) raised++;
  }
  return raised;
}
