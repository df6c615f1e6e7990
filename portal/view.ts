/**
 * @module portal/view
 * What one portal link shows, and nothing more: the invoice it names (only if it still belongs to
 * the customer it names and has been sent), its lines and their disputes (with the broker's
 * outcome once resolved), and that customer's open statement, each open invoice with a link of
 * its own. Plain data for the page.
 */
import type { Executor } from "../db/transaction.ts";
import { openInvoices } from "../domain/flows/receipts.ts";
import { paymentSettings } from "./settings.ts";
import type { PortalClaims } from "./links.ts";
import { signPortalToken } from "./links.ts";

export interface PortalLine {
  id: string;
  position: number;
  description: string;
  cases: number;
  weight: number;
  weightUnit: string;
  amountCents: number;
  /** The line's dispute, open or resolved by the broker (domain/disputes.ts). */
  dispute: PortalDispute | null;
}

export interface PortalDispute {
  reason: string;
  createdAt: string;
  status: "open" | "accepted" | "rejected";
  /** What an accepted dispute credited on the invoice. */
  creditCents: number;
  /** The broker's reason for a rejection, or note on an acceptance. */
  note: string | null;
}

export interface PortalInvoice {
  id: string;
  number: string;
  invoiceDate: string;
  dueDate: string | null;
  state: string;
  totalCents: number;
  paidCents: number;
  /** Credits of accepted disputes, which lower the balance. */
  creditedCents: number;
  outstandingCents: number;
  customerName: string;
  /** The invoice's own currency where invoices carry one; else the tenant's (its formats). */
  currency: string | null;
  lines: PortalLine[];
}

export interface PortalStatementRow {
  number: string;
  invoiceDate: string;
  dueDate: string | null;
  outstandingCents: number;
  /** The open invoice's own portal link (a path on this host). */
  path: string;
  current: boolean;
}

export interface PortalView {
  invoice: PortalInvoice;
  statement: PortalStatementRow[];
  statementTotalCents: number;
}

/** The invoice a link names, if the link's customer still owns it and it was sent; else null. */
export async function portalInvoice(
  db: Executor,
  claims: Pick<PortalClaims, "invoiceId" | "customerId">,
): Promise<PortalInvoice | null> {
  const rs = await db.execute({
    sql: `SELECT i.*, c.name AS customer_name
          FROM invoices i JOIN customers c ON c.id = i.customer_id
          WHERE i.id = ? AND i.customer_id = ? AND i.state IN ('sent', 'paid')
            AND i.archived_at IS NULL`,
    args: [claims.invoiceId, claims.customerId],
  });
  const row = rs.rows[0];
  if (!row) return null;
  const lines = await db.execute({
    sql: `SELECT id, position, description, cases, weight, weight_unit, amount_cents
          FROM invoice_lines WHERE invoice_id = ? ORDER BY position`,
    args: [claims.invoiceId],
  });
  const disputes = await db.execute({
    sql: `SELECT line_id, reason, created_at, outcome, credit_cents, resolution_note, resolved_at
          FROM invoice_disputes WHERE invoice_id = ? ORDER BY created_at, id`,
    args: [claims.invoiceId],
  });
  // A line's latest dispute, with the broker's outcome once resolved.
  const byLine = new Map<string, PortalDispute>(
    disputes.rows.map((d) => [
      String(d.line_id),
      {
        reason: String(d.reason),
        createdAt: String(d.created_at),
        status: d.resolved_at ? (d.outcome === "accepted" ? "accepted" : "rejected") : "open",
        creditCents: Number(d.credit_cents ?? 0),
        note: d.resolution_note == null ? null : String(d.resolution_note),
      },
    ]),
  );
  return {
    id: String(row.id),
    number: String(row.number),
    invoiceDate: String(row.invoice_date),
    dueDate: row.due_date === null ? null : String(row.due_date),
    state: String(row.state),
    totalCents: Number(row.total_cents),
    paidCents: Number(row.paid_cents),
    creditedCents: Number(row.credited_cents ?? 0),
    outstandingCents: Number(row.outstanding_cents),
    customerName: String(row.customer_name),
    currency: typeof row.currency === "string" && row.currency ? row.currency : null,
    lines: lines.rows.map((l) => ({
      id: String(l.id),
      // Stored from 0; people count lines from 1.
      position: Number(l.position) + 1,
      description: String(l.description),
      cases: Number(l.cases),
      weight: Number(l.weight),
      weightUnit: String(l.weight_unit),
      amountCents: Number(l.amount_cents),
      dispute: byLine.get(String(l.id)) ?? null,
    })),
  };
}

/** How long new links last for this tenant (Settings → Payments), in days. */
export async function linkDays(db: Executor): Promise<number> {
  return (await paymentSettings(db)).linkDays;
}

/** The page's data: the invoice and the customer's open invoices, each with its own link. */
export async function portalView(
  db: Executor,
  claims: PortalClaims,
  now: Date,
): Promise<PortalView | null> {
  const invoice = await portalInvoice(db, claims);
  if (!invoice) return null;
  const days = await linkDays(db);
  const open = await openInvoices(db, claims.customerId);
  const statement: PortalStatementRow[] = [];
  for (const inv of open) {
    const token = await signPortalToken(db, {
      tenantId: claims.tenantId,
      invoiceId: inv.id,
      customerId: claims.customerId,
      now,
      days,
    });
    statement.push({
      number: inv.number,
      invoiceDate: inv.invoice_date,
      dueDate: inv.due_date,
      outstandingCents: inv.outstanding_cents,
      path: `/portal/${token}`,
      current: inv.id === invoice.id,
    });
  }
  return {
    invoice,
    statement,
    statementTotalCents: open.reduce((s, i) => s + i.outstanding_cents, 0),
  };
}
