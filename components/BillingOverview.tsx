/**
 * @module components/BillingOverview
 * Pieces of the billing page: the current plan and status, usage bars and the plan cards. Plain
 * data in; the route decides what may be shown and which buttons work.
 */
import { CsrfInput } from "./Form.tsx";
import { useLanguage, useT } from "./Words.tsx";
import type { Translate } from "../i18n/format.ts";
import { CATALOGUES } from "../i18n/mod.ts";
import { translateErrorText } from "../domain/error_text.ts";
import { type Entitlements, PLANS } from "../billing/plans.ts";
import type { Decision } from "../billing/entitlements.ts";

export interface UsageBar {
  label: string;
  used: number;
  /** null = unlimited. */
  limit: number | null;
  note?: string;
}

export interface PlanCard {
  id: string;
  name: string;
  summary: string;
  monthly: string | null;
  yearly: string | null;
  features: string[];
  current: boolean;
}

/**
 * Why the plan refuses a feature, in the reader's language ("Plugins is not part of the Starter
 * plan…"); other refusals (limits, read-only) through the patterns of domain/error_text.ts.
 */
export function planRefusalText(t: Translate, decision: Decision): string {
  if (decision.reason !== "not_in_plan") {
    return translateErrorText(decision.message, CATALOGUES.en, t);
  }
  const key = `plan_feature.${decision.key}`;
  const feature = t(key);
  if (feature === key) return decision.message;
  const plan = decision.plan === "trial" ? t("billing.plan_name.trial") : PLANS[decision.plan].name;
  return t("plan_refusal.not_in_plan", { feature, plan });
}

/** A plan's entitlements as short sentences in the reader's language (billing/plans.ts in English). */
export function entitlementLines(t: Translate, e: Entitlements): string[] {
  const out = [
    e.seats === null
      ? t("billing.feature.seats_unlimited")
      : t("billing.feature.seats", { count: e.seats }),
    e.documentsPerMonth === null
      ? t("billing.feature.documents_unlimited")
      : t("billing.feature.documents", { count: e.documentsPerMonth }),
    !e.aiAssistant
      ? t("billing.feature.no_ai")
      : e.aiTokensPerMonth === null
      ? t("billing.feature.ai_unlimited")
      : t("billing.feature.ai", { count: e.aiTokensPerMonth }),
    e.apiAccess ? t("billing.feature.api") : t("billing.feature.no_api"),
  ];
  if (e.customDomain) out.push(t("billing.feature.domain"));
  if (e.plugins) out.push(t("billing.feature.plugins"));
  if (e.reportExports) out.push(t("billing.feature.exports"));
  if (e.sso) out.push(t("billing.feature.sso"));
  out.push(t("billing.feature.audit", { count: e.auditRetentionDays }));
  return out;
}

/** Usage bars (a <meter> with its numbers in text, never colour alone). */
export function UsageBars(props: { bars: UsageBar[] }) {
  const t = useT();
  const number = new Intl.NumberFormat(useLanguage() === "es" ? "es-US" : "en-US");
  return (
    <ul class="usage-bars" id="usage">
      {props.bars.map((bar, i) => {
        const id = `usage-${i}`;
        const text = bar.limit === null
          ? t("billing.used_unlimited", { used: number.format(bar.used) })
          : t("billing.used_of", {
            used: number.format(bar.used),
            limit: number.format(bar.limit),
          });
        return (
          <li key={bar.label}>
            <label for={id}>{bar.label}</label>{" "}
            <meter
              id={id}
              min={0}
              max={bar.limit === null ? Math.max(bar.used, 1) : Math.max(bar.limit, 1)}
              value={bar.limit === null ? 0 : bar.used}
              high={bar.limit === null ? undefined : Math.max(bar.limit, 1) * 0.8}
              optimum={0}
            >
              {text}
            </meter>{" "}
            <span data-usage={bar.label}>{text}</span>
            {bar.note ? <span class="muted">{bar.note}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** The plans to choose from, with a monthly and a yearly checkout button when allowed. */
export function PlanCards(
  props: { plans: PlanCard[]; csrf: string; canBuy: boolean; note?: string },
) {
  const t = useT();
  return (
    <div class="plan-cards" id="plans">
      {props.plans.map((p) => (
        <section class="card" key={p.id} data-plan={p.id}>
          <h3>
            {p.name} {p.current ? <span class="badge ok">{t("billing.current_plan")}</span> : null}
          </h3>
          <p class="muted">{p.summary}</p>
          <p>
            {t("billing.price", { monthly: p.monthly ?? "", yearly: p.yearly ?? "" })}
          </p>
          <ul>
            {p.features.map((f) => <li key={f}>{f}</li>)}
          </ul>
          {props.canBuy
            ? (
              <form method="post" action="/settings/billing/checkout" class="row-form">
                <CsrfInput token={props.csrf} />
                <input type="hidden" name="plan" value={p.id} />
                <button
                  class="button primary small"
                  type="submit"
                  name="interval"
                  value="month"
                  aria-label={t("billing.choose_monthly", { plan: p.name })}
                >
                  {t("billing.monthly")}
                </button>
                <button
                  class="button secondary small"
                  type="submit"
                  name="interval"
                  value="year"
                  aria-label={t("billing.choose_yearly", { plan: p.name })}
                >
                  {t("billing.yearly")}
                </button>
              </form>
            )
            : null}
        </section>
      ))}
      {props.note ? <p class="muted">{props.note}</p> : null}
    </div>
  );
}
