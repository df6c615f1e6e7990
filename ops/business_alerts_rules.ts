/**
 * @module ops/business_alerts_rules
 * A workspace's business alert rules as stored (tenant migration 0126): the figures a rule can
 * watch, the channels, the one schema that the Settings → Alerts form and `/api/v1/alert-rules`
 * both validate with, and adding, changing and removing a rule. A web channel's address is checked
 * like an event webhook's (public https only) when it is set. The control table
 * `business_alert_tenants` lists the workspaces that have a rule, for the evaluation schedule
 * (ops/business_alerts.ts).
 *
 * An e-mail rule whose address is no member's of the workspace mails an outsider on a member's
 * say-so, so adding one, or changing one (other than turning it off), needs the acting member's
 * own address confirmed (403 `email_unconfirmed`, nothing saved; domain/outside_mail.ts). The
 * member who last saved such a rule answers for it (`created_by`): while they are no longer a
 * member who may manage settings with a confirmed address, its mail is held (`outsideMailHeld`).
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { newId } from "../db/ids.ts";
import { InvalidError, NotFoundError } from "../domain/errors.ts";
import { issuesByField } from "../domain/records/schema.ts";
import { resolveDestination, systemResolver } from "../integrations/webhooks/destination.ts";
import { requireConfirmedSender } from "../domain/outside_mail.ts";
import { outsideSenderLapse } from "../auth/outside_sender.ts";

/** The figures a rule can watch, with how each reads in a message. */
export const BUSINESS_METRICS = {
  documents_failed: "documents that could not be read",
  overdue_ar: "overdue receivables (whole currency units, per currency)",
  invoices_60_days_overdue: "invoices more than 60 days overdue",
  loads_late: "loads past their delivery appointment and not delivered",
  customer_over_credit_limit:
    "a customer over its credit limit (by more than this, whole currency units)",
} as const;
export type BusinessMetric = keyof typeof BUSINESS_METRICS;

export const ALERT_CHANNELS = ["email", "webhook", "slack"] as const;

const ruleFields = {
  metric: z.enum(Object.keys(BUSINESS_METRICS) as [BusinessMetric, ...BusinessMetric[]]),
  threshold: z.coerce.number().int().min(0).max(1_000_000_000),
  channel: z.enum(ALERT_CHANNELS),
  target: z.string().trim().min(3).max(500),
  secret: z.string().trim().max(200).optional(),
};

function checkTargetShape(
  v: { channel: typeof ALERT_CHANNELS[number]; target: string },
  ctx: z.RefinementCtx,
): void {
  if (v.channel === "email" && !/^[^\s@<>]+@[^\s@<>]+$/.test(v.target)) {
    ctx.addIssue({ code: "custom", path: ["target"], message: "Enter an e-mail address." });
  }
  if (v.channel !== "email" && !/^https?:\/\//.test(v.target)) {
    ctx.addIssue({
      code: "custom",
      path: ["target"],
      message: "Enter the webhook's https:// address.",
    });
  }
}

/** A new rule, as the settings form sends it (with the form's own fields beside). */
export const BusinessAlertInput = z.object(ruleFields).superRefine(checkTargetShape);
/** The same through the API, where a key it does not know is a mistake to tell, not to drop. */
export const BusinessAlertApiInput = z.strictObject(ruleFields).superRefine(checkTargetShape);
export type BusinessAlertInput = z.infer<typeof BusinessAlertInput>;

/** A stored rule and its state. */
export interface BusinessAlertRule {
  id: string;
  metric: BusinessMetric;
  threshold: number;
  channel: typeof ALERT_CHANNELS[number];
  target: string;
  enabled: boolean;
  /** Whether webhook calls are signed (the secret itself is never read back). */
  hasSecret: boolean;
  firingSince: string | null;
  lastValue: number | null;
  /** The member who last saved the rule's address (answers for mail to an outsider). */
  createdBy: string | null;
}

/** What one evaluation sent: a rule's change, and the customer it is about (credit limit). */
export interface BusinessAlertChange {
  ruleId: string;
  status: "firing" | "resolved";
  value: number;
  text: string;
  customerId?: string;
}

/** One change as a channel sends it. */
export interface AlertMessage {
  status: "firing" | "resolved";
  text: string;
  value: number;
  today: string;
  tenant: string;
  /** The e-mail's subject line after "Alert:"/"Resolved:" (the figure's words by default). */
  subject?: string;
  /**
   * The subject line and text in the reader's language (ops/business_alerts_mail.ts): an e-mail's
   * recipient's, Slack's and a webhook's the workspace's default.
   */
  mail?: { subject: string; text: string; language?: string };
  /** The customer a credit-limit change is about, in the webhook's body. */
  customer?: { id: string; name: string; currency: string; exposure: string; limit: string };
}

/** Sends one change through a rule's channel (ops/business_alerts.ts `sendBusinessAlert`). */
export type AlertSender = (
  services: Services,
  rule: BusinessAlertRule,
  change: AlertMessage,
  secret: string | null,
) => Promise<void>;

/** The signing secret of a webhook rule (never part of a listed rule). */
export async function ruleSecret(db: Client, rule: BusinessAlertRule): Promise<string | null> {
  if (rule.channel !== "webhook") return null;
  const rs = await db.execute({
    sql: "SELECT secret FROM business_alert_rules WHERE id = ?",
    args: [rule.id],
  });
  const secret = rs.rows[0]?.secret;
  return secret === null || secret === undefined ? null : String(secret);
}

/** A change to a rule (API `PATCH`): the result is checked with `BusinessAlertInput` as a whole. */
export const BusinessAlertPatch = z.object({
  metric: z.enum(Object.keys(BUSINESS_METRICS) as [BusinessMetric, ...BusinessMetric[]])
    .optional(),
  threshold: z.coerce.number().int().min(0).max(1_000_000_000).optional(),
  channel: z.enum(ALERT_CHANNELS).optional(),
  target: z.string().trim().min(3).max(500).optional(),
  /** A new signing secret; an empty string stops signing. */
  secret: z.string().trim().max(200).optional(),
  enabled: z.boolean().optional(),
}).strict();
export type BusinessAlertPatch = z.infer<typeof BusinessAlertPatch>;

const RULE_COLUMNS = `id, metric, threshold, channel, target, enabled, firing_since, last_value,
  secret IS NOT NULL AS has_secret, created_by`;

function toRule(r: Record<string, unknown>): BusinessAlertRule {
  return {
    id: String(r.id),
    metric: String(r.metric) as BusinessMetric,
    threshold: Number(r.threshold),
    channel: String(r.channel) as BusinessAlertRule["channel"],
    target: String(r.target),
    enabled: Number(r.enabled) === 1,
    hasSecret: Number(r.has_secret) === 1,
    firingSince: r.firing_since === null ? null : String(r.firing_since),
    lastValue: r.last_value === null ? null : Number(r.last_value),
    createdBy: r.created_by === null || r.created_by === undefined ? null : String(r.created_by),
  };
}

/** Whether a rule e-mails an address that is not a member's of the workspace. */
export async function mailsOutsider(
  control: Client,
  tenantId: string,
  rule: { channel: string; target: string },
): Promise<boolean> {
  if (rule.channel !== "email") return false;
  const rs = await control.execute({
    sql: `SELECT 1 AS member FROM users u JOIN memberships m ON m.user_id = u.id
          WHERE m.tenant_id = ? AND lower(u.email) = lower(?) LIMIT 1`,
    args: [tenantId, rule.target.trim()],
  });
  return rs.rows.length === 0;
}

/**
 * Why a rule's e-mail to an outsider is held now, or null when it may go: the member who last
 * saved it must still be a member who may manage settings, with a confirmed address. Rules to a
 * member's address and web channels are never held.
 */
export async function outsideMailHeld(
  control: Client,
  tenantId: string,
  rule: Pick<BusinessAlertRule, "channel" | "target" | "createdBy">,
): Promise<string | null> {
  if (!(await mailsOutsider(control, tenantId, rule))) return null;
  const lapse = await outsideSenderLapse(control, tenantId, rule.createdBy ?? null);
  if (!lapse) return null;
  return {
    not_a_member: "held: whoever set this rule's outside address is no longer a member",
    unconfirmed: "held: whoever set this rule's outside address has no confirmed address",
    may_not_manage_settings:
      "held: whoever set this rule's outside address may no longer manage settings",
  }[lapse];
}

/** The workspace's rules, oldest first (the webhook secret is never read back). */
export async function listBusinessAlertRules(db: Client): Promise<BusinessAlertRule[]> {
  const rs = await db.execute(
    `SELECT ${RULE_COLUMNS} FROM business_alert_rules ORDER BY created_at, id`,
  );
  return rs.rows.map(toRule);
}

/** One rule of the workspace, or NotFoundError. */
export async function getBusinessAlertRule(db: Client, id: string): Promise<BusinessAlertRule> {
  const rs = await db.execute({
    sql: `SELECT ${RULE_COLUMNS} FROM business_alert_rules WHERE id = ?`,
    args: [id],
  });
  if (!rs.rows[0]) throw new NotFoundError("There is no alert rule with that id.");
  return toRule(rs.rows[0]);
}

/** A web channel's address must be public https (unless the setting allows private ones). */
async function checkTarget(
  services: Pick<Services, "config">,
  input: Pick<BusinessAlertInput, "channel" | "target">,
): Promise<void> {
  if (input.channel === "email") return;
  try {
    await resolveDestination(input.target, {
      allowPrivate: services.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      resolve: systemResolver,
    });
  } catch (err) {
    throw new InvalidError("Some fields need attention.", {
      target: [err instanceof Error ? err.message : String(err)],
    }, 422);
  }
}

/**
 * Changes a rule: the rule as changed must pass the same checks as a new one; a rule that mails
 * an outsider needs the acting member's confirmed address unless the change only turns it off,
 * and is then theirs to answer for. A new figure
 * starts the rule's state afresh (its firing state and, for the credit limit, the customers it
 * told); otherwise the next evaluation tells what the change made fire or resolve.
 */
export async function updateBusinessAlertRule(
  services: Pick<Services, "config" | "control">,
  tenantId: string,
  db: Client,
  id: string,
  patch: BusinessAlertPatch,
  userId: string | null,
): Promise<BusinessAlertRule> {
  const rule = await getBusinessAlertRule(db, id);
  const merged = BusinessAlertInput.safeParse({
    metric: patch.metric ?? rule.metric,
    threshold: patch.threshold ?? rule.threshold,
    channel: patch.channel ?? rule.channel,
    target: patch.target ?? rule.target,
    secret: patch.secret,
  });
  if (!merged.success) {
    throw new InvalidError("Some fields need attention.", issuesByField(merged.error), 422);
  }
  const input = merged.data;
  // Turning a rule off mails no one; any other change of a rule to an outsider is a say-so.
  const turningOff = patch.enabled === false &&
    Object.keys(patch).every((k) => k === "enabled");
  const outside = !turningOff && await mailsOutsider(services.control, tenantId, input);
  if (outside) await requireConfirmedSender(services.control, userId);
  if (patch.channel !== undefined || patch.target !== undefined) await checkTarget(services, input);
  const fresh = input.metric !== rule.metric;
  const sets = ["metric = ?", "threshold = ?", "channel = ?", "target = ?"];
  const args: (string | number | null)[] = [
    input.metric,
    input.threshold,
    input.channel,
    input.target,
  ];
  // Whoever saved a rule to an outsider answers for it from now on (`outsideMailHeld`).
  if (outside) (sets.push("created_by = ?"), args.push(userId));
  if (patch.secret !== undefined) (sets.push("secret = ?"), args.push(patch.secret || null));
  if (patch.enabled !== undefined) (sets.push("enabled = ?"), args.push(patch.enabled ? 1 : 0));
  if (fresh) sets.push("firing_since = NULL", "last_value = NULL");
  await db.batch([
    {
      sql: `UPDATE business_alert_rules SET ${sets.join(", ")} WHERE id = ?`,
      args: [...args, id],
    },
    ...(fresh
      ? [{ sql: "DELETE FROM business_alert_credit_state WHERE heard_by = ?", args: [id] }]
      : []),
  ], "write");
  return await getBusinessAlertRule(db, id);
}

/**
 * Adds a rule and lists the workspace for the schedule; returns the rule's id. A rule that mails
 * an outsider needs `userId`'s address confirmed (403 `email_unconfirmed`, nothing saved).
 */
export async function addBusinessAlertRule(
  services: Pick<Services, "control" | "clock" | "config">,
  tenantId: string,
  db: Client,
  input: BusinessAlertInput,
  userId: string | null,
): Promise<string> {
  if (await mailsOutsider(services.control, tenantId, input)) {
    await requireConfirmedSender(services.control, userId);
  }
  await checkTarget(services, input);
  const id = newId();
  await db.execute({
    sql: `INSERT INTO business_alert_rules
            (id, metric, threshold, channel, target, secret, created_by, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      input.metric,
      input.threshold,
      input.channel,
      input.target,
      input.secret || null,
      userId,
      services.clock.now().toISOString(),
    ],
  });
  await services.control.execute({
    sql: "INSERT INTO business_alert_tenants (tenant_id) VALUES (?) ON CONFLICT DO NOTHING",
    args: [tenantId],
  });
  return id;
}

/** Removes a rule; the workspace leaves the schedule with its last rule. */
export async function removeBusinessAlertRule(
  control: Client,
  tenantId: string,
  db: Client,
  id: string,
): Promise<void> {
  const [rs] = await db.batch([
    { sql: "DELETE FROM business_alert_rules WHERE id = ?", args: [id] },
    { sql: "DELETE FROM business_alert_credit_state WHERE heard_by = ?", args: [id] },
  ], "write");
  if (!rs?.rowsAffected) throw new NotFoundError("There is no alert rule with that id.");
  const left = await db.execute("SELECT count(*) AS n FROM business_alert_rules");
  if (Number(left.rows[0]?.n ?? 0) === 0) {
    await control.execute({
      sql: "DELETE FROM business_alert_tenants WHERE tenant_id = ?",
      args: [tenantId],
    });
  }
}
