/**
 * @module domain/disputes
 * The broker's side of a disputed invoice line (the customer opens one from the invoice portal,
 * portal/disputes.ts): the disputes of an invoice with their outcome, the open ones across the
 * workspace for the dashboard, and resolving one. Accepting issues a credit for the disputed
 * amount (the line's amount unless the broker gives less), which lowers the invoice's balance,
 * and so its statement line and its aging (domain/rules/totals.ts counts accepted credits);
 * rejecting needs a reason. A dispute is resolved once: the update is conditional on it being
 * open, inside the transaction, so two resolutions at the same time cannot both pass (the second
 * is a ConflictError). The resolution is written on the invoice's history (audit log).
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { ConflictError, InvalidError, NotFoundError } from "./errors.ts";
import { recordAudit } from "./records/audit.ts";
import { markChanged } from "./records/changes.ts";
import { recomputeInvoice } from "./rules/totals.ts";
import type { Executor } from "../db/transaction.ts";

export type DisputeOutcome = "accepted" | "rejected";

/** A dispute of an invoice line, open or resolved. */
export interface Dispute {
  id: string;
  invoice_id: string;
  line_id: string;
  line_description: string;
  /** The disputed line's amount. */
  line_amount_cents: number;
  reason: string;
  created_at: string;
  status: "open" | DisputeOutcome;
  /** What an accepted dispute credited (0 otherwise). */
  credit_cents: number;
  /** The broker's reason for a rejection, or note on an acceptance. */
  resolution_note: string | null;
  resolved_at: string | null;
}

const AMOUNT = /^\d{1,10}(\.\d{1,2})?$/;

/** How a dispute is resolved (the page's forms and the API share it). */
export const ResolveSchema = z.discriminatedUnion("outcome", [
  z.strictObject({
    outcome: z.literal("accept"),
    credit_amount: z.string().trim().regex(AMOUNT, "Write the credit like 125.50.").optional()
      .meta({ description: "Left out: the disputed line's whole amount." }),
    note: z.string().trim().max(2000, "Keep the note under 2,000 characters.").optional(),
  }),
  z.strictObject({
    outcome: z.literal("reject"),
    note: z.string().trim().min(3, "Say why the dispute is rejected.").max(
      2000,
      "Keep the reason under 2,000 characters.",
    ),
  }),
]);
export type ResolveInput = z.infer<typeof ResolveSchema>;

const SELECT = `SELECT d.id, d.invoice_id, d.line_id, d.reason, d.created_at, d.outcome,
    d.credit_cents, d.resolution_note, d.resolved_at, l.description, l.amount_cents
  FROM invoice_disputes d LEFT JOIN invoice_lines l ON l.id = d.line_id`;

function toDispute(r: Record<string, unknown>): Dispute {
  const outcome = r.outcome === "accepted" || r.outcome === "rejected" ? r.outcome : null;
  return {
    id: String(r.id),
    invoice_id: String(r.invoice_id),
    line_id: String(r.line_id),
    line_description: String(r.description ?? ""),
    line_amount_cents: Number(r.amount_cents ?? 0),
    reason: String(r.reason),
    created_at: String(r.created_at),
    status: r.resolved_at ? outcome ?? "rejected" : "open",
    credit_cents: Number(r.credit_cents ?? 0),
    resolution_note: r.resolution_note == null ? null : String(r.resolution_note),
    resolved_at: r.resolved_at == null ? null : String(r.resolved_at),
  };
}

/** Every dispute of an invoice, open and resolved, oldest first (the invoice's page, the API). */
export async function disputesOfInvoice(db: Executor, invoiceId: string): Promise<Dispute[]> {
  const rs = await db.execute({
    sql: `${SELECT} WHERE d.invoice_id = ? ORDER BY d.created_at, d.id`,
    args: [invoiceId],
  });
  return rs.rows.map((r) => toDispute(r as Record<string, unknown>));
}

/** An open dispute with its invoice's number and customer, for the dashboard. */
export interface OpenDispute {
  id: string;
  invoice_id: string;
  invoice_number: string;
  customer: string;
  line_description: string;
  created_at: string;
}

/** The workspace's open disputes, oldest first, and how many there are in all. */
export async function openDisputes(
  db: Executor,
  limit = 5,
): Promise<{ count: number; rows: OpenDispute[] }> {
  const [count, rows] = await Promise.all([
    db.execute("SELECT COUNT(*) AS n FROM invoice_disputes WHERE resolved_at IS NULL"),
    db.execute({
      sql: `SELECT d.id, d.invoice_id, i.number, c.name, l.description, d.created_at
            FROM invoice_disputes d JOIN invoices i ON i.id = d.invoice_id
            JOIN customers c ON c.id = i.customer_id
            LEFT JOIN invoice_lines l ON l.id = d.line_id
            WHERE d.resolved_at IS NULL ORDER BY d.created_at, d.id LIMIT ?`,
      args: [limit],
    }),
  ]);
  return {
    count: Number(count.rows[0]?.n ?? 0),
    rows: rows.rows.map((r) => ({
      id: String(r.id),
      invoice_id: String(r.invoice_id),
      invoice_number: String(r.number),
      customer: String(r.name),
      line_description: String(r.description ?? ""),
      created_at: String(r.created_at),
    })),
  };
}

/** Cents of a decimal amount string ("125.50" -> 12550), exactly. */
function centsOf(amount: string): number {
  const [whole, fraction = ""] = amount.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

function wordOf(outcome: DisputeOutcome): string {
  return outcome === "accepted" ? "accepted" : "rejected";
}

/**
 * Resolves an open dispute of `invoiceId`: accepted with a credit (at most the line's amount and
 * what is still outstanding on the invoice) or rejected with a reason. Refuses a dispute already
 * resolved (409) and one of another invoice (404). Returns the resolved dispute.
 */
export async function resolveDispute(
  db: Client,
  invoiceId: string,
  disputeId: string,
  input: ResolveInput,
  by: { userId: string | null; at: string },
): Promise<Dispute> {
  return await inWriteTransaction(db, async (tx) => {
    const rs = await tx.execute({
      sql: `${SELECT} WHERE d.id = ? AND d.invoice_id = ?`,
      args: [disputeId, invoiceId],
    });
    if (!rs.rows[0]) throw new NotFoundError("No such dispute on this invoice.");
    const dispute = toDispute(rs.rows[0] as Record<string, unknown>);
    if (dispute.status !== "open") {
      throw new ConflictError(
        `This dispute was already ${wordOf(dispute.status)} on ${
          dispute.resolved_at!.slice(0, 10)
        }; nothing was changed.`,
        { status: dispute.status, resolved_at: dispute.resolved_at },
      );
    }
    const outcome: DisputeOutcome = input.outcome === "accept" ? "accepted" : "rejected";
    let credit = 0;
    if (input.outcome === "accept") {
      credit = input.credit_amount === undefined
        ? dispute.line_amount_cents
        : centsOf(input.credit_amount);
      const inv = await tx.execute({
        sql: "SELECT outstanding_cents, state FROM invoices WHERE id = ?",
        args: [invoiceId],
      });
      const outstanding = Number(inv.rows[0]?.outstanding_cents ?? 0);
      if (inv.rows[0]?.state === "void") {
        throw new ConflictError("This invoice is void: reject the dispute instead.");
      }
      const refuse = (message: string) =>
        new InvalidError(message, { credit_amount: [message] }, 422);
      if (credit <= 0) throw refuse("A credit must be more than zero; reject the dispute instead.");
      if (credit > dispute.line_amount_cents) {
        throw refuse("The credit cannot be more than the disputed line's amount.");
      }
      if (credit > outstanding) {
        throw refuse(
          "The credit is more than is still owed on the invoice; refund the customer instead.",
        );
      }
    }
    const note = input.note?.trim() || null;
    const updated = await tx.execute({
      sql: `UPDATE invoice_disputes SET resolved_at = ?, outcome = ?, credit_cents = ?,
              resolution_note = ?, resolved_by = ?
            WHERE id = ? AND resolved_at IS NULL`,
      args: [by.at, outcome, credit, note, by.userId, disputeId],
    });
    if (!updated.rowsAffected) throw new ConflictError("This dispute was already resolved.");
    await recomputeInvoice(tx, invoiceId);
    await recordAudit(tx, {
      at: by.at,
      userId: by.userId,
      action: outcome === "accepted" ? "dispute accepted" : "dispute rejected",
      entity: "invoices",
      entityId: invoiceId,
      changes: {
        dispute: [dispute.line_description || dispute.line_id, wordOf(outcome)],
        ...(credit ? { credited_cents: [0, credit] } : {}),
        ...(note ? { resolution_note: [null, note] } : {}),
      },
    });
    await markChanged(tx);
    return {
      ...dispute,
      status: outcome,
      credit_cents: credit,
      resolution_note: note,
      resolved_at: by.at,
    };
  });
}

/** What accepted disputes credited on an invoice, in cents (0 for an unknown invoice). */
export async function creditedOn(db: Executor, invoiceId: string): Promise<number> {
  const rs = await db.execute({
    sql: "SELECT credited_cents FROM invoices WHERE id = ?",
    args: [invoiceId],
  });
  return Number(rs.rows[0]?.credited_cents ?? 0);
}
