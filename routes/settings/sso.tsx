import { Hono, type MiddlewareHandler } from "hono";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requestOrigin } from "../../mail/links.ts";
import {
  findSsoConnection,
  removeSsoConnection,
  saveSsoConnection,
  type SsoConnection,
  SsoFormSchema,
} from "../../auth/sso.ts";
import { assertSsoInPlan } from "../../auth/sso_sign_in.ts";
import { INVITABLE_ROLES } from "../../auth/roles.ts";
import { AppError, fieldErrors, ForbiddenError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors, SelectField } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { recordSecurityEvent } from "../../security/events.ts";
import { tOf } from "../../i18n/middleware.ts";
import { useT } from "../../components/Words.tsx";

const app = new Hono<AppEnv>();
app.use("/settings/sso", memberPage());
app.use("/settings/sso/*", memberPage());

/** Single sign-on decides who may enter the workspace: owners only. */
function ownersOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (principalOf(c).role !== "owner") {
      throw new ForbiddenError(tOf(c)("sso.owners_only"));
    }
    await next();
  };
}
app.use("/settings/sso", ownersOnly());
app.use("/settings/sso/*", ownersOnly());

interface Shown {
  notice?: string;
  error?: string;
  errors?: Record<string, string[]>;
  values?: Record<string, unknown>;
}

async function showSso(c: AppContext, shown: Shown = {}, status = 200) {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const connection = await findSsoConnection(services.control, tenant.id);
  const inPlan = c.get("billing")?.entitlements.sso === true;
  const csrf = c.get("csrfToken");
  const callback = `${requestOrigin(c)}/auth/sso/callback`;
  const t = tOf(c);
  return renderApp(
    c,
    t("sso.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/sso" role={principalOf(c).role} />
      <section class="card">
        <h2>{t("sso.title")}</h2>
        <p class="muted">{t("sso.intro")}</p>
        {shown.notice ? <p class="flash success" role="status">{shown.notice}</p> : null}
        <FormErrors message={shown.error} />
        {inPlan
          ? (
            <SsoForm
              csrf={csrf}
              callback={callback}
              connection={connection}
              errors={shown.errors ?? {}}
              values={shown.values}
            />
          )
          : (
            <p class="flash warning" id="sso-not-in-plan">
              {t("sso.not_in_plan")} <a href="/settings/billing">{t("tokens.see_plans")}</a>
            </p>
          )}
      </section>
      {connection
        ? (
          <section class="card">
            <h2>{t("sso.turn_off")}</h2>
            <p class="muted">{t("sso.turn_off_text")}</p>
            <form method="post" action="/settings/sso/remove">
              <CsrfInput token={csrf} />
              <button class="button danger" type="submit">{t("sso.remove")}</button>
            </form>
          </section>
        )
        : null}
    </>,
    status,
  );
}

function SsoForm(props: {
  csrf: string;
  callback: string;
  connection: SsoConnection | null;
  errors: Record<string, string[]>;
  values?: Record<string, unknown>;
}) {
  const saved = props.connection;
  const t = useT();
  const v = (key: string, fallback: string) =>
    typeof props.values?.[key] === "string" ? String(props.values[key]) : fallback;
  const e = props.errors;
  const requireChecked = props.values
    ? props.values.require_sso !== undefined
    : saved?.requireSso ?? false;
  return (
    <form method="post" action="/settings/sso" id="sso-form">
      <CsrfInput token={props.csrf} />
      <p>
        {t("sso.register")} <code id="sso-callback">{props.callback}</code>
      </p>
      <Field
        label={t("sso.issuer")}
        name="issuer"
        type="url"
        value={v("issuer", saved?.issuer ?? "")}
        error={e.issuer?.[0]}
        required
        hint={t("sso.issuer_hint")}
      />
      <Field
        label={t("sso.client_id")}
        name="client_id"
        value={v("client_id", saved?.clientId ?? "")}
        error={e.client_id?.[0]}
        required
      />
      <Field
        label={t("sso.client_secret")}
        name="client_secret"
        type="password"
        error={e.client_secret?.[0]}
        required={!saved}
        autocomplete="off"
        hint={saved ? t("sso.secret_saved") : t("sso.secret_new")}
      />
      <Field
        label={t("sso.domains")}
        name="allowed_domains"
        value={v("allowed_domains", saved?.allowedDomains.join(", ") ?? "")}
        error={e.allowed_domains?.[0]}
        required
        hint={t("sso.domains_hint")}
      />
      <SelectField
        label={t("sso.default_role")}
        name="default_role"
        value={v("default_role", saved?.defaultRole ?? "viewer")}
        error={e.default_role?.[0]}
        options={INVITABLE_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        hint={t("sso.default_role_hint")}
      />
      <div class="field checkbox">
        <label>
          <input type="checkbox" name="require_sso" value="on" checked={requireChecked} />{" "}
          {t("sso.require")}
        </label>
        <p class="hint">{t("sso.require_hint")}</p>
      </div>
      <button class="button primary" type="submit">{t("common.save")}</button>
    </form>
  );
}

app.get(
  "/settings/sso",
  (c) => showSso(c, c.req.query("saved") ? { notice: tOf(c)("sso.saved") } : {}),
);

app.post("/settings/sso", async (c) => {
  const tenant = tenantOf(c);
  await assertSsoInPlan(c.get("services"), tenant.id);
  const body = await readBody(c);
  const parsed = SsoFormSchema.safeParse(body);
  if (!parsed.success) {
    return showSso(c, {
      error: tOf(c)("common.needs_attention"),
      errors: fieldErrors(parsed.error.issues),
      values: body,
    }, 422);
  }
  try {
    const saved = await saveSsoConnection(c.get("services"), tenant.id, parsed.data);
    await recordSecurityEvent(c, {
      action: "sso.configured",
      target: saved.issuer,
      details: {
        client_id: saved.clientId,
        allowed_domains: saved.allowedDomains,
        default_role: saved.defaultRole,
        require_sso: saved.requireSso,
        secret_changed: parsed.data.client_secret !== "",
      },
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showSso(c, {
      error: err.message,
      errors: err.details as Record<string, string[]>,
      values: body,
    }, err.status);
  }
  return c.redirect("/settings/sso?saved=1", 303);
});

app.post("/settings/sso/remove", async (c) => {
  if (await removeSsoConnection(c.get("services").control, tenantOf(c).id)) {
    await recordSecurityEvent(c, { action: "sso.removed" });
  }
  return showSso(c, { notice: tOf(c)("sso.removed") });
});

export default app;
