/**
 * @module ops/alerts
 * The operators' alert rules and their evaluation. Every minute a worker calls `evaluateAlerts`;
 * it judges the newest complete 5-minute bucket once across all machines (a compare-and-set on a
 * cursor row claims it), for every enabled rule:
 * - `threshold`: a series fires while its value is above the rule's threshold on at least
 *   `min_events` events, and resolves in the first bucket where it is not;
 * - `anomaly`: each series' detector (ops/anomaly.ts) is fed the bucket's sample and decides.
 * An alert is one row per episode, keyed by its fingerprint (rule + series): a series that keeps
 * firing updates its row and notifies nobody again (deduplication). A new alert queues one
 * notification per channel whose minimum severity it reaches, held when a silence matches; a
 * resolved alert queues a resolve notification to the channels that were told it fired.
 * ops/alert_channels.ts then sends them, grouped per channel.
 */
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { InvalidError, NotFoundError } from "../domain/errors.ts";
import { type DetectorState, newDetectorState, observe } from "./anomaly.ts";
import { BUCKET_MS, type Sample, sampleSignal, type Signal, SIGNAL_INFO } from "./alert_signals.ts";

export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = typeof SEVERITIES[number];

/** A rule as the console shows and edits it. */
export interface AlertRule {
  id: string;
  name: string;
  kind: "threshold" | "anomaly";
  signal: Signal;
  scope: "tenant" | "service";
  threshold: number | null;
  minEvents: number;
  severity: Severity;
  enabled: boolean;
}

/** An alert episode. */
export interface Alert {
  id: string;
  fingerprint: string;
  ruleId: string;
  tenantSlug: string | null;
  signal: string;
  severity: Severity;
  status: "firing" | "resolved";
  summary: string;
  value: number | null;
  expected: number | null;
  startedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

/** How often workers call `evaluateAlerts` (each call judges at most one new bucket). */
export const ALERTS_EVERY_MS = 60_000;
/** Tally minutes are written up to a minute late (ops/request_tally.ts): wait that long. */
const FLUSH_LAG_MS = 70_000;
const TALLY_KEPT_MS = 2 * 86_400_000;
const CURSOR = { rule: "_", series: "_cursor" };

/** Rank for "at least this severe": critical 0, warning 1, info 2. */
export function severityRank(s: string): number {
  const i = SEVERITIES.indexOf(s as Severity);
  return i < 0 ? SEVERITIES.length : i;
}

function toRule(r: Record<string, unknown>): AlertRule {
  return {
    id: String(r.id),
    name: String(r.name),
    kind: r.kind === "anomaly" ? "anomaly" : "threshold",
    signal: String(r.signal) as Signal,
    scope: r.scope === "service" ? "service" : "tenant",
    threshold: r.threshold === null ? null : Number(r.threshold),
    minEvents: Number(r.min_events),
    severity: String(r.severity) as Severity,
    enabled: Number(r.enabled) === 1,
  };
}

/** Every rule, the enabled first. */
export async function listRules(control: Client): Promise<AlertRule[]> {
  const rs = await control.execute(
    "SELECT * FROM ops_alert_rules ORDER BY enabled DESC, severity, name",
  );
  return rs.rows.map(toRule);
}

/** Adds a rule (validated by the console's schema); returns its id. */
export async function addRule(
  control: Client,
  rule: Omit<AlertRule, "id" | "enabled">,
  now: Date,
): Promise<string> {
  if (rule.kind === "threshold" && rule.threshold === null) {
    throw new InvalidError("A threshold rule needs a threshold.", { threshold: ["Required."] });
  }
  const id = newId(now.getTime());
  await control.execute({
    sql: `INSERT INTO ops_alert_rules (id, name, kind, signal, scope, threshold, min_events,
            severity, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    args: [
      id,
      rule.name,
      rule.kind,
      rule.signal,
      rule.scope,
      rule.threshold,
      rule.minEvents,
      rule.severity,
      now.toISOString(),
      now.toISOString(),
    ],
  });
  return id;
}

/** Switches a rule on or off; a rule switched off resolves nothing, its alerts just stop. */
export async function setRuleEnabled(
  control: Client,
  id: string,
  enabled: boolean,
  now: Date,
): Promise<void> {
  const rs = await control.execute({
    sql: "UPDATE ops_alert_rules SET enabled = ?, updated_at = ? WHERE id = ?",
    args: [enabled ? 1 : 0, now.toISOString(), id],
  });
  if (!rs.rowsAffected) throw new NotFoundError("There is no alert rule with that id.");
}

function toAlert(r: Record<string, unknown>): Alert {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(r.id),
    fingerprint: String(r.fingerprint),
    ruleId: String(r.rule_id),
    tenantSlug: r.tenant_slug === null ? null : String(r.tenant_slug),
    signal: String(r.signal),
    severity: String(r.severity) as Severity,
    status: r.status === "resolved" ? "resolved" : "firing",
    summary: String(r.summary),
    value: num(r.value),
    expected: num(r.expected),
    startedAt: String(r.started_at),
    lastSeenAt: String(r.last_seen_at),
    resolvedAt: r.resolved_at === null ? null : String(r.resolved_at),
  };
}

/** Alerts firing now and the newest resolved ones, optionally of one workspace. */
export async function listAlerts(
  control: Client,
  opts: { tenantSlug?: string; limit?: number } = {},
): Promise<Alert[]> {
  const rs = await control.execute({
    sql: `SELECT * FROM ops_alerts ${opts.tenantSlug ? "WHERE tenant_slug = ?" : ""}
          ORDER BY status = 'firing' DESC, started_at DESC LIMIT ?`,
    args: [...(opts.tenantSlug ? [opts.tenantSlug] : []), opts.limit ?? 100],
  });
  return rs.rows.map(toAlert);
}

/** Holds notifications of a rule's and/or a workspace's alerts until `until`. */
export async function addSilence(
  control: Client,
  silence: { ruleId: string | null; tenantSlug: string | null; until: Date; reason: string },
  by: string,
  now: Date,
): Promise<void> {
  if (!silence.ruleId && !silence.tenantSlug) {
    throw new InvalidError("A silence names a rule, a workspace or both.");
  }
  await control.execute({
    sql: `INSERT INTO ops_silences (id, rule_id, tenant_slug, until, reason, created_by, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [
      newId(now.getTime()),
      silence.ruleId,
      silence.tenantSlug,
      silence.until.toISOString(),
      silence.reason,
      by,
      now.toISOString(),
    ],
  });
}

/** Silences still holding notifications at `now`. */
export async function activeSilences(control: Client, now: Date) {
  const rs = await control.execute({
    sql: "SELECT * FROM ops_silences WHERE until > ? ORDER BY until",
    args: [now.toISOString()],
  });
  return rs.rows.map((r) => ({
    ruleId: r.rule_id === null ? null : String(r.rule_id),
    tenantSlug: r.tenant_slug === null ? null : String(r.tenant_slug),
    until: String(r.until),
    reason: String(r.reason),
    createdBy: r.created_by === null ? null : String(r.created_by),
  }));
}

/** Claims the bucket ending at `end` for this evaluator; false when another one judged it. */
async function claimBucket(control: Client, end: Date): Promise<boolean> {
  const now = new Date().toISOString();
  await control.execute({
    sql: `INSERT OR IGNORE INTO ops_detectors (rule_id, series, state, updated_at)
          VALUES (?, ?, '', ?)`,
    args: [CURSOR.rule, CURSOR.series, now],
  });
  const rs = await control.execute({
    sql: `UPDATE ops_detectors SET state = ?, updated_at = ?
          WHERE rule_id = ? AND series = ? AND state < ?`,
    args: [end.toISOString(), now, CURSOR.rule, CURSOR.series, end.toISOString()],
  });
  return rs.rowsAffected === 1;
}

interface Judged {
  series: string;
  tenantSlug: string | null;
  firing: boolean;
  value: number;
  expected: number | null;
  events: number;
}

function summaryOf(rule: AlertRule, j: Judged): string {
  const info = SIGNAL_INFO[rule.signal];
  const who = j.tenantSlug ?? "Service";
  const base = `${who}: ${info.label} ${info.format(j.value)} over 5 minutes`;
  if (rule.kind === "threshold") {
    return `${base} (threshold ${info.format(rule.threshold ?? 0)}, ${j.events} events)`;
  }
  return `${base} (usual ${j.expected === null ? "unknown" : info.format(j.expected)})`;
}

async function judgeThreshold(control: Client, rule: AlertRule, samples: Sample[]) {
  const open = await control.execute({
    sql: "SELECT tenant_slug, fingerprint FROM ops_alerts WHERE rule_id = ? AND status = 'firing'",
    args: [rule.id],
  });
  const judged = new Map<string, Judged>();
  for (const s of samples) {
    const firing = s.events >= rule.minEvents && s.value > (rule.threshold ?? Infinity);
    judged.set(s.series, { ...s, firing, expected: rule.threshold });
  }
  for (const r of open.rows) {
    const series = String(r.fingerprint).slice(rule.id.length + 1);
    if (!judged.has(series)) {
      const tenantSlug = r.tenant_slug === null ? null : String(r.tenant_slug);
      judged.set(series, {
        series,
        tenantSlug,
        firing: false,
        value: 0,
        expected: null,
        events: 0,
      });
    }
  }
  return [...judged.values()];
}

async function judgeAnomaly(control: Client, rule: AlertRule, samples: Sample[], start: Date) {
  const options = { ...SIGNAL_INFO[rule.signal].detector };
  if (rule.minEvents) options.minEvents = rule.minEvents;
  const rs = await control.execute({
    sql: "SELECT series, state FROM ops_detectors WHERE rule_id = ?",
    args: [rule.id],
  });
  const states = new Map<string, DetectorState>(
    rs.rows.map((r) => [String(r.series), JSON.parse(String(r.state)) as DetectorState]),
  );
  const bySeries = new Map(samples.map((s) => [s.series, s]));
  const judged: Judged[] = [];
  const slot = start.getUTCHours();
  for (const series of new Set([...states.keys(), ...bySeries.keys()])) {
    const sample = bySeries.get(series);
    const state = states.get(series) ?? newDetectorState(options);
    const tenantSlug = rule.scope === "tenant" ? series : null;
    const v = observe(state, options, sample?.value ?? 0, sample?.events ?? 0, slot);
    states.set(series, state);
    judged.push({
      series,
      tenantSlug,
      firing: v.firing,
      value: sample?.value ?? 0,
      expected: v.expected,
      events: sample?.events ?? 0,
    });
  }
  const now = new Date().toISOString();
  const writes = [...states].map(([series, state]) => ({
    sql: `INSERT INTO ops_detectors (rule_id, series, state, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (rule_id, series) DO UPDATE SET state = excluded.state,
            updated_at = excluded.updated_at`,
    args: [rule.id, series, JSON.stringify(state), now],
  }));
  for (let i = 0; i < writes.length; i += 500) {
    await control.batch(writes.slice(i, i + 500), "write");
  }
  return judged;
}

/** Queues a notification of `alert` for every channel it concerns (held by a silence). */
async function queueNotifications(
  control: Client,
  alert: { id: string; ruleId: string; tenantSlug: string | null; severity: Severity },
  event: "firing" | "resolved",
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  if (event === "resolved") {
    // Those told it fired hear it resolved, silenced or not; a held firing is not followed up.
    await control.execute({
      sql: `INSERT OR IGNORE INTO ops_alert_notifications
              (alert_id, channel_id, event, status, created_at)
            SELECT alert_id, channel_id, 'resolved', 'pending', ? FROM ops_alert_notifications
            WHERE alert_id = ? AND event = 'firing' AND status IN ('sent', 'pending', 'failed')`,
      args: [at, alert.id],
    });
    return;
  }
  const silenced = await control.execute({
    sql: `SELECT 1 FROM ops_silences WHERE until > ? AND (rule_id IS NULL OR rule_id = ?)
            AND (tenant_slug IS NULL OR tenant_slug = ?) LIMIT 1`,
    args: [at, alert.ruleId, alert.tenantSlug ?? ""],
  });
  const channels = await control.execute(
    "SELECT id, min_severity FROM ops_alert_channels WHERE enabled = 1",
  );
  const writes = channels.rows
    .filter((c) => severityRank(alert.severity) <= severityRank(String(c.min_severity)))
    .map((c) => ({
      sql: `INSERT OR IGNORE INTO ops_alert_notifications
              (alert_id, channel_id, event, status, created_at) VALUES (?, ?, 'firing', ?, ?)`,
      args: [alert.id, String(c.id), silenced.rows.length ? "silenced" : "pending", at],
    }));
  if (writes.length) await control.batch(writes, "write");
}

/** What one evaluation did. */
export interface Evaluation {
  /** End of the judged bucket, null when there was none new to judge. */
  bucket: string | null;
  fired: Alert[];
  resolved: number;
}

/**
 * Judges the newest complete 5-minute bucket before `now` with every enabled rule, once across
 * all machines, and queues notifications; sending is `deliverNotifications`.
 */
export async function evaluateAlerts(control: Client, now: Date): Promise<Evaluation> {
  const end = new Date(Math.floor((now.getTime() - FLUSH_LAG_MS) / BUCKET_MS) * BUCKET_MS);
  const start = new Date(end.getTime() - BUCKET_MS);
  if (!await claimBucket(control, end)) return { bucket: null, fired: [], resolved: 0 };
  const fired: Alert[] = [];
  let resolved = 0;
  const at = now.toISOString();
  for (const rule of (await listRules(control)).filter((r) => r.enabled)) {
    const samples = await sampleSignal(control, rule.signal, rule.scope, start, end);
    const judged = rule.kind === "threshold"
      ? await judgeThreshold(control, rule, samples)
      : await judgeAnomaly(control, rule, samples, start);
    for (const j of judged) {
      const fingerprint = `${rule.id}:${j.series}`;
      const open = (await control.execute({
        sql: "SELECT * FROM ops_alerts WHERE fingerprint = ? AND status = 'firing'",
        args: [fingerprint],
      })).rows[0];
      if (j.firing && open) {
        await control.execute({
          sql: "UPDATE ops_alerts SET last_seen_at = ?, value = ? WHERE id = ?",
          args: [at, j.value, String(open.id)],
        });
      } else if (j.firing) {
        const tenant = j.tenantSlug
          ? (await control.execute({
            sql: "SELECT id FROM tenants WHERE slug = ?",
            args: [j.tenantSlug],
          }))
            .rows[0]
          : undefined;
        const alert: Alert = {
          id: newId(now.getTime()),
          fingerprint,
          ruleId: rule.id,
          tenantSlug: j.tenantSlug,
          signal: rule.signal,
          severity: rule.severity,
          status: "firing",
          summary: summaryOf(rule, j),
          value: j.value,
          expected: j.expected,
          startedAt: at,
          lastSeenAt: at,
          resolvedAt: null,
        };
        await control.execute({
          sql: `INSERT INTO ops_alerts (id, fingerprint, rule_id, tenant_id, tenant_slug, signal,
                  severity, status, summary, value, expected, started_at, last_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, ?, ?, ?)`,
          args: [
            alert.id,
            fingerprint,
            rule.id,
            tenant ? String(tenant.id) : null,
            j.tenantSlug,
            rule.signal,
            rule.severity,
            alert.summary,
            j.value,
            j.expected,
            at,
            at,
          ],
        });
        await queueNotifications(control, alert, "firing", now);
        fired.push(alert);
      } else if (open) {
        await control.execute({
          sql: "UPDATE ops_alerts SET status = 'resolved', resolved_at = ? WHERE id = ?",
          args: [at, String(open.id)],
        });
        await queueNotifications(control, toAlert(open), "resolved", now);
        resolved++;
      }
    }
  }
  await control.execute({
    sql: "DELETE FROM ops_request_tally WHERE minute < ?",
    args: [new Date(now.getTime() - TALLY_KEPT_MS).toISOString().slice(0, 16)],
  });
  return { bucket: end.toISOString(), fired, resolved };
}
