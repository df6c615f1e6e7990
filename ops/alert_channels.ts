/**
 * @module ops/alert_channels
 * Where operators' alerts go, and the sending of the notifications ops/alerts.ts queued. Pending
 * notifications are grouped per channel, so five workspaces failing at once make one message per
 * channel, not five. Four kinds:
 * - `email`: one message through the outbox (mail/outbox.ts) to the channel's address;
 * - `webhook`: a JSON POST signed like Stripe's: `x-projectmeats-signature: t=<unix>,v1=<hex
 *   HMAC-SHA256 of "<t>.<body>" with the channel's secret>`;
 * - `slack`: a Slack-compatible incoming webhook (`{"text": ...}`, also taken by Mattermost,
 *   Rocket.Chat and Discord's /slack endpoint);
 * - `pagerduty`: PagerDuty Events API v2, one trigger or resolve per alert with the alert's
 *   fingerprint as `dedup_key`, so PagerDuty deduplicates too.
 * A send that fails stays `failed` and is tried again at the next evaluation, five times at most.
 * With `OPENAI_API_KEY`, each delivery starts with a plain-words summary (ops/alert_summary.ts).
 */
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { NotFoundError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { sendMail } from "../mail/outbox.ts";
import type { Severity } from "./alerts.ts";
import { type AlertSummarizer, alertSummarizer } from "./alert_summary.ts";

export const CHANNEL_KINDS = ["email", "webhook", "slack", "pagerduty"] as const;
export type ChannelKind = typeof CHANNEL_KINDS[number];

/** The default endpoint of PagerDuty's Events API v2. */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
const MAX_ATTEMPTS = 5;
const SEND_TIMEOUT_MS = 10_000;

/** A channel as the console lists it (the secret is never shown again). */
export interface AlertChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  target: string;
  hasSecret: boolean;
  minSeverity: Severity;
  enabled: boolean;
}

/** Every channel. */
export async function listChannels(control: Client): Promise<AlertChannel[]> {
  const rs = await control.execute("SELECT * FROM ops_alert_channels ORDER BY created_at");
  return rs.rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    kind: String(r.kind) as ChannelKind,
    target: String(r.target),
    hasSecret: r.secret !== null,
    minSeverity: String(r.min_severity) as Severity,
    enabled: Number(r.enabled) === 1,
  }));
}

/** Adds a channel; `secret` signs a generic webhook or overrides PagerDuty's URL. */
export async function addChannel(
  control: Client,
  channel: {
    name: string;
    kind: ChannelKind;
    target: string;
    secret: string | null;
    minSeverity: Severity;
  },
  now: Date,
): Promise<string> {
  const id = newId(now.getTime());
  await control.execute({
    sql: `INSERT INTO ops_alert_channels (id, name, kind, target, secret, min_severity, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      channel.name,
      channel.kind,
      channel.target,
      channel.secret,
      channel.minSeverity,
      now.toISOString(),
    ],
  });
  return id;
}

/** Removes a channel and its notification history. */
export async function removeChannel(control: Client, id: string): Promise<void> {
  await control.execute({
    sql: "DELETE FROM ops_alert_notifications WHERE channel_id = ?",
    args: [id],
  });
  const rs = await control.execute({
    sql: "DELETE FROM ops_alert_channels WHERE id = ?",
    args: [id],
  });
  if (!rs.rowsAffected) throw new NotFoundError("There is no alert channel with that id.");
}

/** One alert event as channels receive it. */
export interface AlertEvent {
  id: string;
  fingerprint: string;
  status: "firing" | "resolved";
  rule: string;
  severity: string;
  signal: string;
  tenant: string | null;
  summary: string;
  value: number | null;
  expected: number | null;
  startedAt: string;
  resolvedAt: string | null;
}

interface Row {
  channelId: string;
  kind: ChannelKind;
  target: string;
  secret: string | null;
  event: AlertEvent;
  key: { alertId: string; event: string };
}

/** Hex HMAC-SHA256 of `payload` with `secret` (the generic webhook's signature). */
export async function signPayload(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function line(e: AlertEvent): string {
  const head = e.status === "firing" ? `[FIRING ${e.severity}]` : "[RESOLVED]";
  return `${head} ${e.summary} (${e.rule})`;
}

/** One POST to a channel's endpoint; throws unless it answers 2xx (a redirect is a failure). */
export async function postToChannel(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    // A redirect is refused, not followed: it could lead the POST to the metadata service or
    // another machine of the private network.
    redirect: "manual",
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

async function send(
  services: Services,
  kind: ChannelKind,
  channel: { target: string; secret: string | null },
  events: AlertEvent[],
  consoleUrl: string,
  summary: string | null,
): Promise<void> {
  const firing = events.filter((e) => e.status === "firing").length;
  const title = `${firing} alert${firing === 1 ? "" : "s"} firing, ${
    events.length - firing
  } resolved`;
  if (kind === "email") {
    await sendMail(services, {
      to: channel.target,
      subject: `[ProjectMeats] ${title}`,
      text: `${summary ? `${summary}\n\n` : ""}${
        events.map(line).join("\n")
      }\n\nAll alerts: ${consoleUrl}\n`,
    });
  } else if (kind === "slack") {
    await postToChannel(
      channel.target,
      JSON.stringify({
        text: `*ProjectMeats: ${title}*\n${summary ? `${summary}\n` : ""}${
          events.map(line).join("\n")
        }\n<${consoleUrl}|All alerts>`,
      }),
    );
  } else if (kind === "webhook") {
    const body = JSON.stringify({
      version: 1,
      title,
      summary_text: summary,
      console_url: consoleUrl,
      alerts: events,
    });
    const t = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {};
    if (channel.secret) {
      headers["x-projectmeats-signature"] = `t=${t},v1=${await signPayload(
        channel.secret,
        `${t}.${body}`,
      )}`;
    }
    await postToChannel(channel.target, body, headers);
  } else {
    for (const e of events) {
      await postToChannel(
        channel.secret ?? PAGERDUTY_EVENTS_URL,
        JSON.stringify({
          routing_key: channel.target,
          event_action: e.status === "firing" ? "trigger" : "resolve",
          dedup_key: e.fingerprint,
          payload: {
            summary: e.summary,
            source: new URL(consoleUrl).host,
            severity: e.severity === "critical"
              ? "critical"
              : e.severity === "warning"
              ? "warning"
              : "info",
            custom_details: {
              summary_text: summary,
              rule: e.rule,
              tenant: e.tenant,
              value: e.value,
              expected: e.expected,
            },
          },
          links: [{ href: consoleUrl, text: "Operator console" }],
        }),
      );
    }
  }
}

/** Sends every pending (or failed, not yet given up) notification, grouped per channel. */
export async function deliverNotifications(
  services: Services,
  summarize: AlertSummarizer = alertSummarizer(services.config, services.log),
): Promise<{ sent: number; failed: number }> {
  const { control, config } = services;
  const rs = await control.execute({
    sql: `SELECT n.alert_id, n.channel_id, n.event, c.kind, c.target, c.secret, a.fingerprint,
            a.severity, a.signal, a.tenant_slug, a.summary, a.value, a.expected, a.started_at,
            a.resolved_at, r.name AS rule_name
          FROM ops_alert_notifications n
          JOIN ops_alert_channels c ON c.id = n.channel_id AND c.enabled = 1
          JOIN ops_alerts a ON a.id = n.alert_id
          LEFT JOIN ops_alert_rules r ON r.id = a.rule_id
          WHERE n.status = 'pending' OR (n.status = 'failed' AND n.attempts < ?)
          ORDER BY n.created_at, n.event DESC`,
    args: [MAX_ATTEMPTS],
  });
  const byChannel = new Map<string, Row[]>();
  for (const r of rs.rows) {
    const row: Row = {
      channelId: String(r.channel_id),
      kind: String(r.kind) as ChannelKind,
      target: String(r.target),
      secret: r.secret === null ? null : String(r.secret),
      key: { alertId: String(r.alert_id), event: String(r.event) },
      event: {
        id: String(r.alert_id),
        fingerprint: String(r.fingerprint),
        status: r.event === "resolved" ? "resolved" : "firing",
        rule: r.rule_name === null ? "removed rule" : String(r.rule_name),
        severity: String(r.severity),
        signal: String(r.signal),
        tenant: r.tenant_slug === null ? null : String(r.tenant_slug),
        summary: String(r.summary),
        value: r.value === null ? null : Number(r.value),
        expected: r.expected === null ? null : Number(r.expected),
        startedAt: String(r.started_at),
        resolvedAt: r.resolved_at === null ? null : String(r.resolved_at),
      },
    };
    byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
  }
  const consoleUrl = `${
    config.secureCookies ? "https" : "http"
  }://${config.APP_DOMAIN}/operator/alerts`;
  // One summary for this delivery's events (each alert event once), shared by every channel.
  const unique = new Map<string, AlertEvent>();
  for (const rows of byChannel.values()) {
    for (const r of rows) unique.set(`${r.key.alertId}:${r.key.event}`, r.event);
  }
  const summary = byChannel.size ? summarize([...unique.values()]) : Promise.resolve(null);
  let sent = 0;
  let failed = 0;
  for (const [channelId, rows] of byChannel) {
    const first = rows[0]!;
    let error: string | null = null;
    try {
      await send(services, first.kind, first, rows.map((r) => r.event), consoleUrl, await summary);
    } catch (err) {
      error = String(err instanceof Error ? err.message : err).slice(0, 500);
      services.log.warn("alert notification failed", { channel: channelId, error });
    }
    const at = new Date().toISOString();
    await control.batch(
      rows.map((r) => ({
        sql: `UPDATE ops_alert_notifications SET status = ?, attempts = attempts + 1,
                last_error = ?, sent_at = ? WHERE alert_id = ? AND channel_id = ? AND event = ?`,
        args: [
          error ? "failed" : "sent",
          error,
          error ? null : at,
          r.key.alertId,
          channelId,
          r.key.event,
        ],
      })),
      "write",
    );
    if (error) failed += rows.length;
    else sent += rows.length;
  }
  return { sent, failed };
}
