/**
 * @module integrations/webhooks/from_changes
 * The webhook events that committed changes raise, heard from the live hub's commit watchers (the
 * process that wrote is the one that tells): a record created, updated, archived or deleted
 * (`purchase_order.created`, with the record as the API shows it), a payment received, a load
 * picked up or delivered, a document read or failed. Each carries the change's own key as its
 * dedupe key, so a change heard twice raises one event.
 */
import type { Client } from "../../db/client.ts";
import type { Services } from "../../services.ts";
import type { LiveEvent } from "../../notifications/changes_since.ts";
import { recordType } from "../../domain/catalog.ts";
import { getRecord } from "../../domain/records/repository.ts";
import { emitWebhookEvent } from "./emit.ts";
import { recordEventName } from "./events.ts";

const ACTIONS: Record<string, string> = {
  create: "created",
  update: "updated",
  archive: "archived",
  restore: "updated",
  delete: "deleted",
};

interface Raised {
  type: string;
  key: string;
  data: Record<string, unknown>;
}

async function auditChanges(db: Client, key: string): Promise<Record<string, [unknown, unknown]>> {
  const rs = await db.execute({
    sql: "SELECT changes FROM audit_log WHERE id = ?",
    args: [key.replace(/^a:/, "")],
  });
  try {
    return JSON.parse(String(rs.rows[0]?.changes ?? "{}"));
  } catch {
    return {};
  }
}

/** The events one change raises. */
export async function webhookEventsOf(db: Client, change: LiveEvent): Promise<Raised[]> {
  if (change.kind === "document") {
    const type = change.action === "review"
      ? "document.read"
      : change.action === "failed"
      ? "document.failed"
      : null;
    if (!type) return [];
    const rs = await db.execute({
      sql: "SELECT id, name, status, classification, status_message FROM documents WHERE id = ?",
      args: [change.id],
    });
    const doc = rs.rows[0];
    if (!doc) return [];
    return [{
      type,
      key: `${type}:${change.id}`,
      data: {
        id: change.id,
        name: String(doc.name),
        status: String(doc.status),
        classification: doc.classification === null ? null : String(doc.classification),
        message: doc.status_message === null ? null : String(doc.status_message),
      },
    }];
  }
  if (change.kind !== "record") return [];
  const def = recordType(change.collection);
  const name = def && recordEventName(def.table);
  const action = ACTIONS[change.action];
  if (!def || !name || !action) return [];
  const record = action === "deleted"
    ? null
    : await getRecord(db, def, change.id).catch(() => null);
  const data = { id: change.id, type: name, changed_by: change.userId, record };
  const raised: Raised[] = [{ type: `${name}.${action}`, key: `${change.key}`, data }];
  if (name === "payment" && action === "created") {
    raised.push({ type: "payment.received", key: `payment.received:${change.id}`, data });
  }
  if (name === "load" && action === "updated") {
    const status = (await auditChanges(db, change.key)).status?.[1];
    if (status === "delivered") {
      raised.push({ type: "load.delivered", key: `load.delivered:${change.id}`, data });
    } else if (status === "picked_up") {
      raised.push({ type: "load.picked_up", key: `load.picked_up:${change.id}`, data });
    }
  }
  return raised;
}

/** The commit watcher: raises the events of what this process committed, for subscribed endpoints. */
export function webhooksFromChanges(services: Services) {
  // Commit watchers already run outside the committed transaction's write lock (db/transaction.ts),
  // so the events' own writes are transactions of their own, not nested ones.
  return (tenantId: string, changes: LiveEvent[]): Promise<void> =>
    raise(services, tenantId, changes);
}

async function raise(services: Services, tenantId: string, changes: LiveEvent[]): Promise<void> {
  const lease = services.pool.tryAcquire(tenantId);
  if (!lease) return;
  try {
    // Most workspaces have no endpoint: one small read, and nothing else happens.
    const any = await lease.db.execute(
      "SELECT 1 FROM webhook_endpoints WHERE enabled = 1 LIMIT 1",
    );
    if (!any.rows.length) return;
    for (const change of changes) {
      for (const event of await webhookEventsOf(lease.db, change)) {
        await emitWebhookEvent(services, tenantId, lease.db, {
          type: event.type,
          data: event.data,
          dedupeKey: event.key,
        });
      }
    }
  } catch (err) {
    services.log.error("webhook events not raised", { tenant_id: tenantId, error: String(err) });
  } finally {
    lease.release();
  }
}
