/**
 * @module components/OperatorTenants
 * The operator console's workspace list and a workspace's detail: plain data in, no queries. The
 * health and status columns say their state in words (colour only repeats it).
 */
import type { TenantOverview } from "../ops/tenant_overview.ts";
import { CsrfInput } from "./Form.tsx";

const HEALTH_CLASS: Record<TenantOverview["health"], string> = {
  ok: "badge ok",
  failing: "badge danger",
  suspended: "badge warn",
};

/** Bytes as KB/MB/GB, "—" when unknown (a database on Turso). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "never";
}

/** The console's links (tenants, alerts, releases, jobs, security log), the current one marked. */
export function OperatorNav(
  props: { current: "tenants" | "alerts" | "releases" | "jobs" | "security" },
) {
  const links = [
    ["tenants", "/operator", "Workspaces"],
    ["alerts", "/operator/alerts", "Alerts"],
    ["releases", "/operator/releases", "Releases"],
    ["jobs", "/operator/jobs", "Jobs"],
    ["security", "/operator/security", "Security log"],
  ] as const;
  return (
    <nav aria-label="Operator console" class="inline-form">
      {links.map(([key, href, label]) => (
        <a
          key={key}
          href={href}
          class={key === props.current ? "button" : "button secondary"}
          aria-current={key === props.current ? "page" : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}

/** Every workspace with plan, status, seats, usage, database size, last activity and region. */
export function TenantsTable(props: { tenants: TenantOverview[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Workspaces, newest first ({props.tenants.length})</caption>
        <thead>
          <tr>
            <th scope="col">Workspace</th>
            <th scope="col">Health</th>
            <th scope="col">Plan</th>
            <th scope="col">Billing</th>
            <th scope="col" class="num">Seats</th>
            <th scope="col" class="num">Documents this month</th>
            <th scope="col" class="num">Database</th>
            <th scope="col">Last activity</th>
            <th scope="col">Region</th>
            <th scope="col">Channel</th>
          </tr>
        </thead>
        <tbody>
          {props.tenants.map((t) => (
            <tr key={t.id}>
              <td>
                <a href={`/operator/tenants/${encodeURIComponent(t.slug)}`}>{t.slug}</a>
                <br />
                <span class="muted">{t.name}</span>
              </td>
              <td>
                <span class={HEALTH_CLASS[t.health]}>{t.health}</span>
              </td>
              <td>{t.plan}</td>
              <td>{t.billingStatus}</td>
              <td class="num">{t.seats}</td>
              <td class="num">{t.documentsThisMonth}</td>
              <td class="num">{formatBytes(t.dbBytes)}</td>
              <td>{when(t.lastActivity)}</td>
              <td>{t.region}</td>
              <td>{t.channel}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A workspace's facts as a definition list. */
export function TenantFacts(props: { tenant: TenantOverview }) {
  const t = props.tenant;
  const rows: Array<[string, string]> = [
    ["Status", t.status],
    ["Health", t.health],
    ["Plan", t.plan],
    ["Billing", t.billingStatus + (t.trialEndsAt ? ` (trial ends ${when(t.trialEndsAt)})` : "")],
    ["Seats", String(t.seats)],
    ["Documents this month", String(t.documentsThisMonth)],
    ["AI tokens this month", String(t.aiTokensThisMonth)],
    ["Database", `${formatBytes(t.dbBytes)}, ${t.region}`],
    ["Jobs", `${t.queuedJobs} queued, ${t.deadJobs} dead`],
    ["Release channel", t.channel],
    ["Last activity", when(t.lastActivity)],
    ["Created", when(t.createdAt)],
  ];
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Suspend or reactivate, with the reason that goes into both audit trails. */
export function TenantStatusForm(props: { tenant: TenantOverview; csrf: string }) {
  const suspend = props.tenant.status === "active";
  const action = suspend ? "suspend" : "reactivate";
  return (
    <form
      method="post"
      action={`/operator/tenants/${encodeURIComponent(props.tenant.slug)}/${action}`}
    >
      <CsrfInput token={props.csrf} />
      <div class="field">
        <label for="reason">Reason (kept in the operators' and the workspace's audit log)</label>
        <input id="reason" name="reason" required minLength={3} maxLength={500} />
      </div>
      <button class={suspend ? "button danger" : "button"} type="submit">
        {suspend ? "Suspend workspace" : "Reactivate workspace"}
      </button>
      <p class="muted">
        {suspend
          ? "Its members then see a page saying the workspace is suspended; nothing is deleted."
          : "Its members get their workspace back at once, as they left it."}
      </p>
    </form>
  );
}

/** Starts a read-only view of the workspace: a reason and a time limit are required. */
export function TenantViewForm(
  props: { tenant: TenantOverview; csrf: string; maxMinutes: number },
) {
  return (
    <form method="post" action={`/operator/tenants/${encodeURIComponent(props.tenant.slug)}/view`}>
      <CsrfInput token={props.csrf} />
      <div class="field">
        <label for="view-reason">
          Reason (the workspace's owners see it in their security log)
        </label>
        <input id="view-reason" name="reason" required minLength={3} maxLength={500} />
      </div>
      <div class="field">
        <label for="view-minutes">For how many minutes (at most {props.maxMinutes})</label>
        <input
          id="view-minutes"
          name="minutes"
          type="number"
          min={1}
          max={props.maxMinutes}
          value="15"
          required
        />
      </div>
      <button class="button secondary" type="submit">Open the workspace read-only</button>
      <p class="muted">
        Every page then carries a banner naming you, the reason and the end time; nothing can be
        changed.
      </p>
    </form>
  );
}

/** The workspace's operator views, newest first. */
export function TenantViews(
  props: {
    views: Array<
      {
        operatorEmail: string;
        reason: string;
        startedAt: string;
        expiresAt: string;
        endedAt: string | null;
      }
    >;
  },
) {
  if (!props.views.length) return <p class="muted">No operator has viewed this workspace.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>Operator views</caption>
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col">Reason</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
          </tr>
        </thead>
        <tbody>
          {props.views.map((v) => (
            <tr key={v.startedAt + v.operatorEmail}>
              <td>{v.operatorEmail}</td>
              <td>{v.reason}</td>
              <td>{when(v.startedAt)}</td>
              <td>{v.endedAt ? when(v.endedAt) : `by ${when(v.expiresAt)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Moves the workspace to a release channel (a pin names a release). */
export function TenantChannelForm(
  props: { tenant: TenantOverview; csrf: string; releases: string[] },
) {
  return (
    <form
      method="post"
      action={`/operator/tenants/${encodeURIComponent(props.tenant.slug)}/channel`}
    >
      <CsrfInput token={props.csrf} />
      <div class="field">
        <label for="channel">Channel</label>
        <select id="channel" name="channel">
          {["stable", "early", "pinned"].map((c) => (
            <option key={c} value={c} selected={props.tenant.channel.startsWith(c)}>{c}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="release">Release (when pinned)</label>
        <select id="release" name="release">
          <option value="">—</option>
          {props.releases.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="channel-reason">Reason</label>
        <input id="channel-reason" name="reason" required minLength={3} maxLength={500} />
      </div>
      <button class="button secondary" type="submit">Move to this channel</button>
    </form>
  );
}
