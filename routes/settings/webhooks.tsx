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

import { languageOf, tOf } from "../../i18n/middleware.ts";
import { useT } from "../../components/Words.tsx";

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
function parseEvents(c: AppContext, raw: string): string[] {
  const list = raw.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  if (!list.length) {
    throw new AppError("invalid_request", 422, tOf(c)("webhooks.choose_event"));
  }
  const unknown = list.filter((e) => !isEventType(e));
  if (unknown.length) {
    throw new AppError(
      "invalid_request",
      422,
      tOf(c)("webhooks.unknown_event", { events: unknown.join(", ") }),
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
  const t = useT();
  return props.e.enabled
    ? <span class="badge ok">{t("webhooks.on")}</span>
    : <span class="badge warn">{t("webhooks.off")}</span>;
}

function EndpointCard(props: { e: Endpoint; csrf: string }) {
  const { e, csrf } = props;
  const path = `/settings/webhooks/${e.id}`;
  const t = useT();
  return (
    <li class="card" data-endpoint={e.id}>
      <h3>
        <a href={path}>{e.url}</a> <Status e={e} />
      </h3>
      {e.description ? <p>{e.description}</p> : null}
      <p class="muted">{t("webhooks.events", { events: e.events.join(", ") })}</p>
      {e.disabledReason ? <p class="flash warning">{e.disabledReason}</p> : null}
      <div class="actions">
        <a class="button secondary" href={path}>{t("webhooks.delivery_log")}</a>
        {e.enabled
          ? (
            <form method="post" action={`${path}/test`}>
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">{t("webhooks.send_test")}</button>
            </form>
          )
          : null}
        <form method="post" action={`${path}/${e.enabled ? "off" : "on"}`}>
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">
            {e.enabled ? t("webhooks.turn_off") : t("webhooks.turn_on")}
          </button>
        </form>
        <form method="post" action={`${path}/delete`}>
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">{t("webhooks.delete")}</button>
        </form>
      </div>
    </li>
  );
}

async function showList(c: AppContext, flash: Flash = {}, status = 200) {
  const endpoints = await listEndpoints(tenantOf(c).db);
  const csrf = c.get("csrfToken");
  const t = tOf(c);
  return renderApp(
    c,
    t("webhooks.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/webhooks" role={principalOf(c).role} />
      <section class="card">
        <h2>{t("webhooks.title")}</h2>
        <p class="muted">
          {t("webhooks.intro_before")} <code>webhook-signature</code> {t("webhooks.intro_after")}
        </p>
        {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
        {flash.secret
          ? (
            <p class="flash success" id="new-secret">
              {t("webhooks.signing_secret_is")} <code class="token">{flash.secret}</code>{" "}
              {t("webhooks.also_shown")}
            </p>
          )
          : null}
        <FormErrors message={flash.error} />
        <form method="post" action="/settings/webhooks" class="stacked-form">
          <CsrfInput token={csrf} />
          <Field
            label={t("webhooks.url")}
            name="url"
            required
            value={flash.values?.url}
            hint={t("webhooks.url_hint")}
          />
          <Field
            label={t("webhooks.description")}
            name="description"
            value={flash.values?.description}
          />
          <Field
            label={t("webhooks.events_label")}
            name="events"
            required
            value={flash.values?.events ?? "*"}
            hint={t("webhooks.events_hint")}
          />
          <button class="button primary" type="submit">{t("webhooks.add")}</button>
        </form>
      </section>
      {endpoints.length
        ? (
          <ul class="webhook-list">
            {endpoints.map((e) => <EndpointCard key={e.id} e={e} csrf={csrf} />)}
          </ul>
        )
        : <p class="muted">{t("webhooks.none")}</p>}
      <details class="card">
        <summary>{t("webhooks.event_names")}</summary>
        <dl class="facts">
          {eventCatalog(languageOf(c)).map((e) => (
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
  if (!e) throw new NotFoundError(tOf(c)("webhooks.no_such"));
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
  const t = tOf(c);
  return renderApp(
    c,
    t("webhooks.endpoint_title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/webhooks" role={principalOf(c).role} />
      <p>
        <a href="/settings/webhooks">{t("webhooks.back")}</a>
      </p>
      <section class="card">
        <h2>
          {e.url} <Status e={e} />
        </h2>
        {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
        <FormErrors message={flash.error} />
        {e.disabledReason ? <p class="flash warning">{e.disabledReason}</p> : null}
        <p class="muted">{t("webhooks.events", { events: e.events.join(", ") })}</p>
        <details>
          <summary>{t("webhooks.signing_secret")}</summary>
          <p>
            <code class="token" id="signing-secret">{secret}</code>
          </p>
          <form method="post" action={`${path}/rotate`}>
            <CsrfInput token={csrf} />
            <button class="button secondary" type="submit">{t("webhooks.replace_secret")}</button>
          </form>
        </details>
      </section>
      {detail
        ? (
          <section class="card" id="delivery-detail">
            <h2>{t("webhooks.delivery_of", { event: detail.delivery.eventType })}</h2>
            <p class="muted">
              webhook-id <code>{detail.delivery.eventId}</code>
            </p>
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{t("webhooks.attempt")}</th>
                  <th scope="col">{t("webhooks.at")}</th>
                  <th scope="col">{t("webhooks.answer")}</th>
                  <th scope="col">{t("webhooks.time")}</th>
                  <th scope="col">{t("webhooks.response")}</th>
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
              <summary>{t("webhooks.body_sent")}</summary>
              <pre>{detail.payload}</pre>
            </details>
          </section>
        )
        : null}
      <section class="card">
        <h2>{t("webhooks.delivery_log")}</h2>
        {deliveries.length
          ? (
            <table class="list" id="delivery-log">
              <thead>
                <tr>
                  <th scope="col">{t("webhooks.created")}</th>
                  <th scope="col">{t("webhooks.event")}</th>
                  <th scope="col">{t("webhooks.status")}</th>
                  <th scope="col">{t("webhooks.attempts")}</th>
                  <th scope="col">{t("webhooks.last_answer")}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t("common.actions")}</span>
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
                        <button class="button secondary" type="submit">
                          {t("webhooks.replay")}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
          : <p class="muted">{t("webhooks.nothing_sent")}</p>}
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
    const events = parseEvents(c, values.events);
    const { secret } = await createEndpoint(tenantOf(c).db, {
      url,
      description: values.description,
      events,
      createdBy: principalOf(c).userId,
    }, c.get("services").clock.now().toISOString());
    await recordSecurityEvent(c, { action: "webhook.created", target: url });
    return { notice: tOf(c)("webhooks.added", { url }), secret };
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
      throw new AppError("invalid_request", 422, tOf(c)("webhooks.turn_on_first"));
    }
    const tenant = tenantOf(c);
    await emitWebhookEvent(c.get("services"), tenant.id, tenant.db, {
      type: "webhook.test",
      data: { endpoint_id: e.id, message: "A test event from ProjectMeats." },
      endpointId: e.id,
    });
    return tOf(c)("webhooks.test_queued");
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
      return enabled
        ? tOf(c)("webhooks.on_again", { url: e.url })
        : tOf(c)("webhooks.now_off", { url: e.url });
    }, "list"),
  );
}

app.post(
  "/settings/webhooks/:id/rotate",
  onEndpoint(async (c, e) => {
    await rotateSecret(tenantOf(c).db, e.id, now(c));
    await recordSecurityEvent(c, { action: "webhook.secret_rotated", target: e.url });
    return tOf(c)("webhooks.new_secret");
  }),
);

app.post(
  "/settings/webhooks/:id/delete",
  onEndpoint(async (c, e) => {
    await deleteEndpoint(tenantOf(c).db, e.id);
    await recordSecurityEvent(c, { action: "webhook.deleted", target: e.url });
    return tOf(c)("webhooks.deleted", { url: e.url });
  }, "list"),
);

app.post("/settings/webhooks/:id/deliveries/:delivery/replay", async (c) => {
  const e = await endpointOr404(c);
  const tenant = tenantOf(c);
  const delivery = await getDelivery(tenant.db, c.req.param("delivery"));
  if (!delivery || delivery.endpointId !== e.id) {
    throw new NotFoundError(tOf(c)("webhooks.no_delivery"));
  }
  return change(c, showEndpoint, async () => {
    if (!e.enabled) {
      throw new AppError("invalid_request", 422, tOf(c)("webhooks.turn_on_replay"));
    }
    await replayDelivery(c.get("services"), tenant.id, tenant.db, delivery);
    await recordSecurityEvent(c, {
      action: "webhook.replayed",
      target: e.url,
      details: { delivery_id: delivery.id },
    });
    return tOf(c)("webhooks.requeued", { event: delivery.eventType });
  });
});

export default app;
