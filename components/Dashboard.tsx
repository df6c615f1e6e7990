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
import { LOAD_STATUS } from "../domain/catalog.ts";
import { DASHBOARD_CARDS, type DashboardCard } from "../customization/document/shaping.ts";
import { BarChart, ColumnChart } from "./Charts.tsx";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export function Dashboard(props: {
  name: string;
  tenantName: string;
  numbers: DashboardNumbers;
  /** The cards to show, in order (every card by default). */
  cards?: readonly DashboardCard[];
  /** The tenant's words for the built-in ones (record type names). */
  words?: (text: string) => string;
  format?: FormatSettings;
  /** The page's heading: the dashboard's navigation label. */
  title?: string;
  /** The day weeks start on: 0 Sunday, 1 Monday (default), 6 Saturday. */
  weekStartsOn?: number;
}) {
  const n = props.numbers;
  const t = props.words ?? ((text: string) => text);
  const money = (cents: unknown) => formatMoney(cents, props.format ?? DEFAULT_FORMAT);
  const weekEnds = WEEKDAYS[((props.weekStartsOn ?? 1) + 6) % 7];
  const empty = n.openPurchaseOrders.count === 0 && n.loadsByStatus.every((l) => l.count === 0);
  const shown: Record<DashboardCard, ComponentChildren> = {
    open_purchase_orders: (
      <section class="card" aria-labelledby="open-pos" data-card="open_purchase_orders">
        <h2 id="open-pos">{t("Open purchase orders")}</h2>
        <p class="stat">{n.openPurchaseOrders.count}</p>
        <p class="muted">
          worth {money(n.openPurchaseOrders.total_cents)} ·{" "}
          <a href="/purchase-orders?status=draft,pending,approved">See them</a>
        </p>
        {n.expiringInsurance
          ? (
            <p class="flash warning">
              <a href="/carriers?insurance_expiring=true">
                {n.expiringInsurance} {t(n.expiringInsurance === 1 ? "carrier" : "carriers")}
              </a>{" "}
              with insurance expiring within 30 days.
            </p>
          )
          : null}
      </section>
    ),
    loads_by_status: (
      <section class="card" aria-labelledby="loads-status" data-card="loads_by_status">
        <h2 id="loads-status">{t("Loads by status")}</h2>
        <BarChart
          title={t("Loads by status")}
          cents={false}
          data={n.loadsByStatus.map((l) => ({
            label: LOAD_STATUS.find((s) =>
              s.value === l.status
            )?.label ?? l.status,
            value: l.count,
          }))}
        />
      </section>
    ),
    receivables_aging: (
      <section class="card" aria-labelledby="aging" data-card="receivables_aging">
        <h2 id="aging">Receivables aging</h2>
        <BarChart
          title="Receivables by days past due"
          data={AGING_BUCKETS.map((b) => ({ label: b, value: n.aging[b] }))}
        />
        <p class="muted">
          <a href="/reports?report=aging">Aging by customer</a>
        </p>
      </section>
    ),
    payables_this_week: (
      <section class="card" aria-labelledby="payables-week" data-card="payables_this_week">
        <h2 id="payables-week">To pay this week</h2>
        <p class="stat" data-payables-week>{money(n.payablesThisWeek.total_cents)}</p>
        <p class="muted">
          {n.payablesThisWeek.count === 1 ? "1 bill" : `${n.payablesThisWeek.count} bills`} due by
          {" "}
          {weekEnds}
          {n.payablesThisWeek.overdue_cents > 0
            ? `, ${money(n.payablesThisWeek.overdue_cents)} of it past due`
            : ""}. <a href="/reports?report=ap_aging">Payables aging</a>
        </p>
      </section>
    ),
    margin_weeks: (
      <section class="card" aria-labelledby="margin-weeks" data-card="margin_weeks">
        <h2 id="margin-weeks">{t("Margin, last 12 weeks")}</h2>
        <ColumnChart
          title="Margin per week"
          data={n.marginWeeks.map((w) => ({ label: w.week, value: w.margin_cents }))}
        />
        <p class="muted">
          <a href="/reports?report=margin&by=load">{t("Margin by load")}</a>
        </p>
      </section>
    ),
    top_customers: (
      <section class="card" aria-labelledby="top-customers" data-card="top_customers">
        <h2 id="top-customers">{t("Top customers, 90 days")}</h2>
        <ol>
          {n.topCustomers.map((t) => (
            <li key={t.id}>
              <a href={`/customers/${t.id}`}>{t.name}</a> ·{" "}
              <span class="money">{money(t.total_cents)}</span>
            </li>
          ))}
        </ol>
      </section>
    ),
    top_suppliers: (
      <section class="card" aria-labelledby="top-suppliers" data-card="top_suppliers">
        <h2 id="top-suppliers">{t("Top suppliers, 90 days")}</h2>
        <ol>
          {n.topSuppliers.map((t) => (
            <li key={t.id}>
              <a href={`/suppliers/${t.id}`}>{t.name}</a> ·{" "}
              <span class="money">{money(t.total_cents)}</span>
            </li>
          ))}
        </ol>
      </section>
    ),
  };
  return (
    <>
      <h1>{props.title ?? "Dashboard"}</h1>
      {empty
        ? (
          <section class="card empty-state">
            <h2>Welcome, {props.name}</h2>
            <p>
              {props.tenantName} is ready. Start with your{" "}
              <a href="/suppliers/new">{t("suppliers")}</a> and{" "}
              <a href="/customers/new">{t("customers")}</a>, then enter a{" "}
              <a href="/purchase-orders/new">{t("purchase order")}</a>, or invite your team in{" "}
              <a href="/settings/members">Settings → Members</a>.
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
