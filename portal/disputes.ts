/**
 * @module portal/disputes
 * A customer disputes a line of an invoice from the portal, with a reason. The dispute is stored
 * (`invoice_disputes`), written on the invoice's activity as a note so the broker sees it on the
 * invoice's page and timeline, and the caller tells the members (notifications). One dispute
 * per line: a second one on the same line is refused, also once the broker resolved the first.
 * When the broker resolves it (domain/disputes.ts), `sendDisputeOutcome` e-mails the customer the
 * outcome with a fresh link to the portal page, which shows it too.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { addNote } from "../domain/activity/mod.ts";
import { ConflictError, InvalidError } from "../domain/errors.ts";
import type { PortalInvoice } from "./view.ts";
import { type Dispute, resolveDispute, type ResolveInput } from "../domain/disputes.ts";
import { getRecord } from "../domain/records/repository.ts";
import { customers, invoices } from "../domain/catalog.ts";
import { inCurrency } from "../domain/currency.ts";
import * as fmt from "../domain/format.ts";
import { formatsFor, translator } from "../i18n/mod.ts";
import { partyLanguage, workspaceLanguage } from "../mail/language.ts";
import type { RecordContext } from "../domain/records/context.ts";
import {
  assertSenderConfirmed,
  customerBillingAddress,
  logMail,
  type MailingDeps,
  type SentMail,
} from "../domain/flows/mailing.ts";

/**
 * Invisible controls that change how text reads (bidirectional overrides, embeddings, isolates,
 * zero-width space, word joiner, byte-order mark): a customer's reason is shown to the members as
 * written, so they are dropped rather than refused (a customer pasting from elsewhere is not asked
 * to find them). Direction marks and the joiners scripts and emoji need stay.
 */
const HIDDEN_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/g;

/** The portal's dispute form. */
export const DisputeSchema = z.object({
  line_id: z.string().trim().min(1, "Choose the line you dispute."),
  reason: z.string().transform((v) => v.replace(HIDDEN_CONTROLS, "").trim()).pipe(
    z.string().min(3, "Say what is wrong with the line.").max(
      2000,
      "Keep the reason under 2,000 characters.",
    ),
  ),
});

export interface InvoiceDispute {
  id: string;
  invoiceId: string;
  lineId: string;
  lineDescription: string;
  reason: string;
  createdAt: string;
}

/** Records the customer's dispute of one of the invoice's own lines, and notes it on the invoice. */
export async function disputeLine(
  db: Client,
  invoice: PortalInvoice,
  customerId: string,
  input: z.infer<typeof DisputeSchema>,
  now: Date,
): Promise<InvoiceDispute> {
  const line = invoice.lines.find((l) => l.id === input.line_id);
  if (!line) {
    throw new InvalidError("Choose a line of this invoice.", {
      line_id: ["Not a line of this invoice."],
    }, 422);
  }
  if (line.dispute?.status === "open") throw new ConflictError("This line is already disputed.");
  if (line.dispute) {
    throw new ConflictError(
      `This line's dispute was already ${line.dispute.status}: reply to our e-mail to discuss it.`,
    );
  }
  const dispute: InvoiceDispute = {
    id: newId(),
    invoiceId: invoice.id,
    lineId: line.id,
    lineDescription: line.description,
    reason: input.reason,
    createdAt: now.toISOString(),
  };
  await db.execute({
    sql: `INSERT INTO invoice_disputes (id, invoice_id, line_id, customer_id, reason, created_at)
          VALUES (?, ?, ?, ?, ?, ?)`,
    args: [dispute.id, invoice.id, line.id, customerId, dispute.reason, dispute.createdAt],
  });
  // The note stays on the invoice for the broker's team: written in the workspace's language.
  const t = translator(await workspaceLanguage(db));
  await addNote(db, { entity: "invoices", entityId: invoice.id }, {
    body: t("dispute.activity_note", {
      customer: invoice.customerName,
      position: line.position,
      description: line.description,
      reason: input.reason,
    }),
  }, { userId: null, at: dispute.createdAt, members: [] });
  return dispute;
}

/**
 * E-mails the customer the outcome of their dispute (accepted with a credit, or rejected with the
 * broker's reason) with a link to the invoice's portal page, and logs the mail on the invoice.
 * Written in the customer's language (`partyLanguage`), amounts in its locale and the invoice's
 * currency; it says what was decided, on which line, the credit and the balance now due, or the
 * reason and that the invoice is unchanged. Returns null when the customer has no address on file
 * (the portal page still shows it).
 */
export async function sendDisputeOutcome(
  deps: MailingDeps,
  ctx: RecordContext,
  invoice: {
    id: string;
    number: string;
    customerId: string;
    currency: unknown;
    outstandingCents: number;
  },
  dispute: Dispute,
): Promise<SentMail | null> {
  const to = await customerBillingAddress(ctx.db, invoice.customerId);
  if (!to) return null;
  assertSenderConfirmed(deps);
  const customer = await getRecord(ctx.db, customers, invoice.customerId);
  const language = await partyLanguage(ctx.db, customer);
  const t = translator(language);
  const f = inCurrency(formatsFor(deps.format, language), invoice.currency);
  const portal = deps.portalLink
    ? await deps.portalLink({ id: invoice.id, customerId: invoice.customerId })
    : null;
  const args = {
    name: String(customer.name),
    company: deps.companyName,
    number: invoice.number,
    line: dispute.line_description || t("mail.dispute.the_line"),
    credit: fmt.money(dispute.credit_cents, f),
    balance: fmt.money(invoice.outstandingCents, f),
  };
  const accepted = dispute.status === "accepted";
  const note = dispute.resolution_note?.trim() ?? "";
  const subject = t(
    accepted ? "mail.dispute.subject_accepted" : "mail.dispute.subject_rejected",
    args,
  );
  const balance = invoice.outstandingCents <= 0
    ? t("mail.dispute.nothing_due", args)
    : t(accepted ? "mail.dispute.balance_now_due" : "mail.dispute.balance_due", args);
  const outcome = accepted
    ? [
      t("mail.dispute.accepted", args),
      "",
      t("mail.dispute.credit", args),
      balance,
      ...(note ? ["", t("mail.dispute.our_note", { note })] : []),
    ]
    : [
      t("mail.dispute.rejected", args),
      "",
      t("mail.dispute.our_reason", { note }),
      "",
      balance,
      "",
      t("mail.dispute.disagree", args),
    ];
  const text = [
    t("mail.dispute.hello", args),
    "",
    ...outcome,
    ...(portal
      ? ["", t(accepted ? "mail.dispute.link_accepted" : "mail.dispute.link", { link: portal })]
      : []),
    "",
    t("mail.thanks", args),
  ].join("\n");
  const mailId = await deps.send({ to, subject, text });
  return await logMail(ctx.db, ctx, {
    collection: "invoices",
    record_id: invoice.id,
    kind: "dispute_outcome",
    to,
    subject,
    mail_id: mailId,
    attachment: null,
    attachment_sha256: null,
  });
}

/**
 * Resolves a dispute (domain/disputes.ts) and then tells the customer by e-mail; the mail is sent
 * after the resolution is committed, so a mail problem never undoes the broker's decision. A
 * member whose own address is unconfirmed may not mail the customer: when the customer has an
 * address on file, that is refused first (403 `email_unconfirmed`), the dispute left open.
 */
export async function resolveAndTell(
  deps: MailingDeps,
  ctx: RecordContext,
  invoiceId: string,
  disputeId: string,
  input: ResolveInput,
  at: string,
): Promise<{ dispute: Dispute; invoice: Record<string, unknown>; mail: SentMail | null }> {
  const before = await getRecord(ctx.db, invoices, invoiceId); // 404 for an unknown invoice
  if (await customerBillingAddress(ctx.db, String(before.customer_id))) {
    assertSenderConfirmed(deps);
  }
  const dispute = await resolveDispute(ctx.db, invoiceId, disputeId, input, {
    userId: ctx.userId,
    at,
  });
  const invoice = await getRecord(ctx.db, invoices, invoiceId);
  const mail = await sendDisputeOutcome(deps, ctx, {
    id: invoiceId,
    number: String(invoice.number),
    customerId: String(invoice.customer_id),
    currency: invoice.currency,
    outstandingCents: Number(invoice.outstanding_cents),
  }, dispute);
  return { dispute, invoice, mail };
}
