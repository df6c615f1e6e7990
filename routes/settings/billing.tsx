import { dayIn } from "../../domain/clock.ts";
import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, parseWith, readBody, tenantOnly } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { describeRoute } from "../../http/openapi.ts";
import { can } from "../../auth/roles.ts";
import { AppError, ConflictError, ForbiddenError } from "../../domain/errors.ts";
import { requestOrigin } from "../../mail/links.ts";
import { CsrfInput, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { entitlementLines, PlanCards, UsageBars } from "../../components/BillingOverview.tsx";
import { tOf } from "../../i18n/middleware.ts";
import { CATALOGUES, type Translate } from "../../i18n/mod.ts";
import { translateErrorText } from "../../domain/error_text.ts";
import { entitlementsFor, type TenantBilling, usageFor } from "../../billing/entitlements.ts";
import {
  formatPrice,
  INTERVALS,
  PAID_PLAN_IDS,
  type PlanId,
  PLANS,
  TRIAL_DAYS,
} from "../../billing/plans.ts";
import { openPortal, startCheckout } from "../../billing/stripe.ts";
import { installLicense, removeLicense } from "../../billing/admin.ts";

const app = new Hono<AppEnv>();
app.use("/settings/billing", memberPage());
app.use("/settings/billing/*", memberPage());
app.use("/api/v1/billing", tenantOnly());

const CheckoutSchema = z.object({
  plan: z.enum(PAID_PLAN_IDS, "Choose Starter, Professional or Enterprise."),
  interval: z.enum(INTERVALS, "Choose monthly or yearly.").default("month"),
});
const LicenseSchema = z.object({
  license: z.string().trim().min(20, "Paste the whole licence key.").max(8000),
});

/** A plan's name in the reader's language (only the trial's is a phrase; the rest are names). */
function planName(t: Translate, plan: PlanId): string {
  return plan === "trial" ? t("billing.plan_name.trial") : PLANS[plan].name;
}

/** The workspace's calendar day of an instant: a trial ending 01:00 UTC on the 16th ends on the 15th in Chicago. */
const day = (iso: string | null, timeZone: string) => (iso ? dayIn(new Date(iso), timeZone) : "—");

function summaryOf(billing: TenantBilling, usage: Awaited<ReturnType<typeof usageFor>>) {
  const e = billing.entitlements;
  return {
    plan: billing.plan,
    plan_name: PLANS[billing.plan].name,
    source: billing.source,
    status: billing.source === "license" ? "license" : billing.state.status,
    access: billing.access.mode,
    access_reason: billing.access.reason,
    message: billing.access.message || null,
    grace_ends_at: billing.access.graceEndsAt,
    trial_ends_at: billing.state.trialEndsAt,
    current_period_end: billing.state.currentPeriodEnd,
    license_expires_at: billing.license?.expiresAt.toISOString() ?? null,
    entitlements: e,
    usage: {
      seats: { used: usage.seats, pending_invitations: usage.pendingInvitations, limit: e.seats },
      documents_this_month: { used: usage.documentsPerMonth, limit: e.documentsPerMonth },
      ai_tokens_this_month: { used: usage.aiTokensPerMonth, limit: e.aiTokensPerMonth },
    },
  };
}

async function showBilling(
  c: AppContext,
  extra: { notice?: string; error?: string } = {},
  status = 200,
) {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const auth = principalOf(c);
  const manage = auth.role !== null && can(auth.role, "billing:manage");
  const billing = await entitlementsFor(services, tenant.id);
  const usage = await usageFor(services, tenant.id);
  const online = services.billing.online;
  const licensing = Boolean(services.config.LICENSE_PUBLIC_KEY);
  const csrf = c.get("csrfToken");
  const e = billing.entitlements;
  const state = billing.state;
  const checkout = c.req.query("checkout");
  const t = tOf(c);
  const notice = extra.notice ??
    (checkout === "success"
      ? t("billing.checkout_success")
      : checkout === "canceled"
      ? t("billing.checkout_canceled")
      : undefined);
  return renderApp(
    c,
    t("billing.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/billing" role={principalOf(c).role} />
      {notice ? <p class="flash success" role="status">{notice}</p> : null}
      <FormErrors message={extra.error} />
      <section class="card" id="billing-status">
        <h2>{t("billing.plan")}</h2>
        <dl class="facts">
          <dt>{t("billing.plan")}</dt>
          <dd id="current-plan">{planName(t, billing.plan)}</dd>
          <dt>{t("common.status")}</dt>
          <dd>
            <span
              class={billing.access.mode === "full"
                ? "badge ok"
                : billing.access.mode === "grace"
                ? "badge warn"
                : "badge danger"}
              id="billing-state"
            >
              {billing.source === "license"
                ? (billing.license ? t("billing.licence") : t("billing.licence_invalid"))
                : t(`billing.status.${state.status}`)}
              {billing.access.mode === "read_only" ? ` ${t("billing.read_only")}` : ""}
            </span>
          </dd>
          {billing.source === "license"
            ? (
              <>
                <dt>{t("billing.licence_expires")}</dt>
                <dd>{day(billing.license?.expiresAt.toISOString() ?? null, tenant.timeZone)}</dd>
              </>
            )
            : state.status === "trialing"
            ? (
              <>
                <dt>{t("billing.trial_ends")}</dt>
                <dd>{day(state.trialEndsAt, tenant.timeZone)}</dd>
              </>
            )
            : (
              <>
                <dt>{state.cancelAtPeriodEnd ? t("billing.ends_on") : t("billing.renews_on")}</dt>
                <dd>{day(state.currentPeriodEnd, tenant.timeZone)}</dd>
              </>
            )}
          {billing.access.graceEndsAt
            ? (
              <>
                <dt>{t("billing.full_until")}</dt>
                <dd>{day(billing.access.graceEndsAt, tenant.timeZone)}</dd>
              </>
            )
            : null}
        </dl>
        {billing.access.message
          ? <p>{translateErrorText(billing.access.message, CATALOGUES.en, t)}</p>
          : null}
        {manage && online && state.stripeCustomerId
          ? (
            <form method="post" action="/settings/billing/portal">
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">
                {t("billing.portal")}
              </button>
            </form>
          )
          : null}
      </section>
      <section class="card">
        <h2>{t("billing.usage")}</h2>
        <UsageBars
          bars={[
            {
              label: t("billing.seats"),
              used: usage.seats + usage.pendingInvitations,
              limit: e.seats,
              note: usage.pendingInvitations
                ? ` ${
                  t("billing.seats_note", {
                    members: usage.seats,
                    invited: usage.pendingInvitations,
                  })
                }`
                : undefined,
            },
            {
              label: t("billing.documents_month"),
              used: usage.documentsPerMonth,
              limit: e.documentsPerMonth,
            },
            {
              label: t("billing.ai_month"),
              used: usage.aiTokensPerMonth,
              limit: e.aiTokensPerMonth,
            },
          ]}
        />
        <ul>
          {entitlementLines(t, e).map((line) => <li key={line}>{line}</li>)}
        </ul>
      </section>
      <section class="card">
        <h2>{t("billing.change_plan")}</h2>
        {online
          ? (
            manage ? null : <p class="muted">{t("billing.owner_only")}</p>
          )
          : (
            <p id="billing-offline">
              {licensing ? t("billing.offline_licence") : t("billing.offline")}
            </p>
          )}
        <PlanCards
          csrf={csrf}
          canBuy={online && manage}
          plans={PAID_PLAN_IDS.map((id) => ({
            id,
            name: planName(t, id),
            summary: t(`billing.plan_summary.${id}`, { days: TRIAL_DAYS }),
            monthly: formatPrice(PLANS[id].prices.month),
            yearly: formatPrice(PLANS[id].prices.year),
            features: entitlementLines(t, PLANS[id].entitlements),
            current: billing.plan === id,
          }))}
        />
      </section>
      {licensing && manage
        ? (
          <section class="card" id="license">
            <h2>{t("billing.licence_key")}</h2>
            <p class="muted">{t("billing.licence_intro")}</p>
            <form method="post" action="/settings/billing/license">
              <CsrfInput token={csrf} />
              <div class="field">
                <label for="license-key">{t("billing.licence_key")}</label>
                <textarea id="license-key" name="license" rows={4} required></textarea>
              </div>
              <button class="button primary" type="submit">{t("billing.install_licence")}</button>
            </form>
            {state.licenseToken
              ? (
                <form method="post" action="/settings/billing/license/remove">
                  <CsrfInput token={csrf} />
                  <button class="button danger small" type="submit">
                    {t("billing.remove_licence")}
                  </button>
                </form>
              )
              : null}
          </section>
        )
        : null}
    </>,
    status,
  );
}

/** Runs a billing action; a refused one re-renders the page with the reason. */
async function attempt(c: AppContext, action: () => Promise<Response>) {
  try {
    const auth = principalOf(c);
    if (!auth.role || !can(auth.role, "billing:manage")) throw new ForbiddenError();
    return await action();
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showBilling(c, { error: err.message }, err.status);
  }
}

function stripeOf(c: AppContext) {
  const stripe = c.get("services").billing.stripe;
  if (!stripe) throw new ConflictError("Billing is not configured on this server.");
  return stripe;
}

app.get("/settings/billing", (c) => showBilling(c));

app.post("/settings/billing/checkout", (c) =>
  attempt(c, async () => {
    const input = parseWith(CheckoutSchema, await readBody(c));
    const services = c.get("services");
    const auth = principalOf(c);
    const { url } = await startCheckout(services, stripeOf(c), services.billing.prices, {
      tenant: tenantOf(c),
      email: auth.email,
      plan: input.plan,
      interval: input.interval,
      origin: requestOrigin(c),
    });
    return c.redirect(url, 303);
  }));

app.post("/settings/billing/portal", (c) =>
  attempt(c, async () => {
    const services = c.get("services");
    const url = await openPortal(services, stripeOf(c), {
      tenant: tenantOf(c),
      email: principalOf(c).email,
      origin: requestOrigin(c),
    });
    return c.redirect(url, 303);
  }));

app.post("/settings/billing/license", (c) =>
  attempt(c, async () => {
    const input = parseWith(LicenseSchema, await readBody(c));
    const services = c.get("services");
    const license = await installLicense(services, tenantOf(c).id, input.license);
    services.billing.invalidate(tenantOf(c).id);
    await recordSecurityEvent(c, {
      action: "billing.license_installed",
      details: { plan: license.plan, expires_at: license.expiresAt.toISOString() },
    });
    return showBilling(c, {
      notice: tOf(c)("billing.licence_installed", {
        plan: planName(tOf(c), license.plan),
        date: day(license.expiresAt.toISOString(), tenantOf(c).timeZone),
      }),
    });
  }));

app.post("/settings/billing/license/remove", (c) =>
  attempt(c, async () => {
    const services = c.get("services");
    await removeLicense(services, tenantOf(c).id);
    services.billing.invalidate(tenantOf(c).id);
    await recordSecurityEvent(c, { action: "billing.license_removed" });
    return showBilling(c, { notice: tOf(c)("billing.licence_removed") });
  }));

const billingApi = describeRoute({
  operationId: "getBilling",
  tag: "Billing",
  summary: "The workspace's plan, status, access mode, entitlements and usage this month",
  responses: {
    200: {
      description: "The plan and its use",
      schema: {
        type: "object",
        properties: {
          plan: { type: "string" },
          plan_name: { type: "string" },
          source: { type: "string" },
          status: { type: "string" },
          access: { enum: ["full", "grace", "read_only"] },
          access_reason: { type: ["string", "null"] },
          message: { type: ["string", "null"] },
          grace_ends_at: { type: ["string", "null"], format: "date-time" },
          trial_ends_at: { type: ["string", "null"], format: "date-time" },
          current_period_end: { type: ["string", "null"], format: "date-time" },
          license_expires_at: { type: ["string", "null"], format: "date-time" },
          entitlements: { type: "object", description: "Limits and features of the plan" },
          usage: { type: "object", description: "Seats, documents and AI tokens used" },
        },
      },
      example: {
        plan: "professional",
        plan_name: "Professional",
        source: "stripe",
        status: "active",
        access: "full",
        access_reason: null,
        message: null,
        grace_ends_at: null,
        trial_ends_at: null,
        current_period_end: "2026-04-30T00:00:00.000Z",
        license_expires_at: null,
        entitlements: { seats: 10, documentsPerMonth: 500 },
        usage: {
          seats: { used: 3, pending_invitations: 1, limit: 10 },
          documents_this_month: { used: 42, limit: 500 },
          ai_tokens_this_month: { used: 0, limit: 200000 },
        },
      },
    },
  },
  errors: [403],
});

app.get("/api/v1/billing", billingApi, requirePermission("records:read"), async (c) => {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const billing = await entitlementsFor(services, tenant.id);
  return c.json(summaryOf(billing, await usageFor(services, tenant.id)));
});

export default app;
