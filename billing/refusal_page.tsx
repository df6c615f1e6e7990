/**
 * @module billing/refusal_page
 * The page a browser sees when billing refuses a form: what happened, that no data is lost, and
 * how to fix it (the billing page for those who may pay, the owner for everyone else).
 */
import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { renderApp } from "../http/page.tsx";
import { renderErrorPage } from "../http/error_page.ts";
import { can } from "../auth/roles.ts";
import { localizedError } from "../http/errors.ts";
import { tOf } from "../i18n/middleware.ts";
import { BILLING_PATH, PaymentRequiredError } from "./errors.ts";

/** Renders the 402 page for a refused browser request, in the page's language. */
export function renderRefusalPage(c: Context<AppEnv>, err: PaymentRequiredError): Response {
  const auth = c.get("auth");
  const language = c.get("language") ?? "en";
  if (!auth?.role) {
    const { message } = localizedError(err, language);
    const shown = new PaymentRequiredError(message, (err.details ?? {}) as Record<string, unknown>);
    return c.html(renderErrorPage(c, shown), 402);
  }
  const t = tOf(c);
  const details = (err.details ?? {}) as Record<string, unknown>;
  const readOnly = details.reason === "read_only";
  const mayPay = can(auth.role, "billing:manage");
  return renderApp(
    c,
    t(readOnly ? "service.refusal.title_read_only" : "service.refusal.title_plan"),
    <section class="card" id="payment-required">
      <h1>
        {t(readOnly ? "service.refusal.heading_read_only" : "service.refusal.heading_plan")}
      </h1>
      <p>{localizedError(err, language).message}</p>
      {readOnly ? <p>{t("service.refusal.nothing_deleted")}</p> : null}
      <p>
        {mayPay
          ? (
            <a class="button primary" href={BILLING_PATH}>
              {t(readOnly ? "service.refusal.go_to_billing" : "service.refusal.see_plans")}
            </a>
          )
          : t("service.refusal.ask_owner")} <a href="/">{t("service.refusal.back")}</a>
      </p>
    </section>,
    402,
  );
}
