/**
 * @module domain/flows/receipts
 * A customer's payment received against one or several invoices (issue 17): the open invoices,
 * a suggested split of the amount from the remittance advice (the invoice numbers it names, with
 * the amount written on the same line), the rest to the oldest due first; then one payment per
 * invoice, all in one transaction, so a check that pays three invoices is recorded whole or not
 * at all. The payment rules (never more than is outstanding, no draft or void invoice) still apply.
 */
import type { Executor } from "../../db/transaction.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import { customers, payments } from "../catalog.ts";
import { InvalidError } from "../errors.ts";
import { conflictFrom, createRecordIn, getRecord } from "../records/repository.ts";
import type { RecordContext } from "../records/context.ts";
import type { RecordValues } from "../records/rows.ts";
import { createSchema, issuesByField } from "../records/schema.ts";

function withoutEmpty(values: RecordValues): RecordValues {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== ""),
  );
}

export interface OpenInvoice {
  id: string;
  number: string;
  invoice_date: string;
  due_date: string | null;
  total_cents: number;
  outstanding_cents: number;
}

export interface Allocation {
  invoice_id: string;
  amount_cents: number;
}

export interface Match {
  allocations: Allocation[];
  /** Invoices the remittance named. */
  named: string[];
  /** What is left of the amount once every open invoice is covered. */
  unapplied_cents: number;
}

/** A customer's sent, unpaid invoices, the oldest due first. */
export async function openInvoices(db: Executor, customerId: string): Promise<OpenInvoice[]> {
  await getRecord(db, customers, customerId); // 404 for ids not in this tenant
  const rs = await db.execute({
    sql: `SELECT id, number, invoice_date, due_date, total_cents, outstanding_cents FROM invoices
          WHERE customer_id = ? AND state = 'sent' AND outstanding_cents > 0 AND archived_at IS NULL
          ORDER BY COALESCE(due_date, invoice_date), number`,
    args: [customerId],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    number: String(r.number),
    invoice_date: String(r.invoice_date),
    due_date: r.due_date === null ? null : String(r.due_date),
    total_cents: Number(r.total_cents),
    outstanding_cents: Number(r.outstanding_cents),
  }));
}

const AMOUNT = /\$?\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?(?!\d)/g;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Amounts written on a line, in cents, leaving out the digits of the invoice number itself. */
function amountsOn(line: string, numberPattern: RegExp): number[] {
  const rest = line.replace(numberPattern, " ");
  const out: number[] = [];
  for (const m of rest.matchAll(AMOUNT)) {
    if (!m[2] && !m[0].includes("$") && !m[1]!.includes(",")) continue; // a bare count, not money
    out.push(Number(m[1]!.replaceAll(",", "")) * 100 + Number(m[2] ?? 0));
  }
  return out;
}

/**
 * Splits `amountCents` over `open` invoices: those the remittance names first (the amount on the
 * same line when it is there, else what is outstanding), then the rest oldest due first.
 */
export function matchRemittance(open: OpenInvoice[], amountCents: number, text = ""): Match {
  let left = Math.max(0, Math.trunc(amountCents));
  const given = new Map<string, number>();
  const named: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const inv of open) {
    const digits = inv.number.replace(/^\D+/, "");
    const pattern = new RegExp(
      `(?<![\\w-])(?:${escape(inv.number)}${
        digits && digits !== inv.number ? `|${escape(digits)}` : ""
      })(?![\\w-])`,
      "i",
    );
    const line = lines.find((l) => pattern.test(l));
    if (line === undefined) continue;
    named.push(inv.id);
    const written = amountsOn(line, new RegExp(pattern.source, "gi"))[0];
    const want = Math.min(written ?? inv.outstanding_cents, inv.outstanding_cents, left);
    if (want > 0) {
      given.set(inv.id, want);
      left -= want;
    }
  }
  for (const inv of open) {
    if (left <= 0) break;
    if (named.includes(inv.id)) continue;
    const want = Math.min(inv.outstanding_cents, left);
    given.set(inv.id, want);
    left -= want;
  }
  return {
    allocations: open.filter((i) => given.has(i.id)).map((i) => ({
      invoice_id: i.id,
      amount_cents: given.get(i.id)!,
    })),
    named,
    unapplied_cents: left,
  };
}

export interface Receipt {
  paid_on: string;
  amount_cents: number;
  method?: string | null;
  reference?: string | null;
  notes?: string | null;
  allocations: Allocation[];
}

/** Records a customer's receipt as one payment per invoice it pays, all or none. */
export async function receivePayment(
  ctx: RecordContext,
  customerId: string,
  receipt: Receipt,
): Promise<RecordValues[]> {
  const allocations = receipt.allocations.filter((a) => a.amount_cents > 0);
  if (allocations.length === 0) {
    throw new InvalidError("Apply the payment to at least one invoice.", {
      allocations: ["Give an amount for at least one invoice."],
    }, 422);
  }
  const sum = allocations.reduce((s, a) => s + a.amount_cents, 0);
  if (sum !== receipt.amount_cents) {
    throw new InvalidError("The amounts applied must add up to the payment.", {
      amount_cents: [
        `Applied ${(sum / 100).toFixed(2)} of ${(receipt.amount_cents / 100).toFixed(2)}.`,
      ],
    }, 422);
  }
  if (new Set(allocations.map((a) => a.invoice_id)).size !== allocations.length) {
    throw new InvalidError("Each invoice appears once.", { allocations: ["Repeated invoice."] });
  }
  try {
    return await inWriteTransaction(ctx.db, async (tx) => {
      const open = new Map((await openInvoices(tx, customerId)).map((i) => [i.id, i]));
      const out: RecordValues[] = [];
      for (const [i, a] of allocations.entries()) {
        if (!open.has(a.invoice_id)) {
          throw new InvalidError("That invoice is not an open invoice of this customer.", {
            [`allocations.${i}.invoice_id`]: ["Not an open invoice of this customer."],
          }, 422);
        }
        // Each payment passes the payment's own schema, as the record API would check it.
        const parsed = createSchema(payments).safeParse(withoutEmpty({
          direction: "receivable",
          amount_cents: a.amount_cents,
          paid_on: receipt.paid_on,
          method: receipt.method,
          reference: receipt.reference,
          invoice_id: a.invoice_id,
          notes: receipt.notes,
        }));
        if (!parsed.success) {
          throw new InvalidError("Some fields need attention.", issuesByField(parsed.error), 422);
        }
        out.push(await createRecordIn(tx, ctx, payments, parsed.data));
      }
      return out;
    });
  } catch (err) {
    conflictFrom(payments, err);
  }
}
