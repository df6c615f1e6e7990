/**
 * @module components/OperatorAlerts
 * The operator console's alerts page in parts: alerts (firing first, then history), rules with
 * their switch, channels, silences, and the forms that add each. Plain data in.
 */
import type { Alert, AlertRule } from "../ops/alerts.ts";
import type { AlertChannel } from "../ops/alert_channels.ts";
import { CsrfInput } from "./Form.tsx";

const SEVERITY_CLASS: Record<string, string> = {
  critical: "badge danger",
  warning: "badge warn",
  info: "badge",
};

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—";
}

/** Alerts, firing first. */
export function AlertsTable(props: { alerts: Alert[]; csrf: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Alerts, firing first ({props.alerts.length})</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Severity</th>
            <th scope="col">What</th>
            <th scope="col">Started</th>
            <th scope="col">Resolved</th>
            <th scope="col">Silence</th>
          </tr>
        </thead>
        <tbody>
          {props.alerts.map((a) => (
            <tr key={a.id}>
              <td>
                <span class={a.status === "firing" ? "badge danger" : "badge ok"}>{a.status}</span>
              </td>
              <td>
                <span class={SEVERITY_CLASS[a.severity] ?? "badge"}>{a.severity}</span>
              </td>
              <td>
                {a.tenantSlug
                  ? (
                    <>
                      <a href={`/operator/tenants/${encodeURIComponent(a.tenantSlug)}`}>
                        {a.tenantSlug}
                      </a>:{" "}
                    </>
                  )
                  : null}
                {a.summary}
              </td>
              <td>{when(a.startedAt)}</td>
              <td>{when(a.resolvedAt)}</td>
              <td>
                {a.status === "firing"
                  ? (
                    <form method="post" action="/operator/alerts/silences" class="inline-form">
                      <CsrfInput token={props.csrf} />
                      <input type="hidden" name="rule_id" value={a.ruleId} />
                      <input type="hidden" name="tenant_slug" value={a.tenantSlug ?? ""} />
                      <input type="hidden" name="hours" value="4" />
                      <input type="hidden" name="reason" value={`Silenced from alert ${a.id}`} />
                      <button class="button secondary" type="submit">Silence 4 hours</button>
                    </form>
                  )
                  : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Rules with a switch each. */
export function RulesTable(props: { rules: AlertRule[]; csrf: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Rules</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Kind</th>
            <th scope="col">Signal</th>
            <th scope="col">Scope</th>
            <th scope="col" class="num">Threshold</th>
            <th scope="col" class="num">Min. events</th>
            <th scope="col">Severity</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.kind}</td>
              <td>{r.signal}</td>
              <td>{r.scope}</td>
              <td class="num">{r.threshold ?? "—"}</td>
              <td class="num">{r.minEvents}</td>
              <td>{r.severity}</td>
              <td>
                <form
                  method="post"
                  action={`/operator/alerts/rules/${encodeURIComponent(r.id)}/${
                    r.enabled ? "disable" : "enable"
                  }`}
                >
                  <CsrfInput token={props.csrf} />
                  <span class={r.enabled ? "badge ok" : "badge"}>{r.enabled ? "on" : "off"}</span>
                  {" "}
                  <button class="button secondary" type="submit">
                    {r.enabled ? "Switch off" : "Switch on"}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Select(props: { id: string; label: string; options: readonly string[] }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id}>
        {props.options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </div>
  );
}

/** Adds a threshold or anomaly rule. */
export function RuleForm(
  props: { csrf: string; signals: readonly string[]; severities: readonly string[] },
) {
  return (
    <form method="post" action="/operator/alerts/rules">
      <CsrfInput token={props.csrf} />
      <div class="field">
        <label for="name">Name</label>
        <input id="name" name="name" required maxLength={120} />
      </div>
      <Select id="kind" label="Kind" options={["threshold", "anomaly"]} />
      <Select id="signal" label="Signal" options={props.signals} />
      <Select id="scope" label="Scope" options={["tenant", "service"]} />
      <div class="field">
        <label for="threshold">Threshold (a share as 0.2 for 20%; threshold rules)</label>
        <input id="threshold" name="threshold" inputMode="decimal" />
      </div>
      <div class="field">
        <label for="min_events">Least requests in 5 minutes</label>
        <input id="min_events" name="min_events" inputMode="numeric" value="20" />
      </div>
      <Select id="severity" label="Severity" options={props.severities} />
      <button class="button" type="submit">Add rule</button>
    </form>
  );
}

/** Channels with a remove button each. */
export function ChannelsTable(props: { channels: AlertChannel[]; csrf: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>Channels</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Target</th>
            <th scope="col">From severity</th>
            <th scope="col">Remove</th>
          </tr>
        </thead>
        <tbody>
          {props.channels.map((ch) => (
            <tr key={ch.id}>
              <td>{ch.name}</td>
              <td>{ch.kind}{ch.hasSecret ? " (secret set)" : ""}</td>
              <td>{ch.kind === "pagerduty" ? "routing key ••••" : ch.target}</td>
              <td>{ch.minSeverity}</td>
              <td>
                <form
                  method="post"
                  action={`/operator/alerts/channels/${encodeURIComponent(ch.id)}/remove`}
                >
                  <CsrfInput token={props.csrf} />
                  <button class="button secondary" type="submit">Remove</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Adds a channel. */
export function ChannelForm(
  props: { csrf: string; kinds: readonly string[]; severities: readonly string[] },
) {
  return (
    <form method="post" action="/operator/alerts/channels">
      <CsrfInput token={props.csrf} />
      <div class="field">
        <label for="channel_name">Name</label>
        <input id="channel_name" name="name" required maxLength={120} />
      </div>
      <Select id="channel_kind" label="Kind" options={props.kinds} />
      <div class="field">
        <label for="target">Address, URL, or PagerDuty routing key</label>
        <input id="target" name="target" required maxLength={500} />
      </div>
      <div class="field">
        <label for="secret">Signing secret (webhook) or events URL (PagerDuty), optional</label>
        <input id="secret" name="secret" maxLength={500} autocomplete="off" />
      </div>
      <Select id="min_severity" label="From severity" options={props.severities} />
      <button class="button" type="submit">Add channel</button>
    </form>
  );
}
