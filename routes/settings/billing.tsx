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
import { PlanCards, UsageBars } from "../../components/BillingOverview.tsx";
import { entitlementsFor, type TenantBilling, usageFor } from "../../billing/entitlements.ts";
import {
  describeEntitlements,
  formatPrice,
  INTERVALS,
  PAID_PLAN_IDS,
  PLANS,
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

const STATUS_TEXT: Record<string, string> = {
  trialing: "Free trial",
  active: "Active",
  past_due: "Payment failed",
  unpaid: "Unpaid",
  canceled: "Canceled",
  incomplete: "Waiting for the first payment",
  incomplete_expired: "First payment never completed",
  paused: "Paused",
};

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "—");

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
  const notice = extra.notice ??
    (checkout === "success"
      ? "Thank you. Stripe is confirming the payment; the new plan shows here within moments."
      : checkout === "canceled"
      ? "Checkout was canceled; nothing changed."
      : undefined);
  return renderApp(
    c,
    "Billing",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/billing" role={principalOf(c).role} />
      {notice ? <p class="flash success" role="status">{notice}</p> : null}
      <FormErrors message={extra.error} />
      <section class="card" id="billing-status">
        <h2>Plan</h2>
        <dl class="facts">
          <dt>Plan</dt>
          <dd id="current-plan">{PLANS[billing.plan].name}</dd>
          <dt>Status</dt>
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
                ? (billing.license ? "Licence" : "Licence not valid")
                : STATUS_TEXT[state.status]}
              {billing.access.mode === "read_only" ? " · read-only" : ""}
            </span>
          </dd>
          {billing.source === "license"
            ? (
              <>
                <dt>Licence expires</dt>
                <dd>{day(billing.license?.expiresAt.toISOString() ?? null)}</dd>
              </>
            )
            : state.status === "trialing"
            ? (
              <>
                <dt>Trial ends</dt>
                <dd>{day(state.trialEndsAt)}</dd>
              </>
            )
            : (
              <>
                <dt>{state.cancelAtPeriodEnd ? "Ends on" : "Renews on"}</dt>
                <dd>{day(state.currentPeriodEnd)}</dd>
              </>
            )}
          {billing.access.graceEndsAt
            ? (
              <>
                <dt>Full access until</dt>
                <dd>{day(billing.access.graceEndsAt)}</dd>
              </>
            )
            : null}
        </dl>
        {billing.access.message ? <p>{billing.access.message}</p> : null}
        {manage && online && state.stripeCustomerId
          ? (
            <form method="post" action="/settings/billing/portal">
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">
                Payment methods, invoices and cancellation
              </button>
            </form>
          )
          : null}
      </section>
      <section class="card">
        <h2>Usage</h2>
        <UsageBars
          bars={[
            {
              label: "Seats",
              used: usage.seats + usage.pendingInvitations,
              limit: e.seats,
              note: usage.pendingInvitations
                ? ` (${usage.seats} members, ${usage.pendingInvitations} invited)`
                : undefined,
            },
            {
              label: "Documents this month",
              used: usage.documentsPerMonth,
              limit: e.documentsPerMonth,
            },
            {
              label: "AI tokens this month",
              used: usage.aiTokensPerMonth,
              limit: e.aiTokensPerMonth,
            },
          ]}
        />
        <ul>
          {describeEntitlements(e).map((line) => <li key={line}>{line}</li>)}
        </ul>
      </section>
      <section class="card">
        <h2>Change plan</h2>
        {online
          ? (
            manage
              ? null
              : <p class="muted">Only the workspace owner can change the plan or pay.</p>
          )
          : (
            <p id="billing-offline">
              Plans cannot be bought online on this service. To change your plan, ask your
              ProjectMeats provider{licensing ? " or install a licence key below" : ""}; your
              workspace keeps its current plan until then.
            </p>
          )}
        <PlanCards
          csrf={csrf}
          canBuy={online && manage}
          plans={PAID_PLAN_IDS.map((id) => ({
            id,
            name: PLANS[id].name,
            summary: PLANS[id].summary,
            monthly: formatPrice(PLANS[id].prices.month),
            yearly: formatPrice(PLANS[id].prices.year),
            features: describeEntitlements(PLANS[id].entitlements),
            current: billing.plan === id,
          }))}
        />
      </section>
      {licensing && manage
        ? (
          <section class="card" id="license">
            <h2>Licence key</h2>
            <p class="muted">
              Self-hosted and offline installations use a signed licence key instead of Stripe.
            </p>
            <form method="post" action="/settings/billing/license">
              <CsrfInput token={csrf} />
              <div class="field">
                <label for="license-key">Licence key</label>
                <textarea id="license-key" name="license" rows={4} required></textarea>
              </div>
              <button class="button primary" type="submit">Install licence</button>
            </form>
            {state.licenseToken
              ? (
                <form method="post" action="/settings/billing/license/remove">
                  <CsrfInput token={csrf} />
                  <button class="button danger small" type="submit">Remove licence</button>
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
      origin: requestOrigin(services.config, c.req.url),
    });
    return c.redirect(url, 303);
  }));

app.post("/settings/billing/portal", (c) =>
  attempt(c, async () => {
    const services = c.get("services");
    const url = await openPortal(services, stripeOf(c), {
      tenant: tenantOf(c),
      email: principalOf(c).email,
      origin: requestOrigin(services.config, c.req.url),
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
      notice: `Licence installed: ${PLANS[license.plan].name} until ${
        day(license.expiresAt.toISOString())
      }.`,
    });
  }));

app.post("/settings/billing/license/remove", (c) =>
  attempt(c, async () => {
    const services = c.get("services");
    await removeLicense(services, tenantOf(c).id);
    services.billing.invalidate(tenantOf(c).id);
    await recordSecurityEvent(c, { action: "billing.license_removed" });
    return showBilling(c, { notice: "Licence removed." });
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
