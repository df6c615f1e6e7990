/**
 * @module routes/settings/domains
 * Settings → Domain: owners and admins add their own domain, are shown the two DNS records to
 * create, check them, and remove the domain. On a plan without custom domains the form is replaced
 * by the reason and a link to the plans.
 */
import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import { z } from "zod";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { AppError, ForbiddenError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { useT } from "../../components/Words.tsx";
import { tOf } from "../../i18n/middleware.ts";
import { planRefusalText } from "../../components/BillingOverview.tsx";
import { mayUse } from "../../billing/entitlements.ts";
import {
  claimDomain,
  domainSchema,
  listDomains,
  removeDomain,
  type TenantDomain,
  verifyDomain,
} from "../../tenants/domains.ts";

const app = new Hono<AppEnv>();
app.use("/settings/domains", memberPage());
app.use("/settings/domains/*", memberPage());

function assertManager(c: AppContext): void {
  const role = principalOf(c).role;
  if (!role || !can(role, "settings:manage")) throw new ForbiddenError();
}

function DomainRow(props: { d: TenantDomain; target: string; csrf: string }) {
  const { d, target, csrf } = props;
  const path = `/settings/domains/${encodeURIComponent(d.domain)}`;
  const t = useT();
  return (
    <li class="card" data-domain={d.domain}>
      <h3>
        {d.domain}{" "}
        <span class={d.verified ? "badge ok" : "badge warn"}>
          {d.verified ? t("domains.verified") : t("domains.waiting")}
        </span>
      </h3>
      {d.verified
        ? (
          <p>
            {t("domains.served_at")} <a href={`https://${d.domain}/`}>https://{d.domain}/</a>
            {t("domains.served_tail")}
          </p>
        )
        : (
          <>
            <p>{t("domains.create_records")}</p>
            <p class="muted" data-expires={d.expires_at ?? ""}>
              {t("domains.until_check")}{" "}
              <time dateTime={d.expires_at ?? ""}>{(d.expires_at ?? "").slice(0, 10)}</time>{" "}
              {t("domains.seven_days")}
            </p>
            <dl class="facts dns-records">
              <div>
                <dt>{t("domains.txt_name")}</dt>
                <dd>
                  <code>{d.txt_name}</code>
                </dd>
              </div>
              <div>
                <dt>{t("domains.txt_value")}</dt>
                <dd>
                  <code class="token">{d.txt_value}</code>
                </dd>
              </div>
              <div>
                <dt>{t("domains.cname_name")}</dt>
                <dd>
                  <code>{d.domain}</code>
                </dd>
              </div>
              <div>
                <dt>{t("domains.cname_value")}</dt>
                <dd>
                  <code>{target}</code>
                </dd>
              </div>
            </dl>
          </>
        )}
      <div class="actions">
        {d.verified ? null : (
          <form method="post" action={`${path}/verify`}>
            <CsrfInput token={csrf} />
            <button class="button primary" type="submit">{t("domains.check")}</button>
          </form>
        )}
        <form method="post" action={`${path}/remove`}>
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">{t("common.remove")}</button>
        </form>
      </div>
    </li>
  );
}

async function showDomains(
  c: AppContext,
  flash: { error?: string; notice?: string; value?: string } = {},
  status = 200,
) {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const role = principalOf(c).role;
  const manager = Boolean(role && can(role, "settings:manage"));
  const [domains, entitled] = await Promise.all([
    listDomains(services.control, tenant.id, services.clock.now()),
    mayUse(services, tenant.id, "customDomain"),
  ]);
  const target = `${tenant.slug}.${services.config.APP_DOMAIN}`;
  const csrf = c.get("csrfToken");
  const t = tOf(c);
  return renderApp(
    c,
    t("domains.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/domains" role={principalOf(c).role} />
      <section class="card">
        <h2>{t("domains.own")}</h2>
        <p class="muted">
          {t("domains.always_at")} <strong>{target}</strong>
          {t("domains.also_serve")} <code>portal.yourcompany.com</code>.
        </p>
        {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
        <FormErrors message={flash.error} />
        {!entitled.allowed
          ? (
            <p class="flash warning" id="domain-not-in-plan">
              {planRefusalText(t, entitled)} <a href="/settings/billing">{t("tokens.see_plans")}</a>
            </p>
          )
          : manager
          ? (
            <form method="post" action="/settings/domains" class="inline-form">
              <CsrfInput token={csrf} />
              <Field
                label={t("domains.title")}
                name="domain"
                required
                value={flash.value}
                hint={t("domains.hint")}
              />
              <button class="button primary" type="submit">{t("domains.add")}</button>
            </form>
          )
          : <p class="muted">{t("domains.managers")}</p>}
      </section>
      {domains.length
        ? (
          <ul class="domain-list">
            {domains.map((d) =>
              manager
                ? <DomainRow key={d.domain} d={d} target={target} csrf={csrf} />
                : (
                  <li key={d.domain} class="card">
                    {d.domain} {d.verified ? t("domains.row_verified") : t("domains.row_waiting")}
                  </li>
                )
            )}
          </ul>
        )
        : null}
    </>,
    status,
  );
}

/** Runs a change and shows the page again, with the error in place if it was refused. */
async function change(
  c: AppContext,
  run: () => Promise<string>,
  value?: string,
): Promise<Response> {
  try {
    return await showDomains(c, { notice: await run() });
  } catch (err) {
    if (!(err instanceof AppError) || err.status === 403) throw err;
    return await showDomains(c, { error: err.message, value }, err.status);
  }
}

app.get("/settings/domains", (c) => showDomains(c));

app.post("/settings/domains", async (c) => {
  assertManager(c);
  const services = c.get("services");
  const raw = String((await readBody(c)).domain ?? "");
  const parsed = z.object({ domain: domainSchema(services.config.APP_DOMAIN) }).safeParse({
    domain: raw,
  });
  if (!parsed.success) {
    return showDomains(c, { error: parsed.error.issues[0]!.message, value: raw }, 422);
  }
  return change(c, async () => {
    const entitled = await mayUse(services, tenantOf(c).id, "customDomain");
    if (!entitled.allowed) throw new AppError("payment_required", 402, entitled.message);
    const d = await claimDomain(
      services.control,
      tenantOf(c).id,
      parsed.data.domain,
      services.clock.now(),
    );
    await recordSecurityEvent(c, { action: "domain.added", target: d.domain });
    return tOf(c)("domains.added", { domain: d.domain });
  }, raw);
});

app.post("/settings/domains/:domain/verify", (c) => {
  assertManager(c);
  return change(c, async () => {
    const services = c.get("services");
    const entitled = await mayUse(services, tenantOf(c).id, "customDomain");
    if (!entitled.allowed) throw new AppError("payment_required", 402, entitled.message);
    const d = await verifyDomain(
      services,
      tenantOf(c).id,
      c.req.param("domain").toLowerCase(),
      services.clock.now(),
    );
    await recordSecurityEvent(c, { action: "domain.verified", target: d.domain });
    return tOf(c)("domains.now_verified", { domain: d.domain });
  });
});

app.post("/settings/domains/:domain/remove", (c) => {
  assertManager(c);
  return change(c, async () => {
    const domain = c.req.param("domain").toLowerCase();
    await removeDomain(c.get("services"), tenantOf(c).id, domain);
    await recordSecurityEvent(c, { action: "domain.removed", target: domain });
    return tOf(c)("domains.removed", { domain });
  });
});

export default app;
