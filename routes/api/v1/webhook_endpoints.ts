/**
 * @module routes/api/v1/webhook_endpoints
 * Outbound webhooks (integrations/webhooks/): a workspace's endpoints, their signing secrets,
 * delivery logs, replays and test events. Owners and admins (`settings:manage`); scoped tokens
 * need `webhooks:read` / `webhooks:write`. Every change is in the security log.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute, listOf } from "../../../http/openapi.ts";
import { InvalidError, NotFoundError } from "../../../domain/errors.ts";
import { HIDDEN_CONTROLS_MESSAGE, NO_HIDDEN_CONTROLS } from "../../../domain/hidden_controls.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import {
  attemptsOf,
  createEndpoint,
  deleteEndpoint,
  type DeliveryRow,
  type Endpoint,
  endpointSecret,
  eventPayload,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "../../../integrations/webhooks/store.ts";
import { checkUrlForm, DestinationError } from "../../../integrations/webhooks/destination.ts";
import { eventCatalog, isEventType } from "../../../integrations/webhooks/events.ts";
import { payloadFor } from "../../../integrations/webhooks/payload_scope.ts";
import { hasScope, roleGrants } from "../../../auth/scopes.ts";
import { acceptedLanguages } from "../../../i18n/mod.ts";
import { emitWebhookEvent, replayDelivery } from "../../../integrations/webhooks/emit.ts";

const EventsField = z.array(z.string().max(80)).min(1).max(100).refine(
  (list) => list.every(isEventType),
  { message: 'Unknown event type; GET /api/v1/webhook-endpoints/events lists them (or use "*").' },
);

// No control codes, direction overrides or zero-width characters (domain/hidden_controls.ts).
const Description = z.string().max(200).regex(NO_HIDDEN_CONTROLS, HIDDEN_CONTROLS_MESSAGE);

const EndpointInput = z.object({
  url: z.string().max(2000),
  description: Description.default(""),
  events: EventsField,
}).strict();

const EndpointPatch = z.object({
  url: z.string().max(2000).optional(),
  description: Description.optional(),
  events: EventsField.optional(),
  enabled: z.boolean().optional(),
}).strict();

const EndpointJson = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  failure_streak: z.int(),
  created_at: z.string(),
  updated_at: z.string(),
});

const DeliveryJson = z.object({
  id: z.string(),
  event_id: z.string().meta({ description: "The webhook-id header receivers dedupe on" }),
  event_type: z.string(),
  status: z.enum(["pending", "delivered", "failed", "skipped"]),
  attempts: z.int(),
  next_attempt_at: z.string().nullable(),
  last_status: z.int().nullable(),
  last_error: z.string().nullable(),
  delivered_at: z.string().nullable(),
  replay_of: z.string().nullable(),
  created_at: z.string(),
});

const ENDPOINT = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  url: "https://erp.acme-meats.example/hooks/projectmeats",
  description: "ERP sync",
  events: ["invoice.created", "payment.received"],
  enabled: true,
  disabled_reason: null,
  failure_streak: 0,
  created_at: "2026-11-20T15:04:05.123Z",
  updated_at: "2026-11-20T15:04:05.123Z",
};
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DELIVERY = {
  id: "01jd8x9a1b2c3d4e5f6g7h8j9k",
  event_id: "msg_01jd8x9a0z9y8x7w6v5t4s3r2q",
  event_type: "invoice.created",
  status: "delivered" as const,
  attempts: 1,
  next_attempt_at: null,
  last_status: 200,
  last_error: null,
  delivered_at: "2026-11-20T15:04:06.001Z",
  replay_of: null,
  created_at: "2026-11-20T15:04:05.900Z",
};

const Params = z.object({ id: z.string().max(40).meta({ example: ENDPOINT.id }) });
const DeliveryParams = Params.extend({
  delivery: z.string().max(40).meta({ example: DELIVERY.id }),
});

const routes = {
  events: describeRoute({
    operationId: "listWebhookEventTypes",
    tag: "Webhooks",
    summary: "Every event type an endpoint can subscribe to",
    responses: {
      200: {
        description: "The catalogue",
        schema: z.object({
          data: z.array(z.object({ type: z.string(), description: z.string() })),
        }),
        example: { data: [{ type: "invoice.created", description: "A invoice was created" }] },
      },
    },
    errors: [403],
  }),
  list: describeRoute({
    operationId: "listWebhookEndpoints",
    tag: "Webhooks",
    summary: "The workspace's webhook endpoints",
    responses: {
      200: {
        description: "Oldest first",
        schema: listOf(EndpointJson),
        example: { data: [ENDPOINT], next_cursor: null },
      },
    },
    errors: [403],
  }),
  create: describeRoute({
    operationId: "createWebhookEndpoint",
    tag: "Webhooks",
    summary: "Subscribe an https:// endpoint to events; answers its signing secret",
    body: {
      schema: EndpointInput,
      example: { url: ENDPOINT.url, description: "ERP sync", events: ENDPOINT.events },
    },
    responses: {
      201: {
        description: "Created, with the secret that signs its deliveries",
        schema: EndpointJson.extend({ secret: z.string() }),
        example: { ...ENDPOINT, secret: SECRET },
      },
    },
    errors: [403, 415, 422],
  }),
  get: describeRoute({
    operationId: "getWebhookEndpoint",
    tag: "Webhooks",
    summary: "One endpoint with its signing secret",
    params: Params,
    responses: {
      200: {
        description: "The endpoint",
        schema: EndpointJson.extend({ secret: z.string() }),
        example: { ...ENDPOINT, secret: SECRET },
      },
    },
    errors: [403, 404],
  }),
  update: describeRoute({
    operationId: "updateWebhookEndpoint",
    tag: "Webhooks",
    summary: "Change an endpoint, or turn it off or on (on clears its failure streak)",
    params: Params,
    body: { schema: EndpointPatch, example: { enabled: true } },
    responses: { 200: { description: "As stored", schema: EndpointJson, example: ENDPOINT } },
    errors: [403, 404, 415, 422],
  }),
  remove: describeRoute({
    operationId: "deleteWebhookEndpoint",
    tag: "Webhooks",
    summary: "Delete an endpoint with its delivery log",
    params: Params,
    responses: { 204: { description: "Deleted" } },
    errors: [403, 404],
  }),
  rotate: describeRoute({
    operationId: "rotateWebhookSecret",
    tag: "Webhooks",
    summary: "Replace the signing secret; deliveries from now on are signed with the new one",
    params: Params,
    responses: {
      200: {
        description: "The new secret",
        schema: z.object({ secret: z.string() }),
        example: { secret: SECRET },
      },
    },
    errors: [403, 404],
  }),
  test: describeRoute({
    operationId: "sendWebhookTest",
    tag: "Webhooks",
    summary: "Send a `webhook.test` event to this endpoint now",
    params: Params,
    responses: {
      202: {
        description: "Queued; its delivery appears in the log",
        schema: z.object({ delivery_id: z.string() }),
        example: { delivery_id: DELIVERY.id },
      },
    },
    errors: [403, 404, 422],
  }),
  deliveries: describeRoute({
    operationId: "listWebhookDeliveries",
    tag: "Webhooks",
    summary: "The endpoint's delivery log, newest first",
    params: Params,
    query: z.object({
      status: z.enum(["pending", "delivered", "failed", "skipped"]).optional(),
      limit: z.string().optional().meta({ example: "50" }),
    }),
    responses: {
      200: {
        description: "Deliveries",
        schema: listOf(DeliveryJson),
        example: { data: [DELIVERY], next_cursor: null },
      },
    },
    errors: [403, 404],
  }),
  delivery: describeRoute({
    operationId: "getWebhookDelivery",
    tag: "Webhooks",
    summary: "One delivery: the body sent and every attempt with the endpoint's answer",
    params: DeliveryParams,
    responses: {
      200: {
        description: "The delivery",
        schema: DeliveryJson.extend({
          payload: z.unknown(),
          attempts_log: z.array(z.object({
            attempt: z.int(),
            at: z.string(),
            status: z.int().nullable(),
            error: z.string().nullable(),
            duration_ms: z.int(),
            response_excerpt: z.string().nullable(),
          })),
        }),
        example: {
          ...DELIVERY,
          payload: { type: "invoice.created", timestamp: DELIVERY.created_at, data: {} },
          attempts_log: [{
            attempt: 1,
            at: DELIVERY.delivered_at,
            status: 200,
            error: null,
            duration_ms: 84,
            response_excerpt: "ok",
          }],
        },
      },
    },
    errors: [403, 404],
  }),
  replay: describeRoute({
    operationId: "replayWebhookDelivery",
    tag: "Webhooks",
    summary: "Send a delivery's event again (same webhook-id) as a new delivery",
    params: DeliveryParams,
    responses: {
      202: {
        description: "Queued",
        schema: z.object({ delivery_id: z.string() }),
        example: { delivery_id: "01jd8xb0c1d2e3f4g5h6j7k8m9" },
      },
    },
    errors: [403, 404, 422],
  }),
};

export function endpointJson(e: Endpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    failure_streak: e.failureStreak,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

export function deliveryJson(d: DeliveryRow) {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.nextAttemptAt,
    last_status: d.lastStatus,
    last_error: d.lastError,
    delivered_at: d.deliveredAt,
    replay_of: d.replayOf,
    created_at: d.createdAt,
  };
}

/** The URL checked for form (https, public host); 422 naming the field otherwise. */
export function validUrl(c: AppContext, url: string): string {
  try {
    return checkUrlForm(url, c.get("services").config.WEBHOOK_ALLOW_PRIVATE_NETWORKS).toString();
  } catch (err) {
    if (err instanceof DestinationError) {
      throw new InvalidError(err.message, { url: [err.message] }, 422);
    }
    throw err;
  }
}

async function endpointOr404(c: AppContext): Promise<Endpoint> {
  const endpoint = await getEndpoint(tenantOf(c).db, c.req.param("id") ?? "");
  if (!endpoint) throw new NotFoundError("No such webhook endpoint in this workspace.");
  return endpoint;
}

const app = new Hono<AppEnv>();
app.use("/api/v1/webhook-endpoints", tenantOnly(), requirePermission("settings:manage"));
app.use("/api/v1/webhook-endpoints/*", tenantOnly(), requirePermission("settings:manage"));

// Descriptions in English unless the client asks for another language (docs/languages.md).
app.get("/api/v1/webhook-endpoints/events", routes.events, (c) => {
  const language = acceptedLanguages(c.req.header("accept-language"))[0] ?? "en";
  return c.json({ data: eventCatalog(language) });
});

app.get("/api/v1/webhook-endpoints", routes.list, async (c) => {
  const data = (await listEndpoints(tenantOf(c).db)).map(endpointJson);
  return c.json({ data, next_cursor: null });
});

app.post("/api/v1/webhook-endpoints", routes.create, async (c) => {
  const input = parseWith(EndpointInput, await readJson(c));
  const url = validUrl(c, input.url);
  const { endpoint, secret } = await createEndpoint(tenantOf(c).db, {
    url,
    description: input.description,
    events: input.events,
    createdBy: principalOf(c).userId,
  }, c.get("services").clock.now().toISOString());
  await recordSecurityEvent(c, { action: "webhook.created", target: url });
  return c.json({ ...endpointJson(endpoint), secret }, 201);
});

app.get("/api/v1/webhook-endpoints/:id", routes.get, async (c) => {
  const endpoint = await endpointOr404(c);
  const secret = await endpointSecret(tenantOf(c).db, endpoint.id);
  return c.json({ ...endpointJson(endpoint), secret });
});

app.patch("/api/v1/webhook-endpoints/:id", routes.update, async (c) => {
  const patch = parseWith(EndpointPatch, await readJson(c));
  const endpoint = await endpointOr404(c);
  if (patch.url !== undefined) patch.url = validUrl(c, patch.url);
  const updated = await updateEndpoint(
    tenantOf(c).db,
    endpoint.id,
    patch,
    c.get("services").clock.now().toISOString(),
  );
  await recordSecurityEvent(c, {
    action: "webhook.changed",
    target: updated!.url,
    details: { fields: Object.keys(patch) },
  });
  return c.json(endpointJson(updated!));
});

app.delete("/api/v1/webhook-endpoints/:id", routes.remove, async (c) => {
  const endpoint = await endpointOr404(c);
  await deleteEndpoint(tenantOf(c).db, endpoint.id);
  await recordSecurityEvent(c, { action: "webhook.deleted", target: endpoint.url });
  return c.body(null, 204);
});

app.post("/api/v1/webhook-endpoints/:id/rotate-secret", routes.rotate, async (c) => {
  const endpoint = await endpointOr404(c);
  const secret = await rotateSecret(
    tenantOf(c).db,
    endpoint.id,
    c.get("services").clock.now().toISOString(),
  );
  await recordSecurityEvent(c, { action: "webhook.secret_rotated", target: endpoint.url });
  return c.json({ secret });
});

app.post("/api/v1/webhook-endpoints/:id/test", routes.test, async (c) => {
  const endpoint = await endpointOr404(c);
  if (!endpoint.enabled) {
    throw new InvalidError("Turn the endpoint on before sending it a test event.", undefined, 422);
  }
  const tenant = tenantOf(c);
  const [id] = await emitWebhookEvent(c.get("services"), tenant.id, tenant.db, {
    type: "webhook.test",
    data: { endpoint_id: endpoint.id, message: "A test event from ProjectMeats." },
    endpointId: endpoint.id,
  });
  return c.json({ delivery_id: id }, 202);
});

app.get("/api/v1/webhook-endpoints/:id/deliveries", routes.deliveries, async (c) => {
  const endpoint = await endpointOr404(c);
  const status = c.req.query("status");
  if (status && !["pending", "delivered", "failed", "skipped"].includes(status)) {
    throw new InvalidError("status is pending, delivered, failed or skipped.", undefined, 422);
  }
  const limit = Math.max(1, Math.min(Math.trunc(Number(c.req.query("limit"))) || 50, 200));
  const data = await listDeliveries(tenantOf(c).db, endpoint.id, { limit, status });
  return c.json({ data: data.map(deliveryJson), next_cursor: null });
});

async function deliveryOr404(c: AppContext) {
  const endpoint = await endpointOr404(c);
  const delivery = await getDelivery(tenantOf(c).db, c.req.param("delivery") ?? "");
  if (!delivery || delivery.endpointId !== endpoint.id) {
    throw new NotFoundError("No such delivery for this endpoint.");
  }
  return { endpoint, delivery };
}

app.get("/api/v1/webhook-endpoints/:id/deliveries/:delivery", routes.delivery, async (c) => {
  const { delivery } = await deliveryOr404(c);
  const db = tenantOf(c).db;
  const [payload, attempts] = await Promise.all([
    eventPayload(db, delivery.eventId),
    attemptsOf(db, delivery.id),
  ]);
  // A scoped token sees the record's fields only with that record type's read scope.
  const { scopes, role } = principalOf(c);
  const mayRead = (scope: string) =>
    !scopes || (hasScope(scopes, scope) && roleGrants(role, scope));
  return c.json({
    ...deliveryJson(delivery),
    payload: payload ? payloadFor(JSON.parse(payload), mayRead) : null,
    attempts_log: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      status: a.status,
      error: a.error,
      duration_ms: a.durationMs,
      response_excerpt: a.responseExcerpt,
    })),
  });
});

app.post(
  "/api/v1/webhook-endpoints/:id/deliveries/:delivery/replay",
  routes.replay,
  async (c) => {
    const { endpoint, delivery } = await deliveryOr404(c);
    if (!endpoint.enabled) {
      throw new InvalidError("Turn the endpoint on before replaying to it.", undefined, 422);
    }
    const tenant = tenantOf(c);
    const id = await replayDelivery(c.get("services"), tenant.id, tenant.db, delivery);
    await recordSecurityEvent(c, {
      action: "webhook.replayed",
      target: endpoint.url,
      details: { delivery_id: delivery.id },
    });
    return c.json({ delivery_id: id }, 202);
  },
);

export default app;
