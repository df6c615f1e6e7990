/**
 * @module billing/webhook
 * Receives a Stripe webhook: verifies the signature on the raw body (`constructEventAsync`), refuses
 * a signature dated in the future (Stripe's library checks only the age, so a signature made with
 * a skewed or stolen clock would stay valid for as long as it is ahead), checks that the signed
 * body is a Stripe event, then, in one batch, records the event id (primary key: a replay inserts nothing) and enqueues
 * the job that applies it, only when the event is new. The HTTP answer does not wait for the
 * job, so Stripe gets its 2xx at once; `billing/apply_event.ts` does the work.
 */
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import type { Config } from "../config.ts";
import { z } from "zod";
import { AppError, InvalidError } from "../domain/errors.ts";
import { enqueueStatement } from "../workers/queue.ts";
import { webhookVerifier } from "./stripe.ts";

export const APPLY_EVENT_JOB = "billing.apply_event";

const verifier = webhookVerifier();

/** How far ahead of this server's clock a signature may be dated (clock skew), in seconds. */
export const FUTURE_TOLERANCE_SECONDS = 60;

const StripeEventShape = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
});

/** The `t=` timestamp of a Stripe-Signature header in seconds, read as Stripe's library does. */
function signedAt(header: string): number | null {
  let seconds = NaN;
  for (const item of header.split(",")) {
    const [key, value] = item.split("=");
    if (key === "t") seconds = parseInt(value ?? "", 10);
  }
  return Number.isInteger(seconds) ? seconds : null;
}

const MALFORMED_BODY =
  "The signature is valid but the body is not a Stripe event (malformed JSON, or no id, type and created); nothing was stored.";

/** Why a signature was refused, in words that send an operator to the right place. */
function signatureProblem(err: unknown, tolerance: number): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/tolerance/i.test(message)) {
    return `The Stripe signature is more than ${tolerance} seconds old: a replayed delivery, or this server's clock is behind.`;
  }
  if (/unable to extract|expected scheme/i.test(message)) {
    return "The Stripe-Signature header is malformed (it needs t= and v1=).";
  }
  if (/no webhook payload/i.test(message)) return "The webhook body is empty; nothing was stored.";
  return "The Stripe signature does not match this body: check STRIPE_WEBHOOK_SECRET against the endpoint's signing secret in Stripe.";
}

/** Verifies and stores one delivery; `duplicate` when the event was already received. */
export async function receiveStripeWebhook(
  deps: {
    control: Client;
    config: Pick<Config, "STRIPE_WEBHOOK_SECRET" | "STRIPE_WEBHOOK_TOLERANCE_SECONDS">;
  },
  rawBody: string,
  signature: string | undefined,
  // Wall-clock time, not the business clock: signatures are dated by Stripe's real clock.
  nowMs = Date.now(),
): Promise<{ eventId: string; type: string; duplicate: boolean }> {
  const secret = deps.config.STRIPE_WEBHOOK_SECRET;
  if (!secret) {
    throw new AppError("not_found", 404, "Stripe webhooks are not configured on this server.");
  }
  if (!signature) throw new InvalidError("The Stripe-Signature header is missing.");
  const tolerance = deps.config.STRIPE_WEBHOOK_TOLERANCE_SECONDS;
  let parsed: unknown;
  try {
    // Checks the signature first; only a signed body is then parsed as JSON.
    parsed = await verifier.webhooks.constructEventAsync(
      rawBody,
      signature,
      secret,
      tolerance,
      undefined,
      nowMs,
    );
  } catch (err) {
    const signatureError = (err as { type?: string } | null)?.type ===
      "StripeSignatureVerificationError";
    if (signatureError) throw new InvalidError(signatureProblem(err, tolerance));
    parsed = undefined;
  }
  const at = signedAt(signature);
  if (at === null || at > Math.floor(nowMs / 1000) + FUTURE_TOLERANCE_SECONDS) {
    throw new InvalidError(
      "The Stripe signature is dated in the future: refused (check this server's clock).",
    );
  }
  const shape = StripeEventShape.safeParse(parsed);
  if (!shape.success) {
    throw new InvalidError(MALFORMED_BODY);
  }
  const event = shape.data;
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
