/**
 * @module integrations/webhooks/deliver
 * One attempt of one delivery, run by a worker (job `webhook.deliver`): sign the stored body, POST
 * it, log the answer, then mark the delivery delivered, schedule the next attempt on the retry
 * schedule, or give up after the last. An endpoint that fails WEBHOOK_DISABLE_AFTER_FAILURES
 * attempts in a row is turned off and the workspace's owners are told by e-mail.
 *
 * At least once: a worker killed after the endpoint answered but before the outcome was written
 * sends that attempt again once its lease runs out (same webhook-id, so receivers drop it). An
 * attempt already written is never sent again: the job checks the delivery's attempt count first.
 *
 * Never twice from a slow receiver: right before the call the job's lease is held for the call's
 * whole time limit plus `OUTCOME_MARGIN_MS` (the runner's heartbeat renews it for only
 * JOB_LEASE_SECONDS at a time, and under load a heartbeat can be late). Another worker cannot
 * claim the job while the call may still be waiting, and a run that finds its lease gone sends
 * nothing. Measured (issue 15): 1,000 events to a 1 s receiver had 1,460 repeats with a 5 s lease
 * and heartbeats alone; docs/benchmarks.md has the run after this change.
 */
import type { Client } from "../../db/client.ts";
import type { Services } from "../../services.ts";
import type { JobContext } from "../../workers/runner.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import { newId } from "../../db/ids.ts";
import { listMembers } from "../../auth/members.ts";
import { sendMail } from "../../mail/outbox.ts";
import { webhookDisabledMail } from "../../mail/templates.ts";
import { memberLanguage } from "../../mail/language.ts";
import { DestinationError, resolveDestination, systemResolver } from "./destination.ts";
import { pinnedPost } from "./pinned_post.ts";
import { signatureHeaders } from "./signing.ts";
import { endpointSecret, eventPayload, getDelivery, getEndpoint } from "./store.ts";
import { queueDeliveries } from "./emit.ts";

/** The first this many characters of an endpoint's answer are kept in the log. */
const EXCERPT_CHARS = 500;
/** An answer is read up to this many bytes, then dropped (only the status matters). */
const READ_LIMIT = 64 * 1024;
/** Held past the call's time limit: time to write the outcome before anyone may try again. */
export const OUTCOME_MARGIN_MS = 15_000;

/** Seconds before each retry: attempt n+1 waits schedule[n-1]; after the last, it has failed. */
export function retrySchedule(setting: string): number[] {
  return setting.split(",").map(Number);
}

interface Outcome {
  status: number | null;
  error: string | null;
  durationMs: number;
  excerpt: string | null;
}

async function post(
  target: { url: URL; address: string },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await pinnedPost(
      target.url,
      target.address,
      {
        "content-type": "application/json",
        "user-agent": "ProjectMeats-Webhooks/1.0",
        ...headers,
      },
      body,
      {
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        readLimit: READ_LIMIT,
      },
    );
    const text = new TextDecoder().decode(res.body).slice(0, EXCERPT_CHARS);
    const ok = res.status >= 200 && res.status < 300;
    return {
      status: res.status,
      error: ok
        ? null
        : res.status >= 300 && res.status < 400
        ? `Answered ${res.status} (a redirect, which webhooks do not follow)`
        : `Answered ${res.status}`,
      durationMs: Math.round(performance.now() - started),
      excerpt: text || null,
    };
  } catch (err) {
    const timedOut = (err as Error)?.name === "TimeoutError";
    return {
      status: null,
      error: timedOut
        ? `No answer within ${timeoutMs / 1000} s`
        : `Could not connect: ${String((err as Error)?.message ?? err).slice(0, 200)}`,
      durationMs: Math.round(performance.now() - started),
      excerpt: null,
    };
  }
}

/** Runs one attempt of the delivery the job names. */
export async function deliverWebhookJob(ctx: JobContext): Promise<void> {
  const { services, job } = ctx;
  const db = ctx.tenantDb;
  if (!db || !job.tenantId) throw new Error("A webhook delivery needs its workspace.");
  const deliveryId = String(job.payload.delivery_id);
  const attempt = Number(job.payload.attempt ?? 1);
  const schedule = retrySchedule(services.config.WEBHOOK_RETRY_SECONDS);
  const delivery = await getDelivery(db, deliveryId);
  if (!delivery || delivery.status !== "pending") return;
  if (delivery.attempts >= attempt) {
    // Written by a worker that died before queueing the next attempt: queue it (idempotent).
    if (delivery.attempts <= schedule.length) {
      await queueDeliveries(services, job.tenantId, [{
        id: deliveryId,
        attempt: delivery.attempts + 1,
        runAt: new Date(Date.now() + schedule[delivery.attempts - 1]! * 1000),
      }]);
    }
    return;
  }
  const endpoint = await getEndpoint(db, delivery.endpointId);
  const now = () => services.clock.now().toISOString();
  if (!endpoint || !endpoint.enabled) {
    await db.execute({
      sql: `UPDATE webhook_deliveries SET status = 'skipped', last_error = ?, updated_at = ?
            WHERE id = ? AND status = 'pending'`,
      args: ["The endpoint is turned off.", now(), deliveryId],
    });
    return;
  }
  const [secret, body] = await Promise.all([
    endpointSecret(db, endpoint.id),
    eventPayload(db, delivery.eventId),
  ]);
  let outcome: Outcome;
  try {
    // Resolved once; the call connects to this address (no second look-up to rebind).
    const target = await resolveDestination(endpoint.url, {
      allowPrivate: services.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      resolve: systemResolver,
    });
    const timeoutMs = services.config.WEBHOOK_TIMEOUT_SECONDS * 1000;
    if (!(await holdForCall(ctx, db, deliveryId, attempt, timeoutMs))) return;
    // The wall clock, not the business clock: receivers refuse a timestamp far from their own
    // time (replay protection), and a moved business day (TEST_TODAY) must not move it.
    const headers = signatureHeaders(secret!, delivery.eventId, new Date(), body!);
    outcome = await post(target, headers, body!, timeoutMs, ctx.signal);
  } catch (err) {
    if (!(err instanceof DestinationError)) throw err;
    outcome = { status: null, error: err.message, durationMs: 0, excerpt: null };
  }
  // Stopping (or the job taken over) cut the call short: no answer to write, the next holder
  // of the job makes this attempt. An answer that did come is written (recordAttempt keeps the
  // first one), so that the next holder does not send it again.
  if (ctx.signal.aborted && outcome.status === null) return;
  const result = await recordAttempt(db, services, {
    deliveryId,
    endpointId: endpoint.id,
    attempt,
    outcome,
    lastAttempt: attempt > schedule.length,
    disableAfter: services.config.WEBHOOK_DISABLE_AFTER_FAILURES,
  });
  if (result === "recorded") return; // another run wrote this attempt first
  services.metrics.outboundWebhooks.inc({
    outcome: outcome.error ? "failed" : "delivered",
  });
  if (result === "retry") {
    await queueDeliveries(services, job.tenantId, [{
      id: deliveryId,
      attempt: attempt + 1,
      runAt: new Date(Date.now() + schedule[attempt - 1]! * 1000),
    }]);
  }
  if (result === "disabled") await tellOwners(services, job.tenantId, endpoint.url);
}

/**
 * Holds the job's lease for the whole call plus the margin, then checks that the attempt is still
 * unmade: false when the lease was lost or the attempt was written meanwhile (send nothing).
 */
async function holdForCall(
  ctx: JobContext,
  db: Client,
  deliveryId: string,
  attempt: number,
  timeoutMs: number,
): Promise<boolean> {
  if (ctx.holdLease && !(await ctx.holdLease(timeoutMs + OUTCOME_MARGIN_MS))) return false;
  const now = await getDelivery(db, deliveryId);
  return !!now && now.status === "pending" && now.attempts < attempt;
}

/** Writes the attempt and its consequences together; says what happens next. */
async function recordAttempt(
  db: Client,
  services: Services,
  a: {
    deliveryId: string;
    endpointId: string;
    attempt: number;
    outcome: Outcome;
    lastAttempt: boolean;
    disableAfter: number;
  },
): Promise<"delivered" | "retry" | "failed" | "disabled" | "recorded"> {
  const now = services.clock.now().toISOString();
  const { outcome } = a;
  return await inWriteTransaction(db, async (tx) => {
    const current = await tx.execute({
      sql: "SELECT attempts FROM webhook_deliveries WHERE id = ?",
      args: [a.deliveryId],
    });
    if (Number(current.rows[0]?.attempts ?? 0) >= a.attempt) return "recorded";
    await tx.execute({
      sql: `INSERT INTO webhook_attempts (id, delivery_id, attempt, at, status, error, duration_ms,
              response_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        newId(),
        a.deliveryId,
        a.attempt,
        now,
        outcome.status,
        outcome.error,
        outcome.durationMs,
        outcome.excerpt,
      ],
    });
    if (!outcome.error) {
      await tx.execute({
        sql: `UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, last_status = ?,
                last_error = NULL, delivered_at = ?, next_attempt_at = NULL, updated_at = ?
              WHERE id = ?`,
        args: [a.attempt, outcome.status, now, now, a.deliveryId],
      });
      await tx.execute({
        sql: "UPDATE webhook_endpoints SET failure_streak = 0 WHERE id = ?",
        args: [a.endpointId],
      });
      return "delivered";
    }
    await tx.execute({
      sql: `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?,
              next_attempt_at = ?, updated_at = ? WHERE id = ?`,
      args: [
        a.lastAttempt ? "failed" : "pending",
        a.attempt,
        outcome.status,
        outcome.error,
        a.lastAttempt ? null : now,
        now,
        a.deliveryId,
      ],
    });
    const streak = await tx.execute({
      sql: `UPDATE webhook_endpoints SET failure_streak = failure_streak + 1 WHERE id = ?
            RETURNING failure_streak, enabled`,
      args: [a.endpointId],
    });
    const row = streak.rows[0];
    if (row && Number(row.enabled) === 1 && Number(row.failure_streak) >= a.disableAfter) {
      await tx.execute({
        sql: `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ?
              WHERE id = ?`,
        args: [
          `Turned off after ${a.disableAfter} failed attempts in a row (last: ${outcome.error}).`,
          now,
          a.endpointId,
        ],
      });
      return "disabled";
    }
    return a.lastAttempt ? "failed" : "retry";
  });
}

async function tellOwners(services: Services, tenantId: string, url: string): Promise<void> {
  const owners = (await listMembers(services.control, tenantId)).filter((m) => m.role === "owner");
  for (const owner of owners) {
    await sendMail(services, {
      tenantId,
      to: owner.email,
      ...webhookDisabledMail({
        url,
        failures: services.config.WEBHOOK_DISABLE_AFTER_FAILURES,
        language: await memberLanguage(services, owner.user_id, { tenantId }),
      }),
    });
  }
}
