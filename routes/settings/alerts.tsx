/**
 * @module routes/settings/alerts
 * Settings → Alerts: an owner or admin sets the workspace's own alert rules on its business
 * figures (ops/business_alerts.ts) and sees whether each is firing; everyone else may not open it.
 * A rule that e-mails an address no member has needs the member's own address confirmed: the
 * page says so (403) and saves nothing.
 */
import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { ForbiddenError, InvalidError } from "../../domain/errors.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { issuesByField } from "../../domain/records/schema.ts";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { localizedError } from "../../http/errors.ts";
import { isUnconfirmedSender } from "../../domain/outside_mail.ts";
import {
  addBusinessAlertRule,
  ALERT_CHANNELS,
  BUSINESS_METRICS,
  BusinessAlertInput,
  listBusinessAlertRules,
  removeBusinessAlertRule,
} from "../../ops/business_alerts.ts";

const PATH = "/settings/alerts";
const app = new Hono<AppEnv>();
app.use(PATH, memberPage());
app.use(`${PATH}/*`, memberPage());

function guard(c: AppContext): void {
  const role = principalOf(c).role;
  if (!role || !can(role, "settings:manage")) {
    throw new ForbiddenError(tOf(c)("alerts.forbidden"));
  }
}

async function page(
  c: AppContext,
  flash?: { text: string; error?: boolean; status?: 403 | 422 },
) {
  const rules = await listBusinessAlertRules(tenantOf(c).db);
  const csrf = c.get("csrfToken");
  const t = tOf(c);
  const channel = (k: string) => t(`alerts.channel.${k}`);
  const metric = (k: string) => t(`alerts.metric.${k}`);
  return renderApp(
    c,
    t("alerts.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current={PATH} role={principalOf(c).role} />
      <p class="muted">{t("alerts.intro")}</p>
      {flash
        ? <p class={flash.error ? "flash error" : "flash success"} role="status">{flash.text}</p>
        : null}
      <section class="card" aria-labelledby="rules-heading">
        <h2 id="rules-heading">{t("alerts.yours")}</h2>
        {rules.length === 0 ? <p>{t("alerts.none")}</p> : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("alerts.when")}</th>
                  <th scope="col">{t("alerts.above")}</th>
                  <th scope="col">{t("alerts.tell")}</th>
                  <th scope="col">{t("alerts.now")}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t("common.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.id}>
                    <td>{metric(r.metric)}</td>
                    <td>{r.threshold}</td>
                    <td>{channel(r.channel)}: {r.target}</td>
                    <td>
                      {r.firingSince
                        ? (
                          <span class="badge danger">
                            {t("alerts.firing", { value: r.lastValue ?? "" })}
                          </span>
                        )
                        : (
                          <span class="badge">
                            {t("alerts.ok")}
                            {r.lastValue === null ? "" : ` (${r.lastValue})`}
                          </span>
                        )}
                    </td>
                    <td>
                      <form method="post" action={`${PATH}/${r.id}/delete`}>
                        <CsrfInput token={csrf} />
                        <button class="button small" type="submit">{t("common.remove")}</button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card" aria-labelledby="add-heading">
        <h2 id="add-heading">{t("alerts.add_heading")}</h2>
        <form method="post" action={PATH}>
          <CsrfInput token={csrf} />
          <div class="field">
            <label for="metric">{t("alerts.when")}</label>
            <select id="metric" name="metric">
              {Object.keys(BUSINESS_METRICS).map((k) => (
                <option key={k} value={k}>{metric(k)}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="threshold">{t("alerts.above")}</label>
            <input id="threshold" name="threshold" type="number" min="0" step="1" required />
          </div>
          <div class="field">
            <label for="channel">{t("alerts.tell")}</label>
            <select id="channel" name="channel">
              {ALERT_CHANNELS.map((k) => <option key={k} value={k}>{channel(k)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="target">{t("alerts.target")}</label>
            <input id="target" name="target" required maxLength={500} />
          </div>
          <div class="field">
            <label for="secret">{t("alerts.secret")}</label>
            <input id="secret" name="secret" type="password" maxLength={200} autocomplete="off" />
          </div>
          <button class="button primary" type="submit">{t("alerts.add")}</button>
        </form>
      </section>
    </>,
    flash?.status ?? (flash?.error ? 422 : 200),
  );
}

app.get(PATH, (c) => {
  guard(c);
  return page(c);
});

app.post(PATH, async (c) => {
  guard(c);
  const body = await readBody(c);
  const parsed = BusinessAlertInput.safeParse(body);
  if (!parsed.success) {
    return page(c, {
      text: Object.values(issuesByField(parsed.error)).flat().join(" "),
      error: true,
    });
  }
  const tenant = tenantOf(c);
  let id: string;
  try {
    id = await addBusinessAlertRule(
      c.get("services"),
      tenant.id,
      tenant.db,
      parsed.data,
      principalOf(c).userId,
    );
  } catch (err) {
    if (isUnconfirmedSender(err)) {
      return page(c, {
        text: localizedError(err, languageOf(c)).message,
        error: true,
        status: 403,
      });
    }
    if (!(err instanceof InvalidError)) throw err;
    const details = Object.values(err.details ?? {}).flat().join(" ");
    return page(c, { text: details || err.message, error: true });
  }
  await recordSecurityEvent(c, {
    action: "settings.alert_added",
    target: id,
    details: {
      metric: parsed.data.metric,
      threshold: parsed.data.threshold,
      channel: parsed.data.channel,
    },
  });
  return page(c, { text: tOf(c)("alerts.added") });
});

app.post(`${PATH}/:id/delete`, async (c) => {
  guard(c);
  const tenant = tenantOf(c);
  const id = c.req.param("id");
  await removeBusinessAlertRule(c.get("services").control, tenant.id, tenant.db, id);
  await recordSecurityEvent(c, { action: "settings.alert_removed", target: id });
  return page(c, { text: tOf(c)("alerts.removed") });
});

export default app;
