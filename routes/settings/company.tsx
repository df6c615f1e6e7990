import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { ConflictError, fieldErrors } from "../../domain/errors.ts";
import { translateErrorText } from "../../domain/error_text.ts";
import { CURRENCIES } from "../../domain/currency.ts";
import { workspaceCurrency } from "../../domain/exchange.ts";
import { CurrencyFormSchema, saveWorkspaceCurrency } from "../../domain/workspace_currency.ts";
import {
  COMPANY_KEYS,
  type CompanyDetails,
  CompanyDetailsSchema,
  getCompanyDetails,
  saveCompanyDetails,
  saveTimeZone,
  TimeZoneFormSchema,
} from "../../domain/company.ts";
import { timeZoneChoices } from "../../domain/clock.ts";
import {
  getMatchTolerance,
  saveMatchTolerance,
  ToleranceFormSchema,
} from "../../domain/payables/tolerance.ts";
import { decimalAmount } from "../../domain/format.ts";
import {
  CsrfInput,
  Field,
  FormErrors,
  SelectField,
  TextAreaField,
} from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { useT } from "../../components/Words.tsx";
import { tOf } from "../../i18n/middleware.ts";
import { CATALOGUES, shownLabel } from "../../i18n/mod.ts";

const app = new Hono<AppEnv>();
app.use("/settings/company", memberPage(), requirePermission("settings:manage"));
app.use("/settings/company/*", memberPage(), requirePermission("settings:manage"));

/** The time zone section: "today" for due dates and aging is the day in this zone. */
function TimeZoneSection(props: { csrf: string; value: string; today: string; error?: string }) {
  const options = timeZoneChoices().map((zone) => ({
    value: zone,
    label: zone.replaceAll("_", " "),
  }));
  const t = useT();
  return (
    <section class="card">
      <h2>{t("company.time_zone")}</h2>
      <p class="muted">{t("company.time_zone_intro", { today: props.today })}</p>
      <form method="post" action="/settings/company/time-zone" class="record-form">
        <CsrfInput token={props.csrf} />
        <SelectField
          label={t("company.time_zone")}
          name="time_zone"
          id="company-time_zone"
          value={props.value}
          error={props.error}
          options={options}
          required
        />
        <button class="button" type="submit">{t("company.save_time_zone")}</button>
      </form>
    </section>
  );
}

/**
 * The currency section: the workspace's own currency, which costs, freight, bills and margins are
 * kept in; chosen while the workspace is new (domain/workspace_currency.ts).
 */
function CurrencySection(props: { csrf: string; value: string; error?: string }) {
  const t = useT();
  return (
    <section class="card" id="currency">
      <h2>{t("company.currency")}</h2>
      <p class="muted">{t("company.currency_intro")}</p>
      <form method="post" action="/settings/company/currency" class="record-form">
        <CsrfInput token={props.csrf} />
        <SelectField
          label={t("company.currency")}
          name="currency"
          id="company-currency"
          value={props.value}
          error={props.error}
          options={CURRENCIES.map((c) => ({ value: c.value, label: shownLabel(t, c.label) }))}
          required
        />
        <button class="button" type="submit">{t("company.save_currency")}</button>
      </form>
    </section>
  );
}

/** The bill matching section: how far a bill may differ from its load or PO before it is flagged. */
function ToleranceSection(
  props: {
    csrf: string;
    percent: string;
    dollars: string;
    currency: string;
    errors: Record<string, string[]>;
  },
) {
  const t = useT();
  return (
    <section class="card" id="match-tolerance">
      <h2>{t("company.bill_matching")}</h2>
      <p class="muted">{t("company.bill_matching_intro")}</p>
      <form method="post" action="/settings/company/match-tolerance" class="record-form">
        <CsrfInput token={props.csrf} />
        <Field
          label={t("company.tolerance_percent")}
          name="percent"
          id="company-tolerance-percent"
          inputMode="decimal"
          value={props.percent}
          error={props.errors.percent?.[0]}
          required
        />
        <Field
          label={t("company.tolerance_dollars", { currency: props.currency })}
          name="dollars"
          id="company-tolerance-dollars"
          inputMode="decimal"
          value={props.dollars}
          error={props.errors.dollars?.[0]}
          required
        />
        <button class="button" type="submit">{t("company.save_tolerance")}</button>
      </form>
    </section>
  );
}

async function showCompany(
  c: AppContext,
  values: Record<string, string>,
  extra: { notice?: string; errors?: Record<string, string[]> } = {},
  status = 200,
) {
  const tenant = tenantOf(c);
  const e = extra.errors ?? {};
  const tolerance = await getMatchTolerance(tenant.db);
  const own = await workspaceCurrency(tenant.db);
  const field = (name: keyof CompanyDetails) => ({
    name,
    id: `company-${name}`,
    value: values[name] ?? "",
    error: e[name]?.[0],
  });
  const t = tOf(c);
  return renderApp(
    c,
    t("company.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/company" role={principalOf(c).role} />
      {extra.notice ? <p class="flash success" role="status">{extra.notice}</p> : null}
      <section class="card">
        <h2>{t("company.title")}</h2>
        <p class="muted">{t("company.intro")}</p>
        <FormErrors
          message={extra.errors ? t("company.needs_attention") : ""}
        />
        <form method="post" action="/settings/company" class="record-form">
          <CsrfInput token={c.get("csrfToken")} />
          <fieldset class="form-group">
            <legend>{t("company.letterhead")}</legend>
            <Field label={t("company.name")} {...field("company_name")} required />
            <Field
              label={t("company.phone")}
              type="tel"
              autocomplete="tel"
              {...field("company_phone")}
            />
            <Field
              label={t("company.email")}
              type="email"
              autocomplete="email"
              hint={t("company.email_hint")}
              {...field("company_email")}
            />
            <TextAreaField
              label={t("company.street")}
              rows={2}
              autocomplete="street-address"
              {...field("company_address")}
            />
            <Field
              label={t("company.city")}
              autocomplete="address-level2"
              {...field("company_city")}
            />
            <Field
              label={t("company.state")}
              autocomplete="address-level1"
              {...field("company_state")}
            />
            <Field
              label={t("company.postal_code")}
              autocomplete="postal-code"
              {...field("company_postal_code")}
            />
            <Field
              label={t("company.country")}
              autocomplete="country-name"
              {...field("company_country")}
            />
          </fieldset>
          <fieldset class="form-group">
            <legend>{t("company.invoices")}</legend>
            <TextAreaField
              label={t("company.remittance")}
              rows={4}
              hint={t("company.remittance_hint")}
              {...field("remittance_instructions")}
            />
            <TextAreaField
              label={t("company.footer")}
              rows={2}
              hint={t("company.footer_hint")}
              {...field("invoice_footer")}
            />
          </fieldset>
          <button class="button primary" type="submit">{t("company.save")}</button>
        </form>
      </section>
      <TimeZoneSection
        csrf={c.get("csrfToken")}
        value={values.time_zone ?? tenant.timeZone}
        today={tenant.today}
        error={e.time_zone?.[0]}
      />
      <CurrencySection
        csrf={c.get("csrfToken")}
        value={own}
        error={e.currency?.[0]}
      />
      <ToleranceSection
        csrf={c.get("csrfToken")}
        percent={values.percent ?? String(tolerance.percent)}
        dollars={values.dollars ?? decimalAmount(tolerance.cents)}
        currency={own}
        errors={e}
      />
    </>,
    status,
  );
}

app.get("/settings/company", async (c) => {
  const tenant = tenantOf(c);
  const details = await getCompanyDetails(tenant.db, tenant.name);
  const saved = c.req.query("saved");
  const t = tOf(c);
  const notice = saved === "time-zone"
    ? t("company.saved_time_zone")
    : saved === "currency"
    ? t("company.saved_currency")
    : saved === "match-tolerance"
    ? t("company.saved_tolerance")
    : saved
    ? t("company.saved")
    : undefined;
  return showCompany(c, details, { notice });
});

app.post("/settings/company", async (c) => {
  const body = await readBody(c);
  const values = Object.fromEntries(COMPANY_KEYS.map((k) => [k, String(body[k] ?? "")]));
  const parsed = CompanyDetailsSchema.safeParse(values);
  if (!parsed.success) {
    return showCompany(c, values, { errors: fieldErrors(parsed.error.issues) }, 422);
  }
  const tenant = tenantOf(c);
  await saveCompanyDetails(
    {
      db: tenant.db,
      tenantId: tenant.id,
      tenantName: tenant.name,
      userId: principalOf(c).userId,
      clock: c.get("services").clock,
    },
    c.get("services").registry,
    parsed.data,
  );
  await recordSecurityEvent(c, { action: "settings.company_changed", details: parsed.data });
  return c.redirect("/settings/company?saved=1", 303);
});

app.post("/settings/company/time-zone", async (c) => {
  const body = await readBody(c);
  const tenant = tenantOf(c);
  const parsed = TimeZoneFormSchema.safeParse({ time_zone: String(body.time_zone ?? "") });
  if (!parsed.success) {
    const details = await getCompanyDetails(tenant.db, tenant.name);
    return showCompany(c, { ...details, time_zone: String(body.time_zone ?? "") }, {
      errors: fieldErrors(parsed.error.issues),
    }, 422);
  }
  await saveTimeZone(
    {
      db: tenant.db,
      tenantId: tenant.id,
      timeZone: tenant.timeZone,
      userId: principalOf(c).userId,
      clock: c.get("services").clock,
    },
    c.get("services").registry,
    parsed.data.time_zone,
  );
  await recordSecurityEvent(c, {
    action: "settings.time_zone_changed",
    details: { from: tenant.timeZone, to: parsed.data.time_zone },
  });
  return c.redirect("/settings/company?saved=time-zone", 303);
});

app.post("/settings/company/currency", async (c) => {
  const body = await readBody(c);
  const tenant = tenantOf(c);
  const parsed = CurrencyFormSchema.safeParse({ currency: String(body.currency ?? "") });
  // A refused choice shows the currency still in force, with why it stayed.
  const refuse = async (errors: Record<string, string[]>, status: 409 | 422) =>
    showCompany(c, await getCompanyDetails(tenant.db, tenant.name), { errors }, status);
  if (!parsed.success) return refuse(fieldErrors(parsed.error.issues), 422);
  let before: string;
  try {
    before = await saveWorkspaceCurrency(
      { db: tenant.db, userId: principalOf(c).userId, clock: c.get("services").clock },
      parsed.data.currency,
    );
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const message = translateErrorText(err.message, CATALOGUES.en, tOf(c));
    return refuse({ currency: [message] }, 409);
  }
  if (before !== parsed.data.currency) {
    await recordSecurityEvent(c, {
      action: "settings.currency_changed",
      details: { from: before, to: parsed.data.currency },
    });
  }
  return c.redirect("/settings/company?saved=currency#currency", 303);
});

app.post("/settings/company/match-tolerance", async (c) => {
  const body = await readBody(c);
  const tenant = tenantOf(c);
  const typed = { percent: String(body.percent ?? ""), dollars: String(body.dollars ?? "") };
  const parsed = ToleranceFormSchema.safeParse(typed);
  if (!parsed.success) {
    const details = await getCompanyDetails(tenant.db, tenant.name);
    return showCompany(c, { ...details, ...typed }, {
      errors: fieldErrors(parsed.error.issues),
    }, 422);
  }
  const tolerance = { percent: parsed.data.percent, cents: Math.round(parsed.data.dollars * 100) };
  await saveMatchTolerance(tenant.db, principalOf(c).userId, tolerance, c.get("services").clock);
  await recordSecurityEvent(c, { action: "settings.match_tolerance_changed", details: tolerance });
  return c.redirect("/settings/company?saved=match-tolerance#match-tolerance", 303);
});

export default app;
