/**
 * @module integrations/webhooks/emit
 * Raising an event for a workspace's endpoints: one event row with the exact body, one delivery
 * per enabled endpoint that subscribes to its type, written together, then one job per delivery
 * in the shared queue (integrations/webhooks/deliver.ts runs it). With no endpoint listening it
 * costs one small read. A `dedupeKey` makes the same fact one event however often it is heard.
 *
 * The jobs are enqueued after the tenant's transaction commits (two databases cannot share one);
 * a process that dies between the two leaves deliveries pending without a job, and the next event
 * of that workspace enqueues them again (`requeueStranded`); the job ids are derived from the
 * delivery and attempt, so a delivery is never queued twice for the same attempt.
 */
import type { Client } from "../../db/client.ts";
import type { Services } from "../../services.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import { newId } from "../../db/ids.ts";
import { enqueueStatement } from "../../workers/queue.ts";
import { subscribes } from "./events.ts";

export const WEBHOOK_DELIVER_JOB = "webhook.deliver";

/** A pending delivery older than this with no progress is taken for stranded. */
const STRANDED_AFTER_MS = 10 * 60_000;

export interface WebhookEvent {
  type: string;
  /** The event's data: what a receiver needs without calling back (ids, numbers, status). */
  data: Record<string, unknown>;
  dedupeKey?: string;
  /** Only this endpoint (a test event, a replay); every subscriber otherwise. */
  endpointId?: string;
  replayOf?: string;
}

/** The job that makes attempt `attempt` of a delivery; its id is derived, so enqueueing is idempotent. */
export function deliveryJob(
  tenantId: string,
  deliveryId: string,
  attempt: number,
  runAt: Date = new Date(),
) {
  const id = `whd_${deliveryId}_${attempt}`;
  return enqueueStatement(
    {
      id,
      kind: WEBHOOK_DELIVER_JOB,
      tenantId,
      payload: { delivery_id: deliveryId, attempt },
      runAt,
      // Retries of the call are new jobs on the webhook schedule; these attempts cover a worker
      // that died while holding the job.
      maxAttempts: 5,
    },
    { sql: "NOT EXISTS (SELECT 1 FROM jobs WHERE id = ?)", args: [id] },
  ).statement;
}

/** Stores `event` for every endpoint that hears it and queues the deliveries; returns their ids. */
export async function emitWebhookEvent(
  services: Services,
  tenantId: string,
  db: Client,
  event: WebhookEvent,
): Promise<string[]> {
  const rs = await db.execute("SELECT id, events FROM webhook_endpoints WHERE enabled = 1");
  const endpoints = rs.rows
    .filter((r) => event.endpointId ? r.id === event.endpointId : true)
    .filter((r) => event.endpointId || subscribes(JSON.parse(String(r.events)), event.type))
    .map((r) => String(r.id));
  if (endpoints.length === 0) return [];
  const now = services.clock.now().toISOString();
  const eventId = `msg_${newId()}`;
  const payload = JSON.stringify({ type: event.type, timestamp: now, data: event.data });
  const deliveries = await inWriteTransaction(db, async (tx) => {
    const stored = await tx.execute({
      sql: `INSERT INTO webhook_events (id, type, payload, dedupe_key, created_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      args: [eventId, event.type, payload, event.dedupeKey ?? null, now],
    });
    if (stored.rowsAffected === 0) return [];
    const ids: string[] = [];
    for (const endpointId of endpoints) {
      const id = newId();
      await tx.execute({
        sql: `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts,
                next_attempt_at, replay_of, created_at, updated_at)
              VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
        args: [id, eventId, endpointId, now, event.replayOf ?? null, now, now],
      });
      ids.push(id);
    }
    return ids;
  });
  await queueDeliveries(services, tenantId, deliveries.map((id) => ({ id, attempt: 1 })));
  await requeueStranded(services, tenantId, db);
  return deliveries;
}

/** Puts the given attempts of deliveries in the job queue (at once, in one batch). */
export async function queueDeliveries(
  services: Services,
  tenantId: string,
  items: Array<{ id: string; attempt: number; runAt?: Date }>,
): Promise<void> {
  if (items.length === 0) return;
  await services.control.batch(
    items.map((d) => deliveryJob(tenantId, d.id, d.attempt, d.runAt)),
    "write",
  );
}

/** Queues again the pending deliveries whose job was lost (see the module note). */
export async function requeueStranded(
  services: Services,
  tenantId: string,
  db: Client,
): Promise<number> {
  const before = new Date(services.clock.now().getTime() - STRANDED_AFTER_MS).toISOString();
  const rs = await db.execute({
    sql: `SELECT id, attempts FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at < ? LIMIT 200`,
    args: [before],
  });
  // Idempotent: a delivery whose job for that attempt exists (queued, running or done) is skipped.
  await queueDeliveries(
    services,
    tenantId,
    rs.rows.map((r) => ({ id: String(r.id), attempt: Number(r.attempts) + 1 })),
  );
  return rs.rows.length;
}

/** A new delivery of an earlier delivery's event (same webhook-id) to the same endpoint. */
export async function replayDelivery(
  services: Services,
  tenantId: string,
  db: Client,
  original: { id: string; eventId: string; endpointId: string },
): Promise<string> {
  const now = services.clock.now().toISOString();
  const id = newId();
  await db.execute({
    sql: `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts,
            next_attempt_at, replay_of, created_at, updated_at)
          VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
    args: [id, original.eventId, original.endpointId, now, original.id, now, now],
  });
  await queueDeliveries(services, tenantId, [{ id, attempt: 1 }]);
  return id;
}
