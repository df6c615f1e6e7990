/**
 * @module notifications/daily
 * The daily notifications job of a workspace (`notifications.daily`, one queued per tenant): it
 * raises what becomes true with the passing of days rather than with a write (invoices gone
 * overdue, carriers' insurance about to expire, loads past their appointment and not yet there,
 * customers over their credit limit) and sends each member who chose the digest one e-mail with
 * what it owes them. Dedupe keys make a second run the same day change nothing.
 *
 * The worker queues it for every active workspace once per business day, from `DAILY_HOUR` in the
 * workspace's time zone (notifications/schedule.ts).
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { BUSINESS_DAY } from "../db/business_day.ts";
import { businessDay } from "../domain/clock.ts";
import { loadFormatSettings } from "../domain/format.ts";
import { listMembers } from "../auth/members.ts";
import { sendMail } from "../mail/outbox.ts";
import { workspaceOrigin } from "../data_rights/deletion.ts";
import { INSURANCE_NOTICE_DAYS, insuranceEvent } from "./from_changes.ts";
import { type NotificationEvent, notify } from "./mod.ts";
import { activeConfiguration } from "../customization/cache.ts";
import { memberLanguage } from "../mail/language.ts";
import { decodeMessage, type Reader, readerTranslator, shownTexts } from "./messages.ts";

export const DAILY_JOB = "notifications.daily";
/** Local hour of the day the job runs (before a broker's morning). */
export const DAILY_HOUR = 7;

type Row = Record<string, unknown>;

async function rows(db: Client, sql: string): Promise<Row[]> {
  return (await db.execute(sql)).rows as unknown as Row[];
}

/** What has become true by the business day `today`, as notifications. */
export async function dailyEvents(db: Client, today: string): Promise<NotificationEvent[]> {
  const [invoices, carriers, loads, customers] = await Promise.all([
    rows(
      db,
      `SELECT id, number, due_date, outstanding_cents, currency FROM invoices
       WHERE state = 'sent' AND outstanding_cents > 0 AND due_date < ${BUSINESS_DAY}
       ORDER BY due_date LIMIT 200`,
    ),
    rows(
      db,
      `SELECT id, name, insurance_expires FROM carriers
       WHERE archived_at IS NULL AND insurance_expires IS NOT NULL
         AND insurance_expires <= date(${BUSINESS_DAY}, '+${INSURANCE_NOTICE_DAYS} days')
       LIMIT 200`,
    ),
    rows(
      db,
      `SELECT id, number, delivery_appointment FROM loads
       WHERE status IN ('booked', 'dispatched', 'picked_up') AND delivery_appointment IS NOT NULL
         AND substr(delivery_appointment, 1, 10) < ${BUSINESS_DAY}
       LIMIT 200`,
    ),
    rows(
      db,
      `SELECT c.id, c.name, c.credit_limit_cents, c.currency,
         COALESCE((SELECT SUM(outstanding_cents) FROM invoices i
           WHERE i.customer_id = c.id AND i.state <> 'void'), 0) AS receivable
       FROM customers c WHERE c.credit_limit_cents IS NOT NULL LIMIT 1000`,
    ),
  ]);
  const out: NotificationEvent[] = [];
  for (const inv of invoices) {
    out.push({
      kind: "invoice_overdue",
      title: { key: "notice.invoice_overdue", args: { number: String(inv.number) } },
      body: {
        key: "notice.invoice_overdue_body",
        args: {
          amount: { money: Number(inv.outstanding_cents), currency: String(inv.currency) },
          due: { date: String(inv.due_date) },
        },
      },
      link: `/invoices/${inv.id}`,
      entity: { collection: "invoices", id: String(inv.id) },
      dedupeKey: `overdue:${inv.id}:${inv.due_date}`,
    });
  }
  for (const carrier of carriers) out.push(insuranceEvent(carrier));
  for (const load of loads) {
    out.push({
      kind: "load_late",
      title: { key: "notice.load_late", args: { number: String(load.number) } },
      body: {
        key: "notice.load_late_body",
        args: { appointment: String(load.delivery_appointment) },
      },
      link: `/loads/${load.id}`,
      entity: { collection: "loads", id: String(load.id) },
      dedupeKey: `late:open:${load.id}:${load.delivery_appointment}`,
    });
  }
  for (const c of customers) {
    if (Number(c.receivable) <= Number(c.credit_limit_cents)) continue;
    const currency = String(c.currency);
    out.push({
      kind: "customer_over_credit",
      title: { key: "notice.over_credit", args: { name: String(c.name) } },
      body: {
        key: "notice.over_credit_receivable",
        args: {
          amount: { money: Number(c.receivable), currency },
          limit: { money: Number(c.credit_limit_cents), currency },
        },
      },
      link: `/customers/${c.id}`,
      entity: { collection: "customers", id: String(c.id) },
      dedupeKey: `credit:${c.id}:${today}`,
    });
  }
  return out;
}

/** Sends each member their digest of pending notifications; returns how many were sent. */
export async function sendDigests(
  services: Services,
  tenantId: string,
  db: Client,
): Promise<number> {
  const pending = await rows(
    db,
    `SELECT id, user_id, title, body, link, message FROM notifications WHERE digest = 'pending'
     ORDER BY user_id, created_at`,
  );
  if (!pending.length) return 0;
  const members = new Map(
    (await listMembers(services.control, tenantId)).map((m) => [m.user_id, m]),
  );
  const tenant = await services.registry.findById(tenantId);
  const origin = tenant ? workspaceOrigin(services.config, tenant.slug) : "";
  const config = (await activeConfiguration(services.readCache, db, tenantId).catch(() => null))
    ?.document;
  const format = await loadFormatSettings(db).catch(() => undefined);
  const byUser = Map.groupBy(pending, (r) => String(r.user_id));
  let sent = 0;
  for (const [userId, items] of byUser) {
    const member = members.get(userId);
    if (member) {
      // In the member's language (notifications/messages.ts); older rows as stored.
      const reader: Reader = {
        language: await memberLanguage(services, userId, { db }),
        config,
        format,
      };
      const t = readerTranslator(reader);
      const lines = items.map((i) => {
        const { title } = shownTexts(reader, {
          title: String(i.title),
          body: String(i.body ?? ""),
          message: decodeMessage(i.message),
        });
        return `- ${title}${i.link ? `\n  ${origin}${i.link}` : ""}`;
      });
      await sendMail(services, {
        to: member.email,
        subject: t("mail.digest.subject", { count: items.length }),
        text: `${lines.join("\n")}\n\n${t("mail.notification.footer")}`,
        tenantId,
      });
      sent++;
    }
    await db.execute({
      sql: `UPDATE notifications SET digest = 'sent' WHERE digest = 'pending' AND user_id = ?`,
      args: [userId],
    });
  }
  return sent;
}

/** The job: raise the day's notifications and send the digests. */
export async function runDailyJob(
  services: Services,
  tenantId: string,
  db: Client,
): Promise<void> {
  const timeZone = services.registry.timeZoneOf(tenantId);
  const today = businessDay(services.clock, timeZone);
  for (const event of await dailyEvents(db, today)) {
    await notify({ services, tenantId, db }, event);
  }
  await sendDigests(services, tenantId, db);
}
