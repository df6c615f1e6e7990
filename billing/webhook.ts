/**
 * @module billing/webhook
 * Receives a Stripe webhook: verifies the signature on the raw body (`constructEventAsync`),
 * then, in one batch, records the event id (primary key: a replay inserts nothing) and enqueues
 * the job that applies it, only when the event is new. The HTTP answer does not wait for the
 * job, so Stripe gets its 2xx at once; `billing/apply_event.ts` does the work.
 */
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import type { Config } from "../config.ts";
import { AppError, InvalidError } from "../domain/errors.ts";
import { enqueueStatement } from "../workers/queue.ts";
import { webhookVerifier } from "./stripe.ts";

export const APPLY_EVENT_JOB = "billing.apply_event";

const verifier = webhookVerifier();

/** Verifies and stores one delivery; `duplicate` when the event was already received. */
export async function receiveStripeWebhook(
  deps: {
    control: Client;
    config: Pick<Config, "STRIPE_WEBHOOK_SECRET" | "STRIPE_WEBHOOK_TOLERANCE_SECONDS">;
  },
  rawBody: string,
  signature: string | undefined,
): Promise<{ eventId: string; type: string; duplicate: boolean }> {
  const secret = deps.config.STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    throw new AppError("not_found", 404, "Stripe webhooks are not configured on this server.");
  }
  if (!signature) throw new InvalidError("The Stripe-Signature header is missing.");
  let event: { id: string; type: string; created: number };
  try {
    event = await verifier.webhooks.constructEventAsync(
      rawBody,
      signature,
      secret,
      deps.config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    );
  } catch {
    throw new InvalidError("The Stripe signature does not match this body, or it is too old.");
  }
  // The job is inserted only if this delivery's event row is the one just written.
  const jobId = newId();
  const { statement } = enqueueStatement(
    { id: jobId, kind: APPLY_EVENT_JOB, payload: { event_id: event.id }, maxAttempts: 8 },
    { sql: "(SELECT job_id FROM stripe_events WHERE id = ?) = ?", args: [event.id, jobId] },
  );
  const now = new Date().toISOString();
  await deps.control.batch([
    {
      sql: `INSERT INTO stripe_events (id, type, created, payload, job_id, received_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      args: [event.id, event.type, event.created, rawBody, jobId, now],
    },
    statement,
  ], "write");
  const rs = await deps.control.execute({
    sql: "SELECT job_id FROM stripe_events WHERE id = ?",
    args: [event.id],
  });
  return { eventId: event.id, type: event.type, duplicate: rs.rows[0]?.job_id !== jobId };
}
