/**
 * @module mail/outbox
 * Every e-mail goes through the `outbox` table first, so nothing is lost when the relay is down
 * and the dev mailbox (/dev/mail, with DEV_MAILBOX=1) can show it. With no SMTP_URL a message is
 * "sent" at once to the local mailbox; with SMTP_URL it is queued, tried once in the background
 * (requests never wait on the relay, which would also reveal through timing whether an account
 * exists), and retried with backoff by `deliverQueuedMail`, which the worker calls.
 * Attachments are stored beside the message (`outbox_attachments`) in the same batch, so a retry
 * sends the same bytes.
 */
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { InvalidError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { addressOf, sendSmtp } from "./smtp.ts";

/** A file a message carries (an invoice's PDF), kept with the message in the outbox. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  tenantId?: string | null;
  attachments?: readonly MailAttachment[];
}

export interface OutboxMessage {
  id: string;
  tenantId: string | null;
  to: string;
  subject: string;
  text: string;
  status: "queued" | "sent" | "failed";
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** The names of the files it carries, in order. */
  attachments: string[];
}

/** After this many failed attempts a message is marked failed and left for an operator. */
export const MAX_ATTEMPTS = 8;
const LEASE_MS = 2 * 60_000;

/** Stores a message in the outbox and logs it; delivers it locally or starts an SMTP attempt. */
export async function sendMail(services: Services, mail: OutgoingMail): Promise<string> {
  const to = mail.to.trim();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(to) || /[\r\n]/.test(mail.subject)) {
    throw new InvalidError("This e-mail address cannot receive mail.");
  }
  const { control, config, log } = services;
  const id = newId();
  const now = new Date().toISOString();
  const relay = Boolean(config.SMTP_URL);
  const attachments = mail.attachments ?? [];
  for (const a of attachments) {
    if (/[\r\n"]/.test(a.filename) || !/^[\w.+-]+\/[\w.+-]+$/.test(a.contentType)) {
      throw new InvalidError("An attachment's name or type is not valid.");
    }
  }
  await control.batch([
    {
      sql:
        `INSERT INTO outbox (id, tenant_id, to_addr, subject, body_text, status, created_at, sent_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        id,
        mail.tenantId ?? null,
        to,
        mail.subject,
        mail.text,
        relay ? "queued" : "sent",
        now,
        relay ? null : now,
      ],
    },
    ...attachments.map((a, position) => ({
      sql: `INSERT INTO outbox_attachments (mail_id, position, filename, content_type, content)
            VALUES (?, ?, ?, ?, ?)`,
      args: [id, position, a.filename, a.contentType, a.content],
    })),
  ], "write");
  // Links in mail are secrets (reset, invitation): production logs carry only the envelope.
  const fields: Record<string, unknown> = { mail_id: id, to, subject: mail.subject };
  if (attachments.length) fields.attachments = attachments.map((a) => a.filename);
  if (!config.production) fields.body = mail.text;
  log.info(relay ? "mail queued" : "mail delivered to the dev mailbox", fields);
  if (relay) services.mailDeliveries.track(deliverOne(services, id).then(() => {}));
  return id;
}

/** Waits until background delivery attempts started by `sendMail` have finished. */
export async function mailSettled(services: Services): Promise<void> {
  await services.mailDeliveries.settled();
}

/** Tries every queued message that is due; returns how many were sent and how many failed. */
export async function deliverQueuedMail(
  services: Services,
  limit = 50,
): Promise<{ sent: number; failed: number }> {
  const now = new Date().toISOString();
  const rs = await services.control.execute({
    sql: `SELECT id FROM outbox WHERE status = 'queued'
          AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
          AND (lease_until IS NULL OR lease_until <= ?)
          ORDER BY created_at LIMIT ?`,
    args: [now, now, limit],
  });
  let sent = 0;
  let failed = 0;
  for (const row of rs.rows) {
    const outcome = await deliverOne(services, String(row.id));
    if (outcome === "sent") sent++;
    else if (outcome === "retry" || outcome === "failed") failed++;
  }
  return { sent, failed };
}

/** Claims one queued message with a lease (so no two attempts send it) and tries the relay. */
async function deliverOne(
  services: Services,
  id: string,
): Promise<"sent" | "retry" | "failed" | "skipped"> {
  const { control, config, log } = services;
  const now = Date.now();
  const claimed = await control.execute({
    sql: `UPDATE outbox SET attempts = attempts + 1, lease_until = ?
          WHERE id = ? AND status = 'queued' AND (lease_until IS NULL OR lease_until <= ?)
          RETURNING to_addr, subject, body_text, attempts`,
    args: [new Date(now + LEASE_MS).toISOString(), id, new Date(now).toISOString()],
  });
  const row = claimed.rows[0];
  if (!row) return "skipped";
  try {
    if (config.SMTP_URL) {
      await sendSmtp(config.SMTP_URL, {
        from: config.MAIL_FROM,
        to: String(row.to_addr),
        subject: String(row.subject),
        text: String(row.body_text),
        messageId: `${id}@${addressOf(config.MAIL_FROM).split("@")[1] ?? "localhost"}`,
        attachments: await attachmentsOf(control, id),
      });
    }
    await control.execute({
      sql: `UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL
            WHERE id = ?`,
      args: [new Date().toISOString(), id],
    });
    return "sent";
  } catch (err) {
    const attempts = Number(row.attempts);
    const final = attempts >= MAX_ATTEMPTS;
    // 1, 2, 4 ... minutes, at most 6 hours between attempts.
    const wait = Math.min(60_000 * 2 ** (attempts - 1), 6 * 3600_000);
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await control.execute({
      sql: `UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL
            WHERE id = ?`,
      args: [final ? "failed" : "queued", message, new Date(Date.now() + wait).toISOString(), id],
    });
    log.warn(final ? "mail failed for good" : "mail delivery failed; will retry", {
      mail_id: id,
      attempts,
      error: message,
    });
    return final ? "failed" : "retry";
  }
}

/** The files a message in the outbox carries, in order. */
export async function attachmentsOf(control: Client, mailId: string): Promise<MailAttachment[]> {
  const rs = await control.execute({
    sql: `SELECT filename, content_type, content FROM outbox_attachments WHERE mail_id = ?
          ORDER BY position`,
    args: [mailId],
  });
  return rs.rows.map((r) => ({
    filename: String(r.filename),
    contentType: String(r.content_type),
    content: new Uint8Array(r.content as ArrayBuffer),
  }));
}

/**
 * The newest messages of the outbox, for the dev mailbox. With `scope`, only the mail sent for
 * that workspace (`tenantId`), or only the bare domain's own mail (`tenantId: null`).
 */
export async function listOutbox(
  control: Client,
  limit = 100,
  scope?: { tenantId: string | null },
): Promise<OutboxMessage[]> {
  const where = scope === undefined
    ? ""
    : scope.tenantId === null
    ? "WHERE tenant_id IS NULL"
    : "WHERE tenant_id = ?";
  const rs = await control.execute({
    sql: `SELECT id, tenant_id, to_addr, subject, body_text, status, attempts, last_error,
                 created_at, sent_at, (SELECT json_group_array(filename) FROM
                   (SELECT filename FROM outbox_attachments a WHERE a.mail_id = outbox.id
                    ORDER BY position)) AS attachment_names
          FROM outbox ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: scope?.tenantId ? [scope.tenantId, limit] : [limit],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    tenantId: r.tenant_id === null ? null : String(r.tenant_id),
    to: String(r.to_addr),
    subject: String(r.subject),
    text: String(r.body_text),
    status: String(r.status) as OutboxMessage["status"],
    attempts: Number(r.attempts),
    lastError: r.last_error === null ? null : String(r.last_error),
    createdAt: String(r.created_at),
    sentAt: r.sent_at === null ? null : String(r.sent_at),
    attachments: JSON.parse(String(r.attachment_names ?? "[]")) as string[],
  }));
}
