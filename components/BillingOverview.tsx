/**
 * @module components/BillingOverview
 * Pieces of the billing page: the current plan and status, usage bars and the plan cards. Plain
 * data in; the route decides what may be shown and which buttons work.
 */
import { CsrfInput } from "./Form.tsx";

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

const number = new Intl.NumberFormat("en-US");

/** Usage bars (a <meter> with its numbers in text, never colour alone). */
export function UsageBars(props: { bars: UsageBar[] }) {
  return (
    <ul class="usage-bars" id="usage">
      {props.bars.map((bar, i) => {
        const id = `usage-${i}`;
        const text = bar.limit === null
          ? `${number.format(bar.used)} used (unlimited)`
          : `${number.format(bar.used)} of ${number.format(bar.limit)}`;
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
  return (
    <div class="plan-cards" id="plans">
      {props.plans.map((p) => (
        <section class="card" key={p.id} data-plan={p.id}>
          <h3>
            {p.name} {p.current ? <span class="badge ok">current plan</span> : null}
          </h3>
          <p class="muted">{p.summary}</p>
          <p>
            {p.monthly} a month, or {p.yearly} a year
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
                  aria-label={`Choose ${p.name}, billed monthly`}
                >
                  Monthly
                </button>
                <button
                  class="button secondary small"
                  type="submit"
                  name="interval"
                  value="year"
                  aria-label={`Choose ${p.name}, billed yearly`}
                >
                  Yearly
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
