/**
 * @module workers/rule_jobs
 * The tenant rules' background jobs (domain/rules/engine.ts):
 *
 * - `rules.effects` delivers what a committed write's rules asked for beyond the tenant
 *   database: in-app notifications to the members of the named roles or addresses (e-mail when
 *   the address is not a member), and jobs the rule starts. A job, so a slow mail server never
 *   holds up the write, and a crash between commit and delivery is retried.
 * - `rules.schedule` runs the rules whose `on` lists `schedule` over the tenant's records once,
 *   then queues its next run a day later while the tenant has such rules (one queued run per
 *   tenant at a time, so starting it twice does not double it).
 *
 * Mail to an address that is no member's goes out on the word of whoever saved the rules: only
 * while the member who last saved the configuration may still manage settings and has confirmed
 * their own address (a sign-up with a throwaway address mailed anyone its own subject and text on
 * every record write), and at most `RULE_MAIL_LIMITS` a day (a write may fire 100 rules of 20
 * addresses each). Mail held is logged; members' notices are never held.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { enqueueStatement } from "./queue.ts";
import type { RuleEffect } from "../domain/records/context.ts";
import { insertNotification } from "../notifications/store.ts";
import { sendMail } from "../mail/outbox.ts";
import { workspaceLanguage } from "../mail/language.ts";
import { encodeMessage } from "../notifications/messages.ts";
import { translator } from "../i18n/mod.ts";
import { currentConfiguration } from "../customization/document/store.ts";
import { withCustomFields } from "../customization/fields.ts";
import { runScheduledRules } from "../domain/rules/engine.ts";
import { outsideSenderLapse } from "../auth/outside_sender.ts";

export const RULE_EFFECTS_JOB = "rules.effects";
export const RULE_SCHEDULE_JOB = "rules.schedule";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Queues the delivery of a write's rule effects (after its commit). */
export async function queueRuleEffects(
  control: Client,
  tenantId: string,
  effects: RuleEffect[],
): Promise<void> {
  await control.execute(
    enqueueStatement({ kind: RULE_EFFECTS_JOB, tenantId, payload: { effects } }).statement,
  );
}

/** Queues a run of the tenant's scheduled rules unless one is already queued. */
export async function queueScheduledRules(
  control: Client,
  tenantId: string,
  runAt = new Date(),
): Promise<void> {
  await control.execute(
    enqueueStatement({ kind: RULE_SCHEDULE_JOB, tenantId, runAt }, {
      sql: `NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ? AND tenant_id = ? AND status = 'queued')`,
      args: [RULE_SCHEDULE_JOB, tenantId],
    }).statement,
  );
}

/** The members of a tenant with one of `roles` or one of `emails`: id and address. */
async function recipients(
  control: Client,
  tenantId: string,
  roles: readonly string[],
  emails: readonly string[],
): Promise<Array<{ id: string; email: string }>> {
  if (!roles.length && !emails.length) return [];
  const rs = await control.execute({
    sql: `SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ? AND (m.role IN (${roles.map(() => "?").join(",") || "''"})
            OR u.email IN (${emails.map(() => "?").join(",") || "''"}) COLLATE NOCASE)`,
    args: [tenantId, ...roles, ...emails],
  });
  return rs.rows.map((r) => ({ id: String(r.id), email: String(r.email) }));
}

/**
 * Mail the workspace sends to one outside address, and to outside addresses in all, in 24 hours
 * (every kind of mail counts, from the outbox), past which its rules' mail to outsiders is held.
 * Room for a busy broker's day of invoices and statements beside the rules' notices; a flood from
 * a rule is cut at these.
 */
export const RULE_MAIL_LIMITS = { perAddress: 20, perWorkspace: 500 } as const;

/**
 * Why the rules' mail to outsiders is held now, or null when it may go: the member who last
 * saved the configuration (which names the addresses) must still be a member who may manage
 * settings, with a confirmed address of their own.
 */
async function outsideRuleMailHeld(
  control: Client,
  tenantId: string,
  db: Client,
): Promise<string | null> {
  const saved = await db.execute("SELECT changed_by FROM configuration WHERE id = 1");
  const by = saved.rows[0]?.changed_by;
  const lapse = await outsideSenderLapse(
    control,
    tenantId,
    by === null || by === undefined ? null : String(by),
  );
  if (!lapse) return null;
  return {
    not_a_member: "no member saved the rules, or they left",
    unconfirmed: "the member who saved the rules has not confirmed their e-mail address",
    may_not_manage_settings: "the member who saved the rules may no longer manage settings",
  }[lapse];
}

/** Whether the workspace already sent its day's share of mail to `address` or to outsiders. */
async function outsideMailSpent(
  control: Client,
  tenantId: string,
  address: string,
): Promise<boolean> {
  const since = new Date(Date.now() - DAY_MS).toISOString();
  const rs = await control.execute({
    sql: `SELECT COUNT(*) AS everyone,
            COALESCE(SUM(lower(o.to_addr) = lower(?)), 0) AS one
          FROM outbox o WHERE o.tenant_id = ? AND o.created_at >= ?
            AND NOT EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
              WHERE m.tenant_id = o.tenant_id AND lower(u.email) = lower(o.to_addr))`,
    args: [address, tenantId, since],
  });
  const row = rs.rows[0];
  return Number(row?.one ?? 0) >= RULE_MAIL_LIMITS.perAddress ||
    Number(row?.everyone ?? 0) >= RULE_MAIL_LIMITS.perWorkspace;
}

/** Delivers one write's rule effects: notifications and started jobs. */
export async function deliverRuleEffects(
  services: Services,
  tenantId: string,
  db: Client,
  effects: readonly RuleEffect[],
): Promise<void> {
  const now = new Date().toISOString();
  for (const effect of effects) {
    if (effect.type === "start_job") {
      if (effect.kind === RULE_SCHEDULE_JOB) await queueScheduledRules(services.control, tenantId);
      continue;
    }
    const members = await recipients(services.control, tenantId, effect.roles, effect.users);
    for (const member of members) {
      await insertNotification(db, {
        userId: member.id,
        event: "rule",
        title: `Rule '${effect.rule}'`,
        body: effect.message,
        // The title in each reader's language; the message is the workspace's own words.
        message: encodeMessage({ key: "notice.rule", args: { rule: effect.rule } }, undefined),
        link: effect.link,
        entity: null,
        entityId: null,
        dedupeKey: null,
        createdAt: now,
        inApp: true,
        digest: false,
      });
    }
    // An address that is not a member of the workspace is written to instead, on the word of
    // the member who saved the rules, and within the day's limits.
    const known = new Set(members.map((m) => m.email.toLowerCase()));
    const outsiders = effect.users.filter((u) => !known.has(u.toLowerCase()));
    if (!outsiders.length) continue;
    const held = await outsideRuleMailHeld(services.control, tenantId, db);
    if (held) {
      services.log.warn("rule mail to outsiders held", {
        tenant_id: tenantId,
        rule: effect.rule,
        why: held,
      });
      continue;
    }
    for (const address of outsiders) {
      if (await outsideMailSpent(services.control, tenantId, address)) {
        services.log.warn("rule mail to outsiders held", {
          tenant_id: tenantId,
          rule: effect.rule,
          why: "the day's limit of mail to outsiders",
        });
        continue;
      }
      await sendMail(services, {
        to: address,
        subject: translator(await workspaceLanguage(db))("notice.rule", { rule: effect.rule }),
        text: effect.message,
        tenantId,
      });
    }
  }
}

/** Runs the tenant's scheduled rules once, and queues the next run while it has any. */
export async function runTenantSchedule(
  services: Services,
  tenantId: string,
  db: Client,
): Promise<void> {
  const { document } = await currentConfiguration(db);
  const effects: RuleEffect[] = [];
  const ran = await runScheduledRules(
    {
      db,
      userId: null,
      role: null,
      clock: services.clock,
      ruleEffects: { pending: effects, deliver: async () => {} },
    },
    document.rules,
    (def) => withCustomFields(def, document.custom_fields),
  );
  if (effects.length) await deliverRuleEffects(services, tenantId, db, effects);
  if (ran) {
    await queueScheduledRules(services.control, tenantId, new Date(Date.now() + DAY_MS));
  }
}

/** After a configuration change: starts the daily run when the document has scheduled rules. */
export async function scheduleRulesOf(
  control: Client,
  tenantId: string,
  document: { rules: { record_rules: ReadonlyArray<{ enabled: boolean; on: readonly string[] }> } },
): Promise<void> {
  const scheduled = document.rules.record_rules.some((r) => r.enabled && r.on.includes("schedule"));
  if (scheduled) await queueScheduledRules(control, tenantId);
}
