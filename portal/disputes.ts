/**
 * @module portal/disputes
 * A customer disputes a line of an invoice from the portal, with a reason. The dispute is stored
 * (`invoice_disputes`), written on the invoice's activity as a note so the broker sees it on the
 * invoice's page and timeline, and the caller tells the members (notifications). One open dispute
 * per line: a second one on the same line is refused.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { addNote } from "../domain/activity/mod.ts";
import { ConflictError, InvalidError } from "../domain/errors.ts";
import type { PortalInvoice } from "./view.ts";

/** The portal's dispute form. */
export const DisputeSchema = z.object({
  line_id: z.string().trim().min(1, "Choose the line you dispute."),
  reason: z.string().trim().min(3, "Say what is wrong with the line.").max(
    2000,
    "Keep the reason under 2,000 characters.",
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
  if (line.dispute) throw new ConflictError("This line is already disputed.");
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
  await addNote(db, { entity: "invoices", entityId: invoice.id }, {
    body: `Disputed by ${invoice.customerName} in the invoice portal, line ${line.position} ` +
      `(${line.description}): ${input.reason}`,
  }, { userId: null, at: dispute.createdAt, members: [] });
  return dispute;
}

/** The open disputes of an invoice, oldest first (the invoice's page shows them). */
export async function disputesOf(db: Client, invoiceId: string): Promise<InvoiceDispute[]> {
  const rs = await db.execute({
    sql: `SELECT d.id, d.invoice_id, d.line_id, d.reason, d.created_at, l.description
          FROM invoice_disputes d LEFT JOIN invoice_lines l ON l.id = d.line_id
          WHERE d.invoice_id = ? AND d.resolved_at IS NULL ORDER BY d.created_at`,
    args: [invoiceId],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    invoiceId: String(r.invoice_id),
    lineId: String(r.line_id),
    lineDescription: String(r.description ?? ""),
    reason: String(r.reason),
    createdAt: String(r.created_at),
  }));
}
