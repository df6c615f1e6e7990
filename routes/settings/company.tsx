import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { fieldErrors } from "../../domain/errors.ts";
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

const app = new Hono<AppEnv>();
app.use("/settings/company", memberPage(), requirePermission("settings:manage"));
app.use("/settings/company/*", memberPage(), requirePermission("settings:manage"));

/** The time zone section: "today" for due dates and aging is the day in this zone. */
function TimeZoneSection(props: { csrf: string; value: string; today: string; error?: string }) {
  const options = timeZoneChoices().map((zone) => ({
    value: zone,
    label: zone.replaceAll("_", " "),
  }));
  return (
    <section class="card">
      <h2>Time zone</h2>
      <p class="muted">
        Your business day: invoices turn overdue, aging counts and the dashboard's "today" change at
        midnight in this zone. Today is {props.today} here.
      </p>
      <form method="post" action="/settings/company/time-zone" class="record-form">
        <CsrfInput token={props.csrf} />
        <SelectField
          label="Time zone"
          name="time_zone"
          id="company-time_zone"
          value={props.value}
          error={props.error}
          options={options}
          required
        />
        <button class="button" type="submit">Save time zone</button>
      </form>
    </section>
  );
}

/** The bill matching section: how far a bill may differ from its load or PO before it is flagged. */
function ToleranceSection(
  props: { csrf: string; percent: string; dollars: string; errors: Record<string, string[]> },
) {
  return (
    <section class="card" id="match-tolerance">
      <h2>Bill matching</h2>
      <p class="muted">
        A carrier's bill is compared with the load's agreed freight, a supplier's invoice with its
        purchase order and the weight received. A difference larger than this percentage (for money,
        or this amount, whichever is smaller) is flagged on the bill.
      </p>
      <form method="post" action="/settings/company/match-tolerance" class="record-form">
        <CsrfInput token={props.csrf} />
        <Field
          label="Tolerance (%)"
          name="percent"
          id="company-tolerance-percent"
          inputMode="decimal"
          value={props.percent}
          error={props.errors.percent?.[0]}
          required
        />
        <Field
          label="Tolerance for money ($)"
          name="dollars"
          id="company-tolerance-dollars"
          inputMode="decimal"
          value={props.dollars}
          error={props.errors.dollars?.[0]}
          required
        />
        <button class="button" type="submit">Save tolerance</button>
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
  const field = (name: keyof CompanyDetails) => ({
    name,
    id: `company-${name}`,
    value: values[name] ?? "",
    error: e[name]?.[0],
  });
  return renderApp(
    c,
    "Company",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/company" role={principalOf(c).role} />
      {extra.notice ? <p class="flash success" role="status">{extra.notice}</p> : null}
      <section class="card">
        <h2>Company</h2>
        <p class="muted">
          Printed as the letterhead of your invoices, purchase orders and rate confirmations. The
          company name is also the name of this workspace.
        </p>
        <FormErrors
          message={extra.errors ? "Some fields need attention. Nothing was saved." : ""}
        />
        <form method="post" action="/settings/company" class="record-form">
          <CsrfInput token={c.get("csrfToken")} />
          <fieldset class="form-group">
            <legend>Letterhead</legend>
            <Field label="Company name" {...field("company_name")} required />
            <Field label="Phone" type="tel" autocomplete="tel" {...field("company_phone")} />
            <Field
              label="E-mail"
              type="email"
              autocomplete="email"
              hint="Where customers and carriers write back."
              {...field("company_email")}
            />
            <TextAreaField
              label="Street address"
              rows={2}
              autocomplete="street-address"
              {...field("company_address")}
            />
            <Field label="City" autocomplete="address-level2" {...field("company_city")} />
            <Field
              label="State / province"
              autocomplete="address-level1"
              {...field("company_state")}
            />
            <Field
              label="Postal code"
              autocomplete="postal-code"
              {...field("company_postal_code")}
            />
            <Field label="Country" autocomplete="country-name" {...field("company_country")} />
          </fieldset>
          <fieldset class="form-group">
            <legend>Invoices</legend>
            <TextAreaField
              label="Remittance instructions"
              rows={4}
              hint="Bank, ACH and wire details, printed on every invoice."
              {...field("remittance_instructions")}
            />
            <TextAreaField
              label="Invoice footer note"
              rows={2}
              hint="Optional: a line at the bottom of every invoice."
              {...field("invoice_footer")}
            />
          </fieldset>
          <button class="button primary" type="submit">Save company details</button>
        </form>
      </section>
      <TimeZoneSection
        csrf={c.get("csrfToken")}
        value={values.time_zone ?? tenant.timeZone}
        today={tenant.today}
        error={e.time_zone?.[0]}
      />
      <ToleranceSection
        csrf={c.get("csrfToken")}
        percent={values.percent ?? String(tolerance.percent)}
        dollars={values.dollars ?? decimalAmount(tolerance.cents)}
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
  const notice = saved === "time-zone"
    ? "Saved. Today is now counted in this time zone."
    : saved === "match-tolerance"
    ? "Saved. Bills are now compared with this tolerance."
    : saved
    ? "Saved. New documents print these details."
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
    { db: tenant.db, tenantId: tenant.id, tenantName: tenant.name, userId: principalOf(c).userId },
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
  await saveMatchTolerance(tenant.db, principalOf(c).userId, tolerance);
  await recordSecurityEvent(c, { action: "settings.match_tolerance_changed", details: tolerance });
  return c.redirect("/settings/company?saved=match-tolerance#match-tolerance", 303);
});

export default app;
