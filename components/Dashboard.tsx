/**
 * @module components/Dashboard
 * The first page of a workspace: open POs, loads by status, receivables aging, bills to pay this
 * week, margin over the last 12 weeks, and the top customers and suppliers of the last 90 days.
 * Which cards show, in which order, and the words on them follow the tenant's configuration
 * (customization/terms.ts): `cards` and `words` default to the built-in ones.
 */
import { type ComponentChildren, Fragment } from "preact";
import type { DashboardNumbers } from "../domain/reports.ts";
import { AGING_BUCKETS } from "../domain/reports.ts";
import { DEFAULT_FORMAT, type FormatSettings, money as formatMoney } from "../domain/format.ts";
import { inCurrency } from "../domain/currency.ts";
import { LOAD_STATUS } from "../domain/catalog.ts";
import { DASHBOARD_CARDS, type DashboardCard } from "../customization/document/shaping.ts";
import { BarChart, ColumnChart } from "./Charts.tsx";
import { shownLabel, type Translate, translator } from "../i18n/mod.ts";

/** An aging bucket's name ("current", "over 90") in the reader's language. */
function bucketLabel(t: Translate, bucket: string): string {
  const key = `aging.${bucket.replace(/\W+/g, "_")}`;
  const text = t(key);
  return text === key ? bucket : text;
}

/** Amounts in a currency with no exchange rate, left out of a card's total (domain/exchange.ts). */
function Unconverted(
  props: { list: DashboardNumbers["agingUnconverted"]; t: Translate; format?: FormatSettings },
) {
  if (!props.list.length) return null;
  return (
    <p class="muted" data-unconverted>
      {props.list.map((u) =>
        props.t("exchange.not_converted", {
          amount: formatMoney(u.cents, inCurrency(props.format ?? DEFAULT_FORMAT, u.currency)),
        })
      ).join(" · ")}
    </p>
  );
}

export function Dashboard(props: {
  name: string;
  tenantName: string;
  numbers: DashboardNumbers;
  /** The cards to show, in order (every card by default). */
  cards?: readonly DashboardCard[];
  /**
   * The catalogue in the reader's language, with the tenant's words for the built-in ones
   * (i18n/mod.ts `workspaceTranslator`); English without.
   */
  t?: Translate;
  format?: FormatSettings;
  /** The page's heading: the dashboard's navigation label. */
  title?: string;
  /** The day weeks start on: 0 Sunday, 1 Monday (default), 6 Saturday. */
  weekStartsOn?: number;
}) {
  const n = props.numbers;
  const t = props.t ?? translator("en");
  const money = (cents: unknown) => formatMoney(cents, props.format ?? DEFAULT_FORMAT);
  const weekEnds = t(`weekday.${((props.weekStartsOn ?? 1) + 6) % 7}`);
  const empty = n.openPurchaseOrders.count === 0 && n.loadsByStatus.every((l) => l.count === 0);
  const shown: Record<DashboardCard, ComponentChildren> = {
    open_purchase_orders: (
      <section class="card" aria-labelledby="open-pos" data-card="open_purchase_orders">
        <h2 id="open-pos">{t("dashboard.open_purchase_orders")}</h2>
        <p class="stat">{n.openPurchaseOrders.count}</p>
        <p class="muted">
          {t("dashboard.worth", { amount: money(n.openPurchaseOrders.total_cents) })} ·{" "}
          <a href="/purchase-orders?status=draft,pending,approved">{t("dashboard.see_them")}</a>
        </p>
        {n.expiringInsurance
          ? (
            <p class="flash warning">
              <a href="/carriers?insurance_expiring=true">
                {t("dashboard.insurance_expiring", { count: n.expiringInsurance })}
              </a>{" "}
              {t("dashboard.insurance_expiring_tail")}
            </p>
          )
          : null}
      </section>
    ),
    loads_by_status: (
      <section class="card" aria-labelledby="loads-status" data-card="loads_by_status">
        <h2 id="loads-status">{t("dashboard.loads_by_status")}</h2>
        <BarChart
          title={t("dashboard.loads_by_status")}
          cents={false}
          data={n.loadsByStatus.map((l) => {
            const builtIn = LOAD_STATUS.find((s) =>
              s.value === l.status
            )?.label;
            return { label: builtIn ? shownLabel(t, builtIn) : l.status, value: l.count };
          })}
        />
      </section>
    ),
    receivables_aging: (
      <section class="card" aria-labelledby="aging" data-card="receivables_aging">
        <h2 id="aging">{t("dashboard.receivables_aging")}</h2>
        <BarChart
          title={t("dashboard.receivables_chart")}
          data={AGING_BUCKETS.map((b) => ({ label: bucketLabel(t, b), value: n.aging[b] }))}
        />
        <Unconverted list={n.agingUnconverted} t={t} format={props.format} />
        <p class="muted">
          <a href="/reports?report=aging">{t("dashboard.aging_by_customer")}</a>
        </p>
        {n.openDisputes.count
          ? (
            <div class="flash warning" id="open-disputes">
              <p>
                <strong>{t("dispute.dashboard_title")}:</strong>{" "}
                {t("dispute.dashboard_count", { count: n.openDisputes.count })}
              </p>
              <ul>
                {n.openDisputes.rows.map((d) => (
                  <li key={d.id}>
                    <a href={`/invoices/${d.invoice_id}#invoice-disputes`}>{d.invoice_number}</a>
                    {` · ${d.customer}: ${d.line_description}`}
                  </li>
                ))}
              </ul>
            </div>
          )
          : null}
      </section>
    ),
    payables_this_week: (
      <section class="card" aria-labelledby="payables-week" data-card="payables_this_week">
        <h2 id="payables-week">{t("dashboard.to_pay_this_week")}</h2>
        <p class="stat" data-payables-week>{money(n.payablesThisWeek.total_cents)}</p>
        <p class="muted">
          {t("dashboard.bills_due", { count: n.payablesThisWeek.count, weekday: weekEnds })}
          {n.payablesThisWeek.overdue_cents > 0
            ? t("dashboard.past_due_part", { amount: money(n.payablesThisWeek.overdue_cents) })
            : ""}. <a href="/reports?report=ap_aging">{t("dashboard.payables_aging")}</a>
        </p>
      </section>
    ),
    margin_weeks: (
      <section class="card" aria-labelledby="margin-weeks" data-card="margin_weeks">
        <h2 id="margin-weeks">{t("dashboard.margin_weeks")}</h2>
        <ColumnChart
          title={t("dashboard.margin_per_week")}
          data={n.marginWeeks.map((w) => ({ label: w.week, value: w.margin_cents }))}
        />
        <Unconverted list={n.marginUnconverted} t={t} format={props.format} />
        <p class="muted">
          <a href="/reports?report=margin&by=load">{t("dashboard.margin_by_load")}</a>
        </p>
      </section>
    ),
    top_customers: (
      <section class="card" aria-labelledby="top-customers" data-card="top_customers">
        <h2 id="top-customers">{t("dashboard.top_customers")}</h2>
        <ol>
          {n.topCustomers.map((top) => (
            <li key={`${top.id}:${top.currency}`}>
              <a href={`/customers/${top.id}`}>{top.name}</a> ·{" "}
              <span class="money">
                {formatMoney(
                  top.total_cents,
                  inCurrency(props.format ?? DEFAULT_FORMAT, top.currency),
                )}
              </span>
            </li>
          ))}
        </ol>
      </section>
    ),
    top_suppliers: (
      <section class="card" aria-labelledby="top-suppliers" data-card="top_suppliers">
        <h2 id="top-suppliers">{t("dashboard.top_suppliers")}</h2>
        <ol>
          {n.topSuppliers.map((top) => (
            <li key={top.id}>
              <a href={`/suppliers/${top.id}`}>{top.name}</a> ·{" "}
              <span class="money">{money(top.total_cents)}</span>
            </li>
          ))}
        </ol>
      </section>
    ),
  };
  return (
    <>
      <h1>{props.title ?? t("nav.dashboard")}</h1>
      {empty
        ? (
          <section class="card empty-state">
            <h2>{t("dashboard.welcome", { name: props.name })}</h2>
            <p>
              {t("dashboard.ready", { workspace: props.tenantName })}{" "}
              <a href="/suppliers/new">{t("dashboard.suppliers")}</a> {t("dashboard.and")}{" "}
              <a href="/customers/new">{t("dashboard.customers")}</a>
              {t("dashboard.then_enter_a")}{" "}
              <a href="/purchase-orders/new">{t("dashboard.purchase_order")}</a>
              {t("dashboard.or_invite")}{" "}
              <a href="/settings/members">{t("dashboard.settings_members")}</a>.
            </p>
          </section>
        )
        : null}
      <div class="dashboard-grid">
        {(props.cards ?? DASHBOARD_CARDS).map((card) => (
          <Fragment key={card}>{shown[card]}</Fragment>
        ))}
      </div>
    </>
  );
}
