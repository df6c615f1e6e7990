/**
 * @module integrations/webhooks/store
 * A workspace's webhook endpoints, events, deliveries and attempts, in its own database.
 */
import type { Client } from "../../db/client.ts";
import type { Executor } from "../../db/transaction.ts";
import { newId } from "../../db/ids.ts";
import { newSigningSecret } from "./signing.ts";
import { InvalidError } from "../../domain/errors.ts";
import { hasHiddenControls, HIDDEN_CONTROLS_MESSAGE } from "../../domain/hidden_controls.ts";

export interface Endpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  failureStreak: number;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  status: "pending" | "delivered" | "failed" | "skipped";
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  replayOf: string | null;
  createdAt: string;
}

export interface AttemptRow {
  attempt: number;
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

type Row = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

function toEndpoint(r: Row): Endpoint {
  return {
    id: String(r.id),
    url: String(r.url),
    description: String(r.description),
    events: JSON.parse(String(r.events)),
    enabled: Number(r.enabled) === 1,
    disabledReason: text(r.disabled_reason),
    failureStreak: Number(r.failure_streak),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

function toDelivery(r: Row): DeliveryRow {
  return {
    id: String(r.id),
    eventId: String(r.event_id),
    eventType: String(r.type),
    endpointId: String(r.endpoint_id),
    status: String(r.status) as DeliveryRow["status"],
    attempts: Number(r.attempts),
    nextAttemptAt: text(r.next_attempt_at),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: text(r.last_error),
    deliveredAt: text(r.delivered_at),
    replayOf: text(r.replay_of),
    createdAt: String(r.created_at),
  };
}

export async function listEndpoints(db: Executor): Promise<Endpoint[]> {
  const rs = await db.execute("SELECT * FROM webhook_endpoints ORDER BY created_at, id");
  return rs.rows.map((r) => toEndpoint(r as Row));
}

export async function getEndpoint(db: Executor, id: string): Promise<Endpoint | null> {
  const rs = await db.execute({ sql: "SELECT * FROM webhook_endpoints WHERE id = ?", args: [id] });
  return rs.rows[0] ? toEndpoint(rs.rows[0] as Row) : null;
}

/** The endpoint's signing secret (shown to its admins, used to sign). */
export async function endpointSecret(db: Executor, id: string): Promise<string | null> {
  const rs = await db.execute({
    sql: "SELECT secret FROM webhook_endpoints WHERE id = ?",
    args: [id],
  });
  return text(rs.rows[0]?.secret);
}

/**
 * Refuses a description with control codes, direction overrides or zero-width characters
 * (domain/hidden_controls.ts): members read it on the settings page. The API's schema says the
 * same first; this holds for every caller, the settings form included.
 */
function checkDescription(description: string | undefined): void {
  if (description !== undefined && hasHiddenControls(description)) {
    throw new InvalidError(
      HIDDEN_CONTROLS_MESSAGE,
      { description: [HIDDEN_CONTROLS_MESSAGE] },
      422,
    );
  }
}

export async function createEndpoint(
  db: Client,
  input: { url: string; description: string; events: string[]; createdBy: string | null },
  now: string,
): Promise<{ endpoint: Endpoint; secret: string }> {
  checkDescription(input.description);
  const id = newId();
  const secret = newSigningSecret();
  await db.execute({
    sql: `INSERT INTO webhook_endpoints (id, url, description, events, secret, enabled,
            failure_streak, created_by, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, 1, 0, ?, ?, ?)`,
    args: [
      id,
      input.url,
      input.description,
      JSON.stringify(input.events),
      secret,
      input.createdBy,
      now,
      now,
    ],
  });
  return { endpoint: (await getEndpoint(db, id))!, secret };
}

/** Changes what was given; turning an endpoint on clears its failure streak and reason. */
export async function updateEndpoint(
  db: Client,
  id: string,
  patch: { url?: string; description?: string; events?: string[]; enabled?: boolean },
  now: string,
): Promise<Endpoint | null> {
  checkDescription(patch.description);
  const sets: string[] = [];
  const args: Array<string | number | null> = [];
  if (patch.url !== undefined) sets.push("url = ?"), args.push(patch.url);
  if (patch.description !== undefined) sets.push("description = ?"), args.push(patch.description);
  if (patch.events !== undefined) sets.push("events = ?"), args.push(JSON.stringify(patch.events));
  if (patch.enabled === true) {
    sets.push("enabled = 1, disabled_reason = NULL, failure_streak = 0");
  } else if (patch.enabled === false) {
    sets.push("enabled = 0, disabled_reason = 'Turned off by a member.'");
  }
  sets.push("updated_at = ?");
  args.push(now, id);
  const rs = await db.execute({
    sql: `UPDATE webhook_endpoints SET ${sets.join(", ")} WHERE id = ?`,
    args,
  });
  return rs.rowsAffected ? await getEndpoint(db, id) : null;
}

export async function rotateSecret(db: Client, id: string, now: string): Promise<string | null> {
  const secret = newSigningSecret();
  const rs = await db.execute({
    sql: "UPDATE webhook_endpoints SET secret = ?, updated_at = ? WHERE id = ?",
    args: [secret, now, id],
  });
  return rs.rowsAffected ? secret : null;
}

/** Deletes the endpoint with its deliveries and attempts. */
export async function deleteEndpoint(db: Client, id: string): Promise<boolean> {
  const rs = await db.execute({ sql: "DELETE FROM webhook_endpoints WHERE id = ?", args: [id] });
  return rs.rowsAffected === 1;
}

export async function listDeliveries(
  db: Executor,
  endpointId: string,
  opts: { limit: number; status?: string },
): Promise<DeliveryRow[]> {
  const rs = await db.execute({
    sql: `SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
          WHERE d.endpoint_id = ?1 AND (?2 IS NULL OR d.status = ?2)
          ORDER BY d.created_at DESC, d.id DESC LIMIT ?3`,
    args: [endpointId, opts.status ?? null, opts.limit],
  });
  return rs.rows.map((r) => toDelivery(r as Row));
}

export async function getDelivery(db: Executor, id: string): Promise<DeliveryRow | null> {
  const rs = await db.execute({
    sql: `SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
          WHERE d.id = ?`,
    args: [id],
  });
  return rs.rows[0] ? toDelivery(rs.rows[0] as Row) : null;
}

export async function attemptsOf(db: Executor, deliveryId: string): Promise<AttemptRow[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt`,
    args: [deliveryId],
  });
  return rs.rows.map((r) => ({
    attempt: Number(r.attempt),
    at: String(r.at),
    status: r.status === null ? null : Number(r.status),
    error: text(r.error),
    durationMs: Number(r.duration_ms),
    responseExcerpt: text(r.response_excerpt),
  }));
}

/** The event's body as it was sent (and will be sent again by a replay). */
export async function eventPayload(db: Executor, eventId: string): Promise<string | null> {
  const rs = await db.execute({
    sql: "SELECT payload FROM webhook_events WHERE id = ?",
    args: [eventId],
  });
  return text(rs.rows[0]?.payload);
}
