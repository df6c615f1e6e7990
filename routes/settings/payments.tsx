/**
 * @module routes/settings/payments
 * Settings → Payments (owners): how long the invoice portal's links last, the workspace's own
 * Stripe account for card and ACH payments from the portal (secret key and webhook signing
 * secret, stored sealed, shown back only as their last four characters), the webhook address to
 * give Stripe, and a button that invalidates every portal link sent so far.
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requestOrigin } from "../../mail/links.ts";
import { fieldErrors, ForbiddenError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { recordSecurityEvent } from "../../security/events.ts";
import {
  paymentSettings,
  PaymentSettingsSchema,
  removeStripeAccount,
  savePaymentSettings,
} from "../../portal/settings.ts";
import { rotatePortalKey } from "../../portal/links.ts";

const app = new Hono<AppEnv>();
app.use("/settings/payments", memberPage());
app.use("/settings/payments/*", memberPage());

/** Where the workspace's money goes is the owners' decision. */
function ownersOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (principalOf(c).role !== "owner") {
      throw new ForbiddenError("Only an owner can change how customers pay.");
    }
    await next();
  };
}
app.use("/settings/payments", ownersOnly());
app.use("/settings/payments/*", ownersOnly());

interface Shown {
  notice?: string;
  error?: string;
  errors?: Record<string, string[]>;
  linkDays?: string;
}

async function showPayments(c: AppContext, shown: Shown = {}, status = 200) {
  const tenant = tenantOf(c);
  const services = c.get("services");
  const settings = await paymentSettings(tenant.db);
  const csrf = c.get("csrfToken");
  const webhookUrl = `${requestOrigin(services.config, c.req.url)}/portal/webhooks/stripe`;
  const on = settings.stripeSecretLast4 !== null && settings.webhookSecretLast4 !== null;
  return renderApp(
    c,
    "Payments",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/payments" role={principalOf(c).role} />
      <section class="card">
        <h2>Payments</h2>
        <p class="muted">
          Every invoice you e-mail carries a private link to its page, where your customer sees the
          invoice, its PDF and their open invoices, and can question a line. With your Stripe
          account connected they can also pay by card or bank (ACH); the money goes to your Stripe
          account and the payment is recorded on the invoice.
        </p>
        {shown.notice ? <p class="flash success" role="status">{shown.notice}</p> : null}
        <FormErrors message={shown.error} />
        <p id="card-payments">
          Card payments:{" "}
          {on
            ? <span class="badge ok">On</span>
            : <span class="badge">Off: customers see how to pay from your letterhead</span>}
        </p>
        <form method="post" action="/settings/payments" class="stacked-form">
          <CsrfInput token={csrf} />
          <Field
            label="Invoice links last (days)"
            name="link_days"
            type="number"
            inputMode="numeric"
            required
            value={shown.linkDays ?? String(settings.linkDays)}
            error={shown.errors?.link_days?.[0]}
            hint="From the day the invoice is e-mailed; 60 unless you change it."
          />
          <Field
            label="Stripe secret key"
            name="stripe_secret_key"
            type="password"
            autocomplete="off"
            error={shown.errors?.stripe_secret_key?.[0]}
            hint={settings.stripeSecretLast4
              ? `Stored, ending in ${settings.stripeSecretLast4}. Leave empty to keep it.`
              : "From your Stripe dashboard, Developers → API keys (sk_live_… or sk_test_…)."}
          />
          <Field
            label="Stripe webhook signing secret"
            name="stripe_webhook_secret"
            type="password"
            autocomplete="off"
            error={shown.errors?.stripe_webhook_secret?.[0]}
            hint={settings.webhookSecretLast4
              ? `Stored, ending in ${settings.webhookSecretLast4}. Leave empty to keep it.`
              : "Add a webhook endpoint in Stripe at the address below, then paste its whsec_… secret."}
          />
          <p>
            Webhook endpoint for Stripe (events <code>checkout.session.completed</code> and{" "}
            <code>checkout.session.async_payment_succeeded</code>):{" "}
            <code id="webhook-url">{webhookUrl}</code>
          </p>
          <button class="button primary" type="submit">Save</button>
        </form>
        {on
          ? (
            <form method="post" action="/settings/payments/remove" class="inline-form">
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">Disconnect Stripe</button>
            </form>
          )
          : null}
      </section>
      <section class="card">
        <h2>Invoice links</h2>
        <p class="muted">
          If a link reached the wrong person, make every link sent so far stop working. Invoices you
          send afterwards carry new links.
        </p>
        <form method="post" action="/settings/payments/rotate" class="inline-form">
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">Invalidate all invoice links</button>
        </form>
      </section>
    </>,
    status,
  );
}

app.get("/settings/payments", (c) => showPayments(c));

app.post("/settings/payments", async (c) => {
  const tenant = tenantOf(c);
  const services = c.get("services");
  const read: unknown = await readBody(c);
  const body = read && typeof read === "object" ? read as Record<string, unknown> : {};
  const parsed = PaymentSettingsSchema.safeParse(body);
  if (!parsed.success) {
    return showPayments(c, {
      error: "Some fields need attention.",
      errors: fieldErrors(parsed.error.issues),
      linkDays: typeof body.link_days === "string" ? body.link_days : undefined,
    }, 422);
  }
  const by = { name: principalOf(c).name, at: services.clock.now().toISOString() };
  await savePaymentSettings(tenant.db, services.tenantKeys, tenant.id, parsed.data, by);
  await recordSecurityEvent(c, {
    action: "payments.settings_saved",
    details: {
      link_days: parsed.data.link_days,
      stripe_secret_key: parsed.data.stripe_secret_key ? "replaced" : "kept",
      stripe_webhook_secret: parsed.data.stripe_webhook_secret ? "replaced" : "kept",
    },
  });
  return showPayments(c, { notice: "Saved." });
});

app.post("/settings/payments/remove", async (c) => {
  const services = c.get("services");
  const by = { name: principalOf(c).name, at: services.clock.now().toISOString() };
  await removeStripeAccount(tenantOf(c).db, by);
  await recordSecurityEvent(c, { action: "payments.stripe_disconnected" });
  return showPayments(c, { notice: "Stripe is disconnected: customers see how to pay instead." });
});

app.post("/settings/payments/rotate", async (c) => {
  const version = await rotatePortalKey(tenantOf(c).db, c.get("services").clock.now());
  await recordSecurityEvent(c, { action: "portal.key_rotated", details: { version } });
  return showPayments(c, { notice: "Every invoice link sent so far no longer works." });
});

export default app;
