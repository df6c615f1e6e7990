/**
 * @module routes/settings/webhooks
 * Settings → Webhooks: owners and admins subscribe their systems' https endpoints to the
 * workspace's events, see each endpoint's signing secret and delivery log (every attempt with the
 * answer), send a test event, replay a delivery, turn an endpoint off or on, rotate its secret and
 * delete it. The same as /api/v1/webhook-endpoints, in pages that work without JavaScript.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { AppError, ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { recordSecurityEvent } from "../../security/events.ts";
import {
  attemptsOf,
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  endpointSecret,
  eventPayload,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
} from "../../integrations/webhooks/store.ts";
import { checkUrlForm, DestinationError } from "../../integrations/webhooks/destination.ts";
import { eventCatalog, isEventType } from "../../integrations/webhooks/events.ts";
import { emitWebhookEvent, replayDelivery } from "../../integrations/webhooks/emit.ts";

const app = new Hono<AppEnv>();
app.use("/settings/webhooks", memberPage());
app.use("/settings/webhooks/*", memberPage());
app.use("/settings/webhooks", managersOnly);
app.use("/settings/webhooks/*", managersOnly);

async function managersOnly(c: AppContext, next: () => Promise<void>) {
  const role = principalOf(c).role;
  if (!role || !can(role, "settings:manage")) throw new ForbiddenError();
  await next();
}

interface Flash {
  error?: string;
  notice?: string;
  secret?: string;
  values?: Record<string, string>;
}

/** "*" or a comma-separated list of known event types; a message naming the unknown ones. */
function parseEvents(raw: string): string[] {
  const list = raw.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  if (!list.length) throw new AppError("invalid_request", 422, "Choose at least one event, or *.");
  const unknown = list.filter((e) => !isEventType(e));
  if (unknown.length) {
    throw new AppError(
      "invalid_request",
      422,
      `Unknown event ${unknown.join(", ")}: pick from the list below, or * for every event.`,
    );
  }
  return list;
}

function checkedUrl(c: AppContext, raw: string): string {
  try {
    return checkUrlForm(raw, c.get("services").config.WEBHOOK_ALLOW_PRIVATE_NETWORKS).toString();
  } catch (err) {
    if (err instanceof DestinationError) throw new AppError("invalid_request", 422, err.message);
    throw err;
  }
}

function Status(props: { e: Endpoint }) {
  return props.e.enabled ? <span class="badge ok">On</span> : <span class="badge warn">Off</span>;
}

function EndpointCard(props: { e: Endpoint; csrf: string }) {
  const { e, csrf } = props;
  const path = `/settings/webhooks/${e.id}`;
  return (
    <li class="card" data-endpoint={e.id}>
      <h3>
        <a href={path}>{e.url}</a> <Status e={e} />
      </h3>
      {e.description ? <p>{e.description}</p> : null}
      <p class="muted">Events: {e.events.join(", ")}</p>
      {e.disabledReason ? <p class="flash warning">{e.disabledReason}</p> : null}
      <div class="actions">
        <a class="button secondary" href={path}>Delivery log</a>
        {e.enabled
          ? (
            <form method="post" action={`${path}/test`}>
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">Send a test event</button>
            </form>
          )
          : null}
        <form method="post" action={`${path}/${e.enabled ? "off" : "on"}`}>
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">
            {e.enabled ? "Turn off" : "Turn on"}
          </button>
        </form>
        <form method="post" action={`${path}/delete`}>
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">Delete</button>
        </form>
      </div>
    </li>
  );
}

async function showList(c: AppContext, flash: Flash = {}, status = 200) {
  const endpoints = await listEndpoints(tenantOf(c).db);
  const csrf = c.get("csrfToken");
  return renderApp(
    c,
    "Webhooks",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/webhooks" role={principalOf(c).role} />
      <section class="card">
        <h2>Webhooks</h2>
        <p class="muted">
          Send the workspace's events to your own systems (an ERP, a customer portal, a chat). Each
          call is a signed JSON POST (Standard Webhooks: check the <code>webhook-signature</code>
          {" "}
          header with the endpoint's secret), retried for about a day and a half when your endpoint
          fails; every attempt is in the endpoint's delivery log.
        </p>
        {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
        {flash.secret
          ? (
            <p class="flash success" id="new-secret">
              Signing secret: <code class="token">{flash.secret}</code>{" "}
              (also shown on the endpoint's page)
            </p>
          )
          : null}
        <FormErrors message={flash.error} />
        <form method="post" action="/settings/webhooks" class="stacked-form">
          <CsrfInput token={csrf} />
          <Field
            label="Endpoint URL"
            name="url"
            required
            value={flash.values?.url}
            hint="https:// on the public internet, e.g. https://erp.example.com/hooks"
          />
          <Field label="Description" name="description" value={flash.values?.description} />
          <Field
            label="Events"
            name="events"
            required
            value={flash.values?.events ?? "*"}
            hint="* for every event, or event names separated by commas (listed below)"
          />
          <button class="button primary" type="submit">Add endpoint</button>
        </form>
      </section>
      {endpoints.length
        ? (
          <ul class="webhook-list">
            {endpoints.map((e) => <EndpointCard key={e.id} e={e} csrf={csrf} />)}
          </ul>
        )
        : <p class="muted">No endpoints yet.</p>}
      <details class="card">
        <summary>Event names</summary>
        <dl class="facts">
          {eventCatalog().map((e) => (
            <div key={e.type}>
              <dt>
                <code>{e.type}</code>
              </dt>
              <dd>{e.description}</dd>
            </div>
          ))}
        </dl>
      </details>
    </>,
    status,
  );
}

async function endpointOr404(c: AppContext): Promise<Endpoint> {
  const e = await getEndpoint(tenantOf(c).db, c.req.param("id") ?? "");
  if (!e) throw new NotFoundError("No such webhook endpoint in this workspace.");
  return e;
}

async function showEndpoint(c: AppContext, flash: Flash = {}) {
  const e = await endpointOr404(c);
  const db = tenantOf(c).db;
  const csrf = c.get("csrfToken");
  const path = `/settings/webhooks/${e.id}`;
  const [secret, deliveries] = await Promise.all([
    endpointSecret(db, e.id),
    listDeliveries(db, e.id, { limit: 100 }),
  ]);
  const chosenId = c.req.query("delivery");
  const chosen = chosenId ? await getDelivery(db, chosenId) : null;
  const detail = chosen && chosen.endpointId === e.id
    ? {
      delivery: chosen,
      attempts: await attemptsOf(db, chosen.id),
      payload: await eventPayload(db, chosen.eventId),
    }
    : null;
  return renderApp(
    c,
    "Webhook endpoint",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/webhooks" role={principalOf(c).role} />
      <p>
        <a href="/settings/webhooks">← Webhooks</a>
      </p>
      <section class="card">
        <h2>
          {e.url} <Status e={e} />
        </h2>
        {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
        <FormErrors message={flash.error} />
        {e.disabledReason ? <p class="flash warning">{e.disabledReason}</p> : null}
        <p class="muted">Events: {e.events.join(", ")}</p>
        <details>
          <summary>Signing secret</summary>
          <p>
            <code class="token" id="signing-secret">{secret}</code>
          </p>
          <form method="post" action={`${path}/rotate`}>
            <CsrfInput token={csrf} />
            <button class="button secondary" type="submit">Replace the secret</button>
          </form>
        </details>
      </section>
      {detail
        ? (
          <section class="card" id="delivery-detail">
            <h2>Delivery of {detail.delivery.eventType}</h2>
            <p class="muted">
              webhook-id <code>{detail.delivery.eventId}</code>
            </p>
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">Attempt</th>
                  <th scope="col">At</th>
                  <th scope="col">Answer</th>
                  <th scope="col">Time</th>
                  <th scope="col">Response</th>
                </tr>
              </thead>
              <tbody>
                {detail.attempts.map((a) => (
                  <tr key={a.attempt}>
                    <td>{a.attempt}</td>
                    <td>
                      <time dateTime={a.at}>{a.at.replace("T", " ").slice(0, 19)}</time>
                    </td>
                    <td>{a.status ?? a.error}</td>
                    <td>{a.durationMs} ms</td>
                    <td>
                      <code>{a.responseExcerpt ?? ""}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <details>
              <summary>Body sent</summary>
              <pre>{detail.payload}</pre>
            </details>
          </section>
        )
        : null}
      <section class="card">
        <h2>Delivery log</h2>
        {deliveries.length
          ? (
            <table class="list" id="delivery-log">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id} data-delivery={d.id}>
                    <td>
                      <a href={`${path}?delivery=${d.id}#delivery-detail`}>
                        {d.createdAt.replace("T", " ").slice(0, 19)}
                      </a>
                    </td>
                    <td>{d.eventType}</td>
                    <td>{d.status}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastStatus ?? d.lastError ?? ""}</td>
                    <td>
                      <form method="post" action={`${path}/deliveries/${d.id}/replay`}>
                        <CsrfInput token={csrf} />
                        <button class="button secondary" type="submit">Replay</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
          : <p class="muted">Nothing sent yet.</p>}
      </section>
    </>,
  );
}

/** Runs a change and shows the page again with its notice, or the refusal in place. */
async function change(
  c: AppContext,
  show: (c: AppContext, flash: Flash, status?: number) => Promise<Response>,
  run: () => Promise<string | Flash>,
  values?: Record<string, string>,
): Promise<Response> {
  try {
    const done = await run();
    return await show(c, typeof done === "string" ? { notice: done } : done);
  } catch (err) {
    if (!(err instanceof AppError) || err.status === 403 || err.status === 404) throw err;
    return await show(c, { error: err.message, values }, err.status);
  }
}

app.get("/settings/webhooks", (c) => showList(c));

app.post("/settings/webhooks", async (c) => {
  const form = await readBody(c);
  const values = {
    url: String(form.url ?? ""),
    description: String(form.description ?? "").slice(0, 200),
    events: String(form.events ?? ""),
  };
  return change(c, showList, async () => {
    const url = checkedUrl(c, values.url);
    const events = parseEvents(values.events);
    const { secret } = await createEndpoint(tenantOf(c).db, {
      url,
      description: values.description,
      events,
      createdBy: principalOf(c).userId,
    }, c.get("services").clock.now().toISOString());
    await recordSecurityEvent(c, { action: "webhook.created", target: url });
    return { notice: `${url} added.`, secret };
  }, values);
});

app.get("/settings/webhooks/:id", (c) => showEndpoint(c));

const onEndpoint = (
  action: (c: AppContext, e: Endpoint) => Promise<string>,
  page: "list" | "endpoint" = "endpoint",
) =>
async (c: AppContext) => {
  const e = await endpointOr404(c);
  return change(c, page === "list" ? showList : showEndpoint, () => action(c, e));
};

const now = (c: AppContext) => c.get("services").clock.now().toISOString();

app.post(
  "/settings/webhooks/:id/test",
  onEndpoint(async (c, e) => {
    if (!e.enabled) {
      throw new AppError("invalid_request", 422, "Turn the endpoint on before testing it.");
    }
    const tenant = tenantOf(c);
    await emitWebhookEvent(c.get("services"), tenant.id, tenant.db, {
      type: "webhook.test",
      data: { endpoint_id: e.id, message: "A test event from ProjectMeats." },
      endpointId: e.id,
    });
    return "Test event queued: it appears in the delivery log below.";
  }),
);

for (const [verb, enabled] of [["on", true], ["off", false]] as const) {
  app.post(
    `/settings/webhooks/:id/${verb}`,
    onEndpoint(async (c, e) => {
      await updateEndpoint(tenantOf(c).db, e.id, { enabled }, now(c));
      await recordSecurityEvent(c, {
        action: "webhook.changed",
        target: e.url,
        details: { enabled },
      });
      return enabled ? `${e.url} is on again.` : `${e.url} is off: nothing is sent to it.`;
    }, "list"),
  );
}

app.post(
  "/settings/webhooks/:id/rotate",
  onEndpoint(async (c, e) => {
    await rotateSecret(tenantOf(c).db, e.id, now(c));
    await recordSecurityEvent(c, { action: "webhook.secret_rotated", target: e.url });
    return "New secret: deliveries from now on are signed with it. Update your endpoint.";
  }),
);

app.post(
  "/settings/webhooks/:id/delete",
  onEndpoint(async (c, e) => {
    await deleteEndpoint(tenantOf(c).db, e.id);
    await recordSecurityEvent(c, { action: "webhook.deleted", target: e.url });
    return `${e.url} deleted with its delivery log.`;
  }, "list"),
);

app.post("/settings/webhooks/:id/deliveries/:delivery/replay", async (c) => {
  const e = await endpointOr404(c);
  const tenant = tenantOf(c);
  const delivery = await getDelivery(tenant.db, c.req.param("delivery"));
  if (!delivery || delivery.endpointId !== e.id) throw new NotFoundError("No such delivery.");
  return change(c, showEndpoint, async () => {
    if (!e.enabled) {
      throw new AppError("invalid_request", 422, "Turn the endpoint on before replaying to it.");
    }
    await replayDelivery(c.get("services"), tenant.id, tenant.db, delivery);
    await recordSecurityEvent(c, {
      action: "webhook.replayed",
      target: e.url,
      details: { delivery_id: delivery.id },
    });
    return `The ${delivery.eventType} event is queued again.`;
  });
});

export default app;
