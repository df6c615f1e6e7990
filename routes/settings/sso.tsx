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

const app = new Hono<AppEnv>();
app.use("/settings/sso", memberPage());
app.use("/settings/sso/*", memberPage());

/** Single sign-on decides who may enter the workspace: owners only. */
function ownersOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (principalOf(c).role !== "owner") {
      throw new ForbiddenError("Only an owner can set up single sign-on.");
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
  const callback = `${requestOrigin(services.config, c.req.url)}/auth/sso/callback`;
  return renderApp(
    c,
    "Single sign-on",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/sso" role={principalOf(c).role} />
      <section class="card">
        <h2>Single sign-on</h2>
        <p class="muted">
          Members sign in through your company's identity provider (OpenID Connect: Okta, Microsoft
          Entra ID, Google Workspace and others). Someone signing in for the first time with a
          verified address at one of your domains becomes a member with the default role.
        </p>
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
              Single sign-on is part of the Enterprise plan.{" "}
              <a href="/settings/billing">See plans</a>
            </p>
          )}
      </section>
      {connection
        ? (
          <section class="card">
            <h2>Turn single sign-on off</h2>
            <p class="muted">
              Members then sign in with their password or a passkey again (those who joined through
              single sign-on set a password with “Forgot your password?”).
            </p>
            <form method="post" action="/settings/sso/remove">
              <CsrfInput token={csrf} />
              <button class="button danger" type="submit">Remove single sign-on</button>
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
        Register this redirect address with your identity provider:{" "}
        <code id="sso-callback">{props.callback}</code>
      </p>
      <Field
        label="Issuer URL"
        name="issuer"
        type="url"
        value={v("issuer", saved?.issuer ?? "")}
        error={e.issuer?.[0]}
        required
        hint="For example https://login.example.com (its /.well-known/openid-configuration is read)."
      />
      <Field
        label="Client id"
        name="client_id"
        value={v("client_id", saved?.clientId ?? "")}
        error={e.client_id?.[0]}
        required
      />
      <Field
        label="Client secret"
        name="client_secret"
        type="password"
        error={e.client_secret?.[0]}
        required={!saved}
        autocomplete="off"
        hint={saved
          ? "Saved, and never shown again. Leave blank to keep it; type a new one to replace it."
          : "Shown by your identity provider when you registered the app."}
      />
      <Field
        label="Allowed e-mail domains"
        name="allowed_domains"
        value={v("allowed_domains", saved?.allowedDomains.join(", ") ?? "")}
        error={e.allowed_domains?.[0]}
        required
        hint="Separated by commas, e.g. example.com, example.co.uk"
      />
      <SelectField
        label="Role of new members"
        name="default_role"
        value={v("default_role", saved?.defaultRole ?? "viewer")}
        error={e.default_role?.[0]}
        options={INVITABLE_ROLES.map((r) => ({ value: r, label: r }))}
        hint="People already in the workspace keep their role."
      />
      <div class="field checkbox">
        <label>
          <input type="checkbox" name="require_sso" value="on" checked={requireChecked} />{" "}
          Require single sign-on for everyone but owners
        </label>
        <p class="hint">
          Members other than owners can then no longer sign in with a password or a passkey.
        </p>
      </div>
      <button class="button primary" type="submit">Save</button>
    </form>
  );
}

app.get(
  "/settings/sso",
  (c) => showSso(c, c.req.query("saved") ? { notice: "Single sign-on was saved." } : {}),
);

app.post("/settings/sso", async (c) => {
  const tenant = tenantOf(c);
  await assertSsoInPlan(c.get("services"), tenant.id);
  const body = await readBody(c);
  const parsed = SsoFormSchema.safeParse(body);
  if (!parsed.success) {
    return showSso(c, {
      error: "Some fields need attention.",
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
  return showSso(c, { notice: "Single sign-on was removed." });
});

export default app;
