/**
 * @module paperwork/invoice
 * The invoice the broker sends the customer: letterhead, number and dates, terms, who is billed
 * (with their accounting contact), the customer's PO and the sales order, the lines, the totals
 * with what is paid and the balance due, and how to pay (remittance instructions).
 */
import type { Executor } from "../db/transaction.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { accountingContact, contactLine, linesOf, related, subject } from "./records.ts";
import { addressLines, day, goodsRow, money } from "./format.ts";
import { GOODS_COLUMNS, MARGIN, Sheet, type Words } from "./layout.ts";

/** Everything an invoice prints, as plain values (read by `loadInvoicePaper`). */
export interface InvoicePaper {
  number: string;
  /** The customer's currency when the invoice was made: every amount is in it. */
  currency: string;
  state: string;
  invoiceDate: string | null;
  shipDate: string | null;
  dueDate: string | null;
  terms: string | null;
  customerPo: string | null;
  salesOrder: string | null;
  customer: { name: string; address: string[]; contact: string };
  lines: string[][];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  paidCents: number;
  balanceCents: number;
  /** The locale its amounts are written in (the customer's language's; en-US by default). */
  locale?: string;
}

/**
 * Reads an invoice, its customer, accounting contact and sales order; 404 for unknown ids. Dates
 * and amounts are written in `locale` (the customer's language, paperwork/language.ts).
 */
export async function loadInvoicePaper(
  db: Executor,
  id: string,
  locale?: string,
): Promise<InvoicePaper> {
  const invoice = await subject(db, "invoices", id);
  const customer = await related(db, "customers", invoice.customer_id);
  const order = await related(db, "sales-orders", invoice.sales_order_id);
  const contact = customer ? await accountingContact(db, String(customer.id)) : null;
  const text = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));
  return {
    number: String(invoice.number),
    currency: String(invoice.currency ?? "USD"),
    state: String(invoice.state ?? "draft"),
    invoiceDate: day(invoice.invoice_date, locale),
    shipDate: day(invoice.ship_date, locale),
    dueDate: day(invoice.due_date, locale),
    terms: text(invoice.payment_terms) ?? text(customer?.payment_terms),
    customerPo: text(order?.customer_po),
    salesOrder: text(order?.number),
    customer: {
      name: String(customer?.name ?? ""),
      address: customer ? addressLines(customer) : [],
      contact: contactLine(contact),
    },
    lines: linesOf(invoice).map((line) => goodsRow(line, invoice.currency, locale)),
    subtotalCents: Number(invoice.subtotal_cents ?? 0),
    taxCents: Number(invoice.tax_cents ?? 0),
    totalCents: Number(invoice.total_cents ?? 0),
    paidCents: Number(invoice.paid_cents ?? 0),
    balanceCents: Number(invoice.outstanding_cents ?? 0),
    locale,
  };
}

/** Draws an invoice on the company's letterhead. */
export async function drawInvoice(
  paper: InvoicePaper,
  company: CompanyDetails,
  words?: Words,
): Promise<Uint8Array> {
  const sheet = await Sheet.create(
    `Invoice ${paper.number}`,
    `Invoice ${paper.number}, continued`,
    words,
  );
  sheet.letterhead(company, "INVOICE");
  const top = sheet.y;
  const billed = sheet.block(
    "Bill to",
    [
      paper.customer.name,
      ...paper.customer.address,
      paper.customer.contact ? `${sheet.label("Attn")}: ${paper.customer.contact}` : "",
    ],
    MARGIN,
    top,
  );
  const facts = sheet.facts(
    [
      ["Invoice number", paper.number],
      ["Invoice date", paper.invoiceDate],
      ["Ship date", paper.shipDate],
      ["Due date", paper.dueDate],
      ["Terms", paper.terms],
      ["Customer PO", paper.customerPo],
      ["Sales order", paper.salesOrder],
      ["Currency", paper.currency],
      [
        "Status",
        paper.state === "sent" ? null : sheet.label(paper.state === "void" ? "Void" : "Draft"),
      ],
    ],
    340,
    top - 13,
  );
  sheet.y = Math.min(billed, facts) - 14;
  sheet.table(GOODS_COLUMNS, paper.lines);
  sheet.totals([
    ["Subtotal", money(paper.subtotalCents, paper.currency, paper.locale)],
    ...(paper.taxCents
      ? [["Tax", money(paper.taxCents, paper.currency, paper.locale)] as [string, string]]
      : []),
    ["Total", money(paper.totalCents, paper.currency, paper.locale), true],
    ["Amount paid", money(paper.paidCents, paper.currency, paper.locale)],
    ["Balance due", money(paper.balanceCents, paper.currency, paper.locale), true],
  ]);
  sheet.paragraph("Remit to", company.remittance_instructions);
  sheet.paragraph("", company.invoice_footer, { muted: true });
  return await sheet.save();
}
