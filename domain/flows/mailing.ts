/**
 * @module domain/flows/mailing
 * Paperwork e-mailed from a record (issue 17): an invoice to the customer's accounts payable, a
 * rate confirmation to the carrier's dispatch, a statement or a dunning reminder to a customer.
 * Each is drawn on the tenant's letterhead, sent through the outbox and logged on the record
 * (`record_mail`) with the document's name and SHA-256, so the page shows what went to whom.
 * The document and the mail are passed in (`MailingDeps`): this module decides what to send.
 * An invoice's mail carries its PDF as an attachment and a link to the customer's invoice
 * portal (portal/, where they see it, pay it or dispute a line); the other mail links to the
 * document in the workspace. All of it goes to people outside the workspace, so each is refused
 * (403 `email_unconfirmed`, nothing sent or changed) while the acting member's own address is
 * unconfirmed (domain/outside_mail.ts).
 */
import type { Executor } from "../../db/transaction.ts";
import { inCurrency } from "../currency.ts";
import { newId, sha256Hex } from "../../db/ids.ts";
import { carriers, customers, invoices, loads } from "../catalog.ts";
import { InvalidError } from "../errors.ts";
import * as fmt from "../format.ts";
import { getRecord, updateRecord } from "../records/repository.ts";
import { type RecordContext, writeTime } from "../records/context.ts";
import type { RecordValues } from "../records/rows.ts";
import { type OpenInvoice, openInvoices } from "./receipts.ts";
import { type Dispute, disputesOfInvoice } from "../disputes.ts";
import { formatsFor, type Language, type Translate, translator } from "../../i18n/mod.ts";
import { partyLanguage } from "../../mail/language.ts";
import { unconfirmedSender } from "../outside_mail.ts";

export interface MailingDeps {
  /**
   * Draws a record's PDF on the letterhead: invoices and loads (rate confirmation), its fixed
   * labels in `language` (the party's).
   */
  renderPdf(collection: "invoices" | "loads", id: string, language?: Language): Promise<{
    filename: string;
    bytes: Uint8Array;
  }>;
  /** Puts a message in the outbox (with its attachments); returns its id. */
  send(mail: {
    to: string;
    subject: string;
    text: string;
    attachments?: { filename: string; contentType: string; content: Uint8Array }[];
  }): Promise<string>;
  /** The signed, expiring address of the customer's portal page for an invoice (portal/links.ts). */
  portalLink?(invoice: { id: string; customerId: string }): Promise<string>;
  /** The absolute address of a page path in this workspace. */
  link(path: string): string;
  companyName: string;
  format: fmt.FormatSettings;
  /**
   * The messages in `language` and the workspace's words: a sentence naming a record type it
   * renamed reads its name (customization/terms.ts `messageInWords`). The catalogue's without.
   */
  translate?(language: Language): Translate;
  /**
   * Whether the acting member's own e-mail address is confirmed (read from the control database
   * for this request): mail to outsiders is refused without it.
   */
  senderConfirmed: boolean;
}

/**
 * Refuses mail to outsiders from a member whose address is unconfirmed (403 `email_unconfirmed`),
 * before anything is read, changed or sent.
 */
export function assertSenderConfirmed(deps: Pick<MailingDeps, "senderConfirmed">): void {
  if (!deps.senderConfirmed) throw unconfirmedSender();
}

export interface SentMail {
  id: string;
  collection: string;
  record_id: string;
  kind: string;
  to: string;
  subject: string;
  attachment: string | null;
  attachment_sha256: string | null;
  sent_at: string;
  sent_by: string | null;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function address(to: unknown, fallback: unknown, what: string): string {
  const chosen = String(to ?? "").trim() || String(fallback ?? "").trim();
  if (!chosen) {
    throw new InvalidError(`No e-mail address for ${what}: give one.`, {
      to: ["Give the address to send to."],
    }, 422);
  }
  if (!EMAIL.test(chosen)) {
    throw new InvalidError("That e-mail address is not valid.", { to: ["Not an address."] }, 422);
  }
  return chosen;
}

/** Logs a mail sent about a record, so its page lists what went to whom. */
export async function logMail(
  db: Executor,
  ctx: RecordContext,
  entry: Omit<SentMail, "id" | "sent_at" | "sent_by"> & { mail_id: string },
): Promise<SentMail> {
  const row: SentMail = {
    id: newId(),
    sent_at: writeTime(ctx),
    sent_by: ctx.userName ?? null,
    collection: entry.collection,
    record_id: entry.record_id,
    kind: entry.kind,
    to: entry.to,
    subject: entry.subject,
    attachment: entry.attachment,
    attachment_sha256: entry.attachment_sha256,
  };
  await db.execute({
    sql: `INSERT INTO record_mail (id, collection, record_id, kind, to_addr, subject, mail_id,
            attachment, attachment_sha256, sent_at, sent_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    args: [
      row.id,
      row.collection,
      row.record_id,
      row.kind,
      row.to,
      row.subject,
      entry.mail_id,
      row.attachment,
      row.attachment_sha256,
      row.sent_at,
      row.sent_by,
    ],
  });
  return row;
}

/** Mail sent about a record, newest first. */
export async function mailOf(db: Executor, collection: string, id: string): Promise<SentMail[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM record_mail WHERE collection = ? AND record_id = ?
          ORDER BY sent_at DESC, id DESC LIMIT 100`,
    args: [collection, id],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    collection: String(r.collection),
    record_id: String(r.record_id),
    kind: String(r.kind),
    to: String(r.to_addr),
    subject: String(r.subject),
    attachment: r.attachment === null ? null : String(r.attachment),
    attachment_sha256: r.attachment_sha256 === null ? null : String(r.attachment_sha256),
    sent_at: String(r.sent_at),
    sent_by: r.sent_by === null ? null : String(r.sent_by),
  }));
}

/** The customer's accounts payable address: an accounting contact's, else the customer's own. */
export async function customerBillingAddress(
  db: Executor,
  customerId: string,
): Promise<string | null> {
  const rs = await db.execute({
    sql: `SELECT email FROM contacts WHERE customer_id = ? AND archived_at IS NULL
          AND email IS NOT NULL AND email <> '' AND (lower(role) LIKE '%accounting%'
          OR lower(role) LIKE '%payable%' OR lower(role) LIKE '%billing%' OR lower(role) = 'ap')
          ORDER BY created_at, id LIMIT 1`,
    args: [customerId],
  });
  if (rs.rows[0]) return String(rs.rows[0].email);
  const customer = await getRecord(db, customers, customerId);
  return customer.email ? String(customer.email) : null;
}

/**
 * Sends an invoice: a draft turns sent first (its due date then counts), the PDF is drawn and
 * attached, the customer's portal link written in the body, the mail logged on the invoice. A void invoice is refused.
 */
export async function sendInvoice(
  deps: MailingDeps,
  ctx: RecordContext,
  id: string,
  input: { to?: string | null; message?: string | null },
): Promise<{ invoice: RecordValues; mail: SentMail }> {
  assertSenderConfirmed(deps);
  let invoice = await getRecord(ctx.db, invoices, id);
  if (invoice.state === "void") throw new InvalidError("This invoice is void; it cannot be sent.");
  const to = address(
    input.to,
    await customerBillingAddress(ctx.db, String(invoice.customer_id)),
    "the customer",
  );
  if (invoice.state === "draft") {
    invoice = await updateRecord(ctx, invoices, id, { version: invoice.version, state: "sent" });
  }
  // Written in the customer's language, amounts and dates in its locale and the invoice's currency.
  const customer = await getRecord(ctx.db, customers, String(invoice.customer_id));
  const language = await partyLanguage(ctx.db, customer);
  const t = (deps.translate ?? translator)(language);
  const pdf = await deps.renderPdf("invoices", id, language);
  const portal = deps.portalLink
    ? await deps.portalLink({ id, customerId: String(invoice.customer_id) })
    : null;
  const f = inCurrency(formatsFor(deps.format, language), invoice.currency);
  const company = deps.companyName;
  const subject = t("mail.invoice.subject", { number: String(invoice.number), company });
  const amounts = { number: String(invoice.number), total: fmt.money(invoice.total_cents, f) };
  const text = [
    input.message?.trim() || t("mail.hello"),
    "",
    invoice.due_date
      ? t("mail.invoice.amount_due", { ...amounts, due: fmt.date(invoice.due_date, f) })
      : t("mail.invoice.amount", amounts),
    t("mail.invoice.outstanding", { amount: fmt.money(invoice.outstanding_cents, f) }),
    "",
    t("mail.invoice.attached", { file: pdf.filename }),
    ...(portal ? ["", t("mail.invoice.portal", { link: portal })] : []),
    "",
    t("mail.thanks", { company }),
  ].join("\n");
  const mailId = await deps.send({
    to,
    subject,
    text,
    attachments: [{ filename: pdf.filename, contentType: "application/pdf", content: pdf.bytes }],
  });
  const mail = await logMail(ctx.db, ctx, {
    collection: "invoices",
    record_id: id,
    kind: "invoice",
    to,
    subject,
    mail_id: mailId,
    attachment: pdf.filename,
    attachment_sha256: await sha256Hex(pdf.bytes),
  });
  return { invoice, mail };
}

/** Sends a load's rate confirmation to its carrier's dispatch address, logged on the load. */
export async function sendRateConfirmation(
  deps: MailingDeps,
  ctx: RecordContext,
  loadId: string,
  input: { to?: string | null; message?: string | null },
): Promise<SentMail> {
  assertSenderConfirmed(deps);
  const load = await getRecord(ctx.db, loads, loadId);
  if (!load.carrier_id) {
    throw new InvalidError("Book a carrier on this load first.", {
      carrier_id: ["No carrier yet."],
    });
  }
  const carrier = await getRecord(ctx.db, carriers, String(load.carrier_id));
  const to = address(input.to, carrier.dispatch_email, "the carrier's dispatch");
  const language = await partyLanguage(ctx.db, carrier);
  const t = (deps.translate ?? translator)(language);
  const pdf = await deps.renderPdf("loads", loadId, language);
  const f = formatsFor(deps.format, language);
  const number = String(load.number);
  const subject = t("mail.rate.subject", { number, company: deps.companyName });
  const text = [
    input.message?.trim() || t("mail.hello_name", { name: String(carrier.name) }),
    "",
    t("mail.rate.booked", { number, rate: fmt.money(load.freight_cents, f) }),
    load.pickup_appointment
      ? t("mail.rate.pickup", { when: fmt.dateTime(load.pickup_appointment, f) })
      : "",
    load.delivery_appointment
      ? t("mail.rate.delivery", { when: fmt.dateTime(load.delivery_appointment, f) })
      : "",
    "",
    t("mail.rate.sign", {
      file: pdf.filename,
      link: deps.link(`/loads/${loadId}/rate-confirmation.pdf`),
    }),
    "",
    deps.companyName,
  ].filter((l, i, all) => l !== "" || all[i - 1] !== "").join("\n");
  const mailId = await deps.send({ to, subject, text });
  return await logMail(ctx.db, ctx, {
    collection: "loads",
    record_id: loadId,
    kind: "rate_confirmation",
    to,
    subject,
    mail_id: mailId,
    attachment: pdf.filename,
    attachment_sha256: await sha256Hex(pdf.bytes),
  });
}

function daysPast(due: string | null, today: string): number {
  if (!due || due >= today) return 0;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 864e5);
}

/**
 * Sends a customer a statement of its open invoices, or a reminder of the overdue ones (refused
 * when none is overdue); logged on the customer and, for a reminder, on each invoice it names.
 */
export async function sendStatement(
  deps: MailingDeps,
  ctx: RecordContext,
  customerId: string,
  input: { kind: "statement" | "reminder"; to?: string | null; today: string },
): Promise<{ mail: SentMail; invoices: OpenInvoice[] }> {
  assertSenderConfirmed(deps);
  const customer = await getRecord(ctx.db, customers, customerId);
  const open = await openInvoices(ctx.db, customerId);
  const listed = input.kind === "reminder"
    ? open.filter((i) => daysPast(i.due_date, input.today) > 0)
    : open;
  if (listed.length === 0) {
    throw new InvalidError(
      input.kind === "reminder"
        ? "Nothing is overdue for this customer; no reminder to send."
        : "This customer has no open invoices; no statement to send.",
    );
  }
  const to = address(
    input.to,
    await customerBillingAddress(ctx.db, customerId),
    "the customer",
  );
  // In the customer's language, its locale and currency.
  const language = await partyLanguage(ctx.db, customer);
  const t: Translate = (deps.translate ?? translator)(language);
  const f = inCurrency(formatsFor(deps.format, language), customer.currency);
  const total = fmt.money(listed.reduce((s, i) => s + i.outstanding_cents, 0), f);
  // Credits (accepted disputes) are lines of their own under their invoice, so the customer sees
  // why an invoice's open amount is lower than what it was invoiced for.
  const credits = new Map<string, Dispute[]>();
  for (const i of listed) {
    const accepted = (await disputesOfInvoice(ctx.db, i.id)).filter((d) =>
      d.status === "accepted" && d.credit_cents > 0
    );
    if (accepted.length) credits.set(i.id, accepted);
  }
  let creditedCents = 0;
  const rows = listed.flatMap((i) => {
    const days = daysPast(i.due_date, input.today);
    const row = t("mail.statement.row", {
      number: i.number,
      date: fmt.date(i.invoice_date, f),
      due: fmt.date(i.due_date, f),
      amount: fmt.money(i.outstanding_cents, f),
    });
    const creditRows = (credits.get(i.id) ?? []).map((d) => {
      creditedCents += d.credit_cents;
      return "    " + t("mail.statement.credit_row", {
        amount: fmt.money(d.credit_cents, f),
        date: fmt.date((d.resolved_at ?? d.created_at).slice(0, 10), f),
        line: d.line_description || t("mail.dispute.the_line"),
      });
    });
    return [days ? `${row}  ${t("mail.statement.days_late", { days })}` : row, ...creditRows];
  });
  const company = deps.companyName;
  const name = String(customer.name);
  const reminder = input.kind === "reminder";
  const subject = reminder
    ? t("mail.reminder.subject", { amount: total, company })
    : t("mail.statement.subject", { company });
  const text = [
    reminder
      ? t("mail.reminder.opening", { name })
      : t("mail.statement.opening", { name, date: fmt.date(input.today, f) }),
    "",
    ...rows,
    "",
    ...(creditedCents
      ? [t("mail.statement.credits_total", { amount: fmt.money(creditedCents, f) })]
      : []),
    reminder
      ? t("mail.reminder.total", { amount: total })
      : t("mail.statement.total", { amount: total }),
    "",
    t("mail.thanks", { company }),
  ].join("\n");
  const mailId = await deps.send({ to, subject, text });
  const mail = await logMail(ctx.db, ctx, {
    collection: "customers",
    record_id: customerId,
    kind: input.kind,
    to,
    subject,
    mail_id: mailId,
    attachment: null,
    attachment_sha256: null,
  });
  if (input.kind === "reminder") {
    for (const inv of listed) {
      await logMail(ctx.db, ctx, {
        collection: "invoices",
        record_id: inv.id,
        kind: "reminder",
        to,
        subject,
        mail_id: mailId,
        attachment: null,
        attachment_sha256: null,
      });
    }
  }
  return { mail, invoices: listed };
}
