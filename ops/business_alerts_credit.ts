/**
 * @module ops/business_alerts_credit
 * The business alert "a customer went over its credit limit" (issue 16). Its rule (metric
 * `customer_over_credit_limit`) is told per customer: when a customer's exposure goes over its
 * credit limit by more than the rule's threshold (whole currency units; 0 for any amount), once,
 * through the rule's channel, and once more, as resolved, when it is back within. While any such
 * rule is on, members also hear of each crossing as the notification "A customer is over its
 * credit limit" (`customer_over_credit`, on the channels each member chose for it).
 *
 * Exposure is the credit hold's own figure (domain/rules/credit.ts `creditStanding`): open
 * receivables plus open sales orders not yet invoiced, in the customer's currency, so the alert
 * and the hold that refuses the next order agree. Once per crossing, not per evaluation: a row of
 * `business_alert_credit_state` (tenant migration 0132) per customer over, per rule and for the
 * members, is written when the crossing is told and deleted when the return is told. A send that
 * fails leaves the state as it was, so the change is sent at the next evaluation.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { creditStanding } from "../domain/rules/credit.ts";
import { decimalAmount } from "../domain/format.ts";
import { notify } from "../notifications/mod.ts";
import {
  type AlertSender,
  type BusinessAlertChange,
  type BusinessAlertRule,
  ruleSecret,
} from "./business_alerts_rules.ts";
import { creditMail, type MailWriter } from "./business_alerts_mail.ts";

export const CREDIT_METRIC = "customer_over_credit_limit";
/** `heard_by` of the members' notification state (a rule's own rows carry its id). */
const MEMBERS = "members";
/** At most this many customers with a limit are read per evaluation. */
const MAX_CUSTOMERS = 5_000;

/** A customer with a credit limit and what it owes and has on order. */
export interface CustomerExposure {
  id: string;
  name: string;
  currency: string;
  exposureCents: number;
  limitCents: number;
}

/** Every customer (not archived) that has a credit limit, with its exposure as the hold sees it. */
export async function creditExposures(db: Client): Promise<CustomerExposure[]> {
  const rs = await db.execute(
    `SELECT id, currency FROM customers
     WHERE credit_limit_cents IS NOT NULL AND archived_at IS NULL ORDER BY id LIMIT ${MAX_CUSTOMERS}`,
  );
  const out: CustomerExposure[] = [];
  for (const row of rs.rows) {
    const standing = await creditStanding(db, String(row.id), null);
    if (standing.limitCents === null) continue;
    out.push({
      id: String(row.id),
      name: standing.name,
      currency: String(row.currency ?? "USD"),
      exposureCents: standing.exposureCents,
      limitCents: standing.limitCents,
    });
  }
  return out;
}

const amount = (c: CustomerExposure, cents: number) => `${c.currency} ${decimalAmount(cents)}`;

/** The customers `heardBy` was told are over. */
async function told(db: Client, heardBy: string): Promise<Set<string>> {
  const rs = await db.execute({
    sql: "SELECT customer_id FROM business_alert_credit_state WHERE heard_by = ?",
    args: [heardBy],
  });
  return new Set(rs.rows.map((r) => String(r.customer_id)));
}

async function remember(db: Client, heardBy: string, c: CustomerExposure, at: string) {
  await db.execute({
    sql: `INSERT INTO business_alert_credit_state
            (heard_by, customer_id, over_since, exposure_cents, limit_cents)
          VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    args: [heardBy, c.id, at, c.exposureCents, c.limitCents],
  });
}

async function forget(db: Client, heardBy: string, customerId: string) {
  await db.execute({
    sql: "DELETE FROM business_alert_credit_state WHERE heard_by = ? AND customer_id = ?",
    args: [heardBy, customerId],
  });
}

/**
 * Tells `rule`'s channel of each customer that crossed its limit (by more than the threshold)
 * and of each that came back since the last evaluation; records the rule's state for the page.
 */
export async function evaluateCreditRule(
  services: Services,
  db: Client,
  rule: BusinessAlertRule,
  exposures: readonly CustomerExposure[],
  ctx: { tenant: { slug: string }; today: string; send: AlertSender; writer?: MailWriter | null },
): Promise<BusinessAlertChange[]> {
  const now = services.clock.now().toISOString();
  const { tenant, today, send, writer } = ctx;
  const over = exposures.filter((c) => c.exposureCents - c.limitCents > rule.threshold * 100);
  const overIds = new Set(over.map((c) => c.id));
  const before = await told(db, rule.id);
  const secret = await ruleSecret(db, rule);
  const changes: BusinessAlertChange[] = [];
  const tell = async (status: "firing" | "resolved", c: CustomerExposure | null, id: string) => {
    const name = c?.name ?? "A customer";
    const text = status === "firing"
      ? `${tenant.slug}: ${name} is over its credit limit: exposure ${
        amount(c!, c!.exposureCents)
      } against a limit of ${amount(c!, c!.limitCents)} (${today}).`
      : `${tenant.slug}: resolved, ${name} is back within its credit limit${
        c ? ` (exposure ${amount(c, c.exposureCents)}, limit ${amount(c, c.limitCents)})` : ""
      } (${today}).`;
    const mail = writer
      ? creditMail(writer, { firing: status === "firing", workspace: tenant.slug, today }, {
        name: c?.name ?? null,
        currency: c?.currency ?? "USD",
        exposureCents: c?.exposureCents ?? 0,
        limitCents: c?.limitCents ?? 0,
        known: c !== null,
      })
      : undefined;
    try {
      await send(services, rule, {
        status,
        text,
        ...(mail ? { mail } : {}),
        value: c ? Math.floor(c.exposureCents / 100) : 0, // whole currency units
        today,
        tenant: tenant.slug,
        subject: `${name} ${status === "firing" ? "is over" : "is back within"} its credit limit`,
        customer: c
          ? {
            id: c.id,
            name: c.name,
            currency: c.currency,
            exposure: decimalAmount(c.exposureCents),
            limit: decimalAmount(c.limitCents),
          }
          : { id, name, currency: "", exposure: "", limit: "" },
      }, secret);
    } catch (err) {
      services.log.warn("business alert not sent", {
        rule: rule.id,
        customer: id,
        error: err instanceof Error ? err.message : String(err),
      });
      return; // state kept: told at the next evaluation
    }
    if (status === "firing") await remember(db, rule.id, c!, now);
    else await forget(db, rule.id, id);
    const value = c ? Math.floor(c.exposureCents / 100) : 0;
    changes.push({ ruleId: rule.id, status, value, text, customerId: id });
  };
  for (const c of over) if (!before.has(c.id)) await tell("firing", c, c.id);
  for (const id of before) {
    if (!overIds.has(id)) await tell("resolved", exposures.find((c) => c.id === id) ?? null, id);
  }
  const still = (await told(db, rule.id)).size;
  await db.execute({
    sql: `UPDATE business_alert_rules SET firing_since = ?, last_value = ?, last_checked_at = ?
          WHERE id = ?`,
    args: [still > 0 ? rule.firingSince ?? now : null, over.length, now, rule.id],
  });
  return changes;
}

/**
 * Tells members of each customer that went over its limit since the last evaluation (once per
 * crossing); forgets those back within. With no credit-limit rule on (`exposures` null), forgets
 * them all, so that turning a rule on tells of the customers over at that time.
 */
export async function notifyCreditCrossings(
  services: Services,
  tenantId: string,
  db: Client,
  exposures: readonly CustomerExposure[] | null,
): Promise<void> {
  if (exposures === null) {
    await db.execute({
      sql: "DELETE FROM business_alert_credit_state WHERE heard_by = ?",
      args: [MEMBERS],
    });
    return;
  }
  const now = services.clock.now().toISOString();
  const before = await told(db, MEMBERS);
  const over = exposures.filter((c) => c.exposureCents > c.limitCents);
  for (const c of over) {
    if (before.has(c.id)) continue;
    await notify({ services, tenantId, db }, {
      kind: "customer_over_credit",
      // Catalogue messages, read in each member's language (notifications/messages.ts).
      title: { key: "notice.over_credit", args: { name: c.name } },
      body: {
        key: "notice.over_credit_open",
        args: {
          amount: { money: c.exposureCents, currency: c.currency },
          limit: { money: c.limitCents, currency: c.currency },
        },
      },
      link: `/customers/${c.id}`,
      entity: { collection: "customers", id: c.id },
      dedupeKey: `credit-crossing:${c.id}:${now}`,
    });
    await remember(db, MEMBERS, c, now);
  }
  const overIds = new Set(over.map((c) => c.id));
  for (const id of before) if (!overIds.has(id)) await forget(db, MEMBERS, id);
}
