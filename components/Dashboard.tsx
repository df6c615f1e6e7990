/**
 * @module components/Dashboard
 * The first page of a workspace: open POs, loads by status, receivables aging, bills to pay this
 * week, margin over the last 12 weeks, and the top customers and suppliers of the last 90 days.
 */
import type { DashboardNumbers } from "../domain/reports.ts";
import { AGING_BUCKETS } from "../domain/reports.ts";
import { money } from "../domain/format.ts";
import { LOAD_STATUS } from "../domain/catalog.ts";
import { BarChart, ColumnChart } from "./Charts.tsx";

export function Dashboard(props: { name: string; tenantName: string; numbers: DashboardNumbers }) {
  const n = props.numbers;
  const empty = n.openPurchaseOrders.count === 0 && n.loadsByStatus.every((l) => l.count === 0);
  return (
    <>
      <h1>Dashboard</h1>
      {empty
        ? (
          <section class="card empty-state">
            <h2>Welcome, {props.name}</h2>
            <p>
              {props.tenantName} is ready. Start with your <a href="/suppliers/new">suppliers</a>
              {" "}
              and <a href="/customers/new">customers</a>, then enter a{" "}
              <a href="/purchase-orders/new">purchase order</a>, or invite your team in{" "}
              <a href="/settings/members">Settings → Members</a>.
            </p>
          </section>
        )
        : null}
      <div class="dashboard-grid">
        <section class="card" aria-labelledby="open-pos">
          <h2 id="open-pos">Open purchase orders</h2>
          <p class="stat">{n.openPurchaseOrders.count}</p>
          <p class="muted">
            worth {money(n.openPurchaseOrders.total_cents)} ·{" "}
            <a href="/purchase-orders?status=draft,pending,approved">See them</a>
          </p>
          {n.expiringInsurance
            ? (
              <p class="flash warning">
                <a href="/carriers?insurance_expiring=true">
                  {n.expiringInsurance} carrier{n.expiringInsurance === 1 ? "" : "s"}
                </a>{" "}
                with insurance expiring within 30 days.
              </p>
            )
            : null}
        </section>
        <section class="card" aria-labelledby="loads-status">
          <h2 id="loads-status">Loads by status</h2>
          <BarChart
            title="Loads by status"
            cents={false}
            data={n.loadsByStatus.map((l) => ({
              label: LOAD_STATUS.find((s) => s.value === l.status)?.label ?? l.status,
              value: l.count,
            }))}
          />
        </section>
        <section class="card" aria-labelledby="aging">
          <h2 id="aging">Receivables aging</h2>
          <BarChart
            title="Receivables by days past due"
            data={AGING_BUCKETS.map((b) => ({ label: b, value: n.aging[b] }))}
          />
          <p class="muted">
            <a href="/reports?report=aging">Aging by customer</a>
          </p>
        </section>
        <section class="card" aria-labelledby="payables-week">
          <h2 id="payables-week">To pay this week</h2>
          <p class="stat" data-payables-week>{money(n.payablesThisWeek.total_cents)}</p>
          <p class="muted">
            {n.payablesThisWeek.count === 1 ? "1 bill" : `${n.payablesThisWeek.count} bills`}{" "}
            due by Sunday{n.payablesThisWeek.overdue_cents > 0
              ? `, ${money(n.payablesThisWeek.overdue_cents)} of it past due`
              : ""}. <a href="/reports?report=ap_aging">Payables aging</a>
          </p>
        </section>
        <section class="card" aria-labelledby="margin-weeks">
          <h2 id="margin-weeks">Margin, last 12 weeks</h2>
          <ColumnChart
            title="Margin per week"
            data={n.marginWeeks.map((w) => ({ label: w.week, value: w.margin_cents }))}
          />
          <p class="muted">
            <a href="/reports?report=margin&by=load">Margin by load</a>
          </p>
        </section>
        <section class="card" aria-labelledby="top-customers">
          <h2 id="top-customers">Top customers, 90 days</h2>
          <ol>
            {n.topCustomers.map((t) => (
              <li key={t.id}>
                <a href={`/customers/${t.id}`}>{t.name}</a> ·{" "}
                <span class="money">{money(t.total_cents)}</span>
              </li>
            ))}
          </ol>
        </section>
        <section class="card" aria-labelledby="top-suppliers">
          <h2 id="top-suppliers">Top suppliers, 90 days</h2>
          <ol>
            {n.topSuppliers.map((t) => (
              <li key={t.id}>
                <a href={`/suppliers/${t.id}`}>{t.name}</a> ·{" "}
                <span class="money">{money(t.total_cents)}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
