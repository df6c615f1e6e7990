/**
 * @module ops/business_alerts
 * A workspace's own alerts on its business figures, beside the operators' service alerts
 * (ops/alerts.ts): an owner sets a rule (documents failing, overdue receivables, invoices 60 days
 * overdue, loads late) with a threshold and a channel of the workspace's choosing: an e-mail
 * address (through the outbox), its own webhook (signed like its event webhooks) or a
 * Slack-compatible incoming webhook. Rules live in the tenant database (migration 0126); the
 * control table `business_alert_tenants` (control 0035) lists the workspaces that have any, so
 * the worker's schedule queues an evaluation every quarter-hour for these only.
 *
 * A rule fires when its figure goes above its threshold and resolves when it is back at or below
 * it; only those changes are sent, so a figure that stays high is told once. The credit-limit
 * rule is told per customer instead (ops/business_alerts_credit.ts). Rules are stored, checked
 * and changed by ops/business_alerts_rules.ts (Settings → Alerts and `/api/v1/alert-rules`). "Today" is the
 * workspace's business day from the services clock. A channel that fails keeps the rule's state,
 * so the change is sent again at the next evaluation. Web addresses are checked like event
 * webhooks' (public https only, resolved once and connected to that address). An e-mail rule to an
 * address no member has is held while the member who last saved it is no longer a member who may
 * manage settings with a confirmed address (`outsideMailHeld`): nothing is sent, the state is kept
 * like a failed channel's and the log says why, until an owner or admin with a confirmed address
 * saves the rule again (it is then theirs) or its creator confirms their address.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { businessDay } from "../domain/clock.ts";
import { sendMail } from "../mail/outbox.ts";
import { enqueue } from "../workers/queue.ts";
import { Turns } from "../workers/turns.ts";
import { resolveDestination, systemResolver } from "../integrations/webhooks/destination.ts";
import { pinnedPost } from "../integrations/webhooks/pinned_post.ts";
import { signPayload } from "./alert_channels.ts";
import {
  alertWriter,
  figureMail,
  type FigureWords,
  type MailWriter,
} from "./business_alerts_mail.ts";
import {
  type AlertMessage,
  type AlertSender,
  BUSINESS_METRICS,
  type BusinessAlertChange,
  type BusinessAlertRule,
  type BusinessMetric,
  listBusinessAlertRules,
  outsideMailHeld,
  ruleSecret,
} from "./business_alerts_rules.ts";
import {
  CREDIT_METRIC,
  creditExposures,
  evaluateCreditRule,
  notifyCreditCrossings,
} from "./business_alerts_credit.ts";

export {
  addBusinessAlertRule,
  ALERT_CHANNELS,
  BUSINESS_METRICS,
  BusinessAlertApiInput,
  type BusinessAlertChange,
  BusinessAlertInput,
  BusinessAlertPatch,
  type BusinessAlertRule,
  type BusinessMetric,
  getBusinessAlertRule,
  listBusinessAlertRules,
  removeBusinessAlertRule,
  updateBusinessAlertRule,
} from "./business_alerts_rules.ts";

export const BUSINESS_ALERTS_JOB = "alerts.business";
/** How often the worker looks for workspaces with rules (one evaluation per quarter-hour). */
export const BUSINESS_ALERTS_EVERY_MS = 60_000;
const SLOT_MS = 15 * 60_000;

/** A figure: its value, its English words and the same as data for the e-mail's language. */
export interface Figure {
  value: number;
  detail: string;
  words: FigureWords;
}

/** One figure's value on `today`, with the words a message uses for it. */
export async function measure(
  db: Client,
  metric: BusinessMetric,
  today: string,
): Promise<Figure> {
  const one = async (sql: string, args: (string | number)[] = []) =>
    Number((await db.execute({ sql, args })).rows[0]?.n ?? 0);
  if (metric === CREDIT_METRIC) {
    const n = (await creditExposures(db)).filter((c) => c.exposureCents > c.limitCents).length;
    return {
      value: n,
      detail: `${n} customers over their credit limit`,
      words: { metric, count: n },
    };
  }
  if (metric === "documents_failed") {
    const n = await one("SELECT count(*) AS n FROM documents WHERE status = 'failed'");
    return { value: n, detail: `${n} ${BUSINESS_METRICS[metric]}`, words: { metric, count: n } };
  }
  if (metric === "overdue_ar") {
    // Never adds one currency to another: the largest currency's total is the figure.
    const rs = await db.execute({
      sql: `SELECT currency, SUM(outstanding_cents) AS cents FROM invoices
            WHERE state = 'sent' AND outstanding_cents > 0 AND due_date < ?
            GROUP BY currency ORDER BY cents DESC`,
      args: [today],
    });
    const totals = rs.rows.map((r) => ({ currency: String(r.currency), cents: Number(r.cents) }));
    const top = totals[0];
    return {
      value: top ? Math.floor(top.cents / 100) : 0,
      detail: totals.length
        ? `overdue receivables ${
          totals.map((t) => `${t.currency} ${(t.cents / 100).toFixed(2)}`).join(", ")
        }`
        : "no overdue receivables",
      words: { metric, count: totals.length, amounts: totals },
    };
  }
  if (metric === "invoices_60_days_overdue") {
    const n = await one(
      `SELECT count(*) AS n FROM invoices WHERE state = 'sent' AND outstanding_cents > 0
       AND due_date < date(?, '-60 days')`,
      [today],
    );
    return { value: n, detail: `${n} ${BUSINESS_METRICS[metric]}`, words: { metric, count: n } };
  }
  const n = await one(
    `SELECT count(*) AS n FROM loads
     WHERE status IN ('booked', 'dispatched', 'picked_up') AND delivery_appointment IS NOT NULL
       AND substr(delivery_appointment, 1, 10) < ?`,
    [today],
  );
  return { value: n, detail: `${n} ${BUSINESS_METRICS[metric]}`, words: { metric, count: n } };
}

/** Evaluates every enabled rule of the workspace; sends and records what changed. */
export async function evaluateBusinessAlerts(
  services: Services,
  tenant: { id: string; slug: string; timeZone: string },
  db: Client,
  send: AlertSender = sendBusinessAlert,
): Promise<BusinessAlertChange[]> {
  const now = services.clock.now();
  const today = businessDay(services.clock, tenant.timeZone);
  const rules = (await listBusinessAlertRules(db)).filter((r) => r.enabled);
  const figures = new Map<BusinessMetric, Figure>();
  const changes: BusinessAlertChange[] = [];
  // Mail to an outsider goes only while whoever saved the rule may still send it; a held change
  // fails like a channel that failed (state kept, logged), so it goes once the rule is allowed.
  const held = new Map<string, string | null>();
  const guarded: AlertSender = async (svc, rule, change, secret) => {
    if (!held.has(rule.id)) held.set(rule.id, await outsideMailHeld(svc.control, tenant.id, rule));
    const why = held.get(rule.id);
    if (why) throw new Error(why);
    await send(svc, rule, change, secret);
  };
  const credit = { tenant, today, send: guarded };
  const writers = new Map<string, MailWriter>();
  const writerOf = async (rule: BusinessAlertRule) => {
    if (!writers.has(rule.id)) {
      writers.set(rule.id, await alertWriter(services, tenant.id, db, rule));
    }
    return writers.get(rule.id)!;
  };
  const exposures = rules.some((r) => r.metric === CREDIT_METRIC)
    ? await creditExposures(db)
    : null;
  for (const rule of rules) {
    if (rule.metric === CREDIT_METRIC) {
      const writer = await writerOf(rule);
      changes.push(
        ...await evaluateCreditRule(services, db, rule, exposures!, { ...credit, writer }),
      );
      continue;
    }
    let figure = figures.get(rule.metric);
    if (!figure) figures.set(rule.metric, figure = await measure(db, rule.metric, today));
    const above = figure.value > rule.threshold;
    const firing = rule.firingSince !== null;
    let firingSince = rule.firingSince;
    if (above !== firing) {
      const status = above ? "firing" : "resolved";
      const text = above
        ? `${tenant.slug}: ${figure.detail}, above your alert's ${rule.threshold} (${today}).`
        : `${tenant.slug}: resolved, ${figure.detail}, back within ${rule.threshold} (${today}).`;
      const writer = await writerOf(rule);
      const mail = writer
        ? figureMail(writer, {
          firing: above,
          workspace: tenant.slug,
          threshold: rule.threshold,
          today,
        }, figure.words)
        : undefined;
      try {
        await guarded(services, rule, {
          status,
          text,
          value: figure.value,
          today,
          tenant: tenant.slug,
          ...(mail ? { mail } : {}),
        }, await ruleSecret(db, rule));
      } catch (err) {
        services.log.warn("business alert not sent", {
          tenant: tenant.slug,
          rule: rule.id,
          error: err instanceof Error ? err.message : String(err),
        });
        continue; // state kept: the change is sent at the next evaluation
      }
      firingSince = above ? now.toISOString() : null;
      changes.push({ ruleId: rule.id, status, value: figure.value, text });
    }
    await db.execute({
      sql: `UPDATE business_alert_rules SET firing_since = ?, last_value = ?, last_checked_at = ?
            WHERE id = ?`,
      args: [firingSince, figure.value, now.toISOString(), rule.id],
    });
  }
  // Members hear of each crossing while a credit-limit rule is on (and afresh once it is back).
  await notifyCreditCrossings(services, tenant.id, db, exposures);
  return changes;
}

/** Sends one change through the rule's channel. */
export async function sendBusinessAlert(
  services: Services,
  rule: BusinessAlertRule,
  change: AlertMessage,
  secret: string | null,
): Promise<void> {
  if (rule.channel === "email") {
    // In the recipient's language when the evaluator wrote it (ops/business_alerts_mail.ts).
    await sendMail(services, {
      to: rule.target,
      subject: change.mail?.subject ??
        `[ProjectMeats] ${change.status === "firing" ? "Alert" : "Resolved"}: ${
          change.subject ?? BUSINESS_METRICS[rule.metric]
        }`,
      text: `${change.mail?.text ?? change.text}\n`,
    });
    return;
  }
  // Slack is read by people: the workspace's language. A webhook keeps its English `text` (a
  // program may parse it) and carries the same in the workspace's language as `message`.
  const said = change.mail?.text ?? change.text;
  const body = rule.channel === "slack" ? JSON.stringify({ text: said }) : JSON.stringify({
    version: 1,
    rule: rule.id,
    metric: rule.metric,
    threshold: rule.threshold,
    status: change.status,
    value: change.value,
    business_day: change.today,
    workspace: change.tenant,
    text: change.text,
    message: said,
    language: change.mail?.language ?? "en",
    ...(change.customer ? { customer: change.customer } : {}),
  });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "ProjectMeats-Alerts/1.0",
  };
  if (rule.channel === "webhook" && secret) {
    const t = Math.floor(Date.now() / 1000);
    headers["x-projectmeats-signature"] = `t=${t},v1=${await signPayload(secret, `${t}.${body}`)}`;
  }
  const target = await resolveDestination(rule.target, {
    allowPrivate: services.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    resolve: systemResolver,
  });
  const res = await pinnedPost(target.url, target.address, headers, body, {
    signal: AbortSignal.timeout(10_000),
    readLimit: 1024,
  });
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${target.url.host} answered ${res.status}`);
  }
}

/**
 * Across the workspaces with rules (active ones): queues one evaluation per quarter-hour each,
 * claimed in the control table so two workers queue it once. Returns how many it queued.
 */
export async function scheduleBusinessAlerts(
  services: Pick<Services, "control" | "clock">,
): Promise<number> {
  const slot = new Date(Math.floor(services.clock.now().getTime() / SLOT_MS) * SLOT_MS)
    .toISOString();
  const rs = await services.control.execute({
    sql: `UPDATE business_alert_tenants SET queued_slot = ?
          WHERE (queued_slot IS NULL OR queued_slot < ?)
            AND tenant_id IN (SELECT id FROM tenants WHERE status = 'active' AND purge_after IS NULL)
          RETURNING tenant_id`,
    args: [slot, slot],
  });
  const turns = new Turns(); // a write per workspace: a few ms per task (workers/turns.ts)
  for (const row of rs.rows) {
    await turns.take();
    await enqueue(services.control, {
      kind: BUSINESS_ALERTS_JOB,
      tenantId: String(row.tenant_id),
      payload: { slot },
    });
  }
  return rs.rows.length;
}
