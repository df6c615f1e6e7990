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

import { tOf } from "../../i18n/middleware.ts";

const app = new Hono<AppEnv>();
app.use("/settings/payments", memberPage());
app.use("/settings/payments/*", memberPage());

/** Where the workspace's money goes is the owners' decision. */
function ownersOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (principalOf(c).role !== "owner") {
      throw new ForbiddenError(tOf(c)("payments_settings.owners_only"));
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
  const settings = await paymentSettings(tenant.db);
  const csrf = c.get("csrfToken");
  const webhookUrl = `${requestOrigin(c)}/portal/webhooks/stripe`;
  const on = settings.stripeSecretLast4 !== null && settings.webhookSecretLast4 !== null;
  const t = tOf(c);
  return renderApp(
    c,
    t("payments_settings.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/payments" role={principalOf(c).role} />
      <section class="card">
        <h2>{t("payments_settings.title")}</h2>
        <p class="muted">{t("payments_settings.intro")}</p>
        {shown.notice ? <p class="flash success" role="status">{shown.notice}</p> : null}
        <FormErrors message={shown.error} />
        <p id="card-payments">
          {t("payments_settings.card")}{" "}
          {on
            ? <span class="badge ok">{t("payments_settings.on")}</span>
            : <span class="badge">{t("payments_settings.off")}</span>}
        </p>
        <form method="post" action="/settings/payments" class="stacked-form">
          <CsrfInput token={csrf} />
          <Field
            label={t("payments_settings.link_days")}
            name="link_days"
            type="number"
            inputMode="numeric"
            required
            value={shown.linkDays ?? String(settings.linkDays)}
            error={shown.errors?.link_days?.[0]}
            hint={t("payments_settings.link_days_hint")}
          />
          <Field
            label={t("payments_settings.secret")}
            name="stripe_secret_key"
            type="password"
            autocomplete="off"
            error={shown.errors?.stripe_secret_key?.[0]}
            hint={settings.stripeSecretLast4
              ? t("payments_settings.stored", { last4: settings.stripeSecretLast4 })
              : t("payments_settings.secret_hint")}
          />
          <Field
            label={t("payments_settings.webhook_secret")}
            name="stripe_webhook_secret"
            type="password"
            autocomplete="off"
            error={shown.errors?.stripe_webhook_secret?.[0]}
            hint={settings.webhookSecretLast4
              ? t("payments_settings.stored", { last4: settings.webhookSecretLast4 })
              : t("payments_settings.webhook_hint")}
          />
          <p>
            {t("payments_settings.endpoint_before")} <code>checkout.session.completed</code>{" "}
            {t("payments_settings.and")} <code>checkout.session.async_payment_succeeded</code>
            {t("payments_settings.endpoint_after")} <code id="webhook-url">{webhookUrl}</code>
          </p>
          <button class="button primary" type="submit">{t("common.save")}</button>
        </form>
        {on
          ? (
            <form method="post" action="/settings/payments/remove" class="inline-form">
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">
                {t("payments_settings.disconnect")}
              </button>
            </form>
          )
          : null}
      </section>
      <section class="card">
        <h2>{t("payments_settings.links")}</h2>
        <p class="muted">{t("payments_settings.links_intro")}</p>
        <form method="post" action="/settings/payments/rotate" class="inline-form">
          <CsrfInput token={csrf} />
          <button class="button secondary" type="submit">
            {t("payments_settings.invalidate")}
          </button>
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
      error: tOf(c)("common.needs_attention"),
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
  return showPayments(c, { notice: tOf(c)("payments_settings.saved") });
});

app.post("/settings/payments/remove", async (c) => {
  const services = c.get("services");
  const by = { name: principalOf(c).name, at: services.clock.now().toISOString() };
  await removeStripeAccount(tenantOf(c).db, by);
  await recordSecurityEvent(c, { action: "payments.stripe_disconnected" });
  return showPayments(c, { notice: tOf(c)("payments_settings.disconnected") });
});

app.post("/settings/payments/rotate", async (c) => {
  const version = await rotatePortalKey(tenantOf(c).db, c.get("services").clock.now());
  await recordSecurityEvent(c, { action: "portal.key_rotated", details: { version } });
  return showPayments(c, { notice: tOf(c)("payments_settings.rotated") });
});

export default app;
