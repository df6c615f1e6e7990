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
import { BILLING_PATH, type PaymentRequiredError } from "./errors.ts";

/** Renders the 402 page for a refused browser request. */
export function renderRefusalPage(c: Context<AppEnv>, err: PaymentRequiredError): Response {
  const auth = c.get("auth");
  if (!auth?.role) return c.html(renderErrorPage(c, err), 402);
  const details = (err.details ?? {}) as Record<string, unknown>;
  const readOnly = details.reason === "read_only";
  const mayPay = can(auth.role, "billing:manage");
  return renderApp(
    c,
    readOnly ? "Workspace is read-only" : "Not in your plan",
    <section class="card" id="payment-required">
      <h1>{readOnly ? "This workspace is read-only" : "Your plan does not include this"}</h1>
      <p>{err.message}</p>
      {readOnly
        ? (
          <p>
            Nothing has been deleted: every record is still here, and you can open and export all of
            it.
          </p>
        )
        : null}
      <p>
        {mayPay
          ? (
            <a class="button primary" href={BILLING_PATH}>
              {readOnly ? "Go to billing" : "See plans"}
            </a>
          )
          : "Ask the workspace owner to update billing."} <a href="/">Back to the dashboard</a>
      </p>
    </section>,
    402,
  );
}
