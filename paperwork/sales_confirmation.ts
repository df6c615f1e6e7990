/**
 * @module paperwork/sales_confirmation
 * The sales confirmation the broker sends the customer for a sales order: letterhead, SO number
 * and dates, the customer, where the goods are delivered, the customer's PO number and the
 * salesperson, the lines, the total, the payment terms and notes.
 */
import type { Executor } from "../db/transaction.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { linesOf, related, subject } from "./records.ts";
import { addressLines, day, goodsRow, money } from "./format.ts";
import { GOODS_COLUMNS, hoursLine, MARGIN, Sheet, type Words } from "./layout.ts";

/** Everything a sales confirmation prints, as plain values (read by `loadSalesConfirmationPaper`). */
export interface SalesConfirmationPaper {
  number: string;
  /** The customer's currency when the order was made: every amount is in it. */
  currency: string;
  orderDate: string | null;
  deliveryDate: string | null;
  terms: string | null;
  customerPo: string | null;
  salesperson: string | null;
  customer: string[];
  delivery: string[];
  lines: string[][];
  totalCents: number;
  notes: string;
  /** The locale its dates and amounts are written in (the customer's language's; en-US by default). */
  locale?: string;
}

const text = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

/**
 * Reads a sales order with its customer and delivery location; 404 for unknown ids. Dates and
 * amounts are written in `locale` (the customer's language, paperwork/language.ts).
 */
export async function loadSalesConfirmationPaper(
  db: Executor,
  id: string,
  locale?: string,
): Promise<SalesConfirmationPaper> {
  const so = await subject(db, "sales-orders", id);
  const customer = await related(db, "customers", so.customer_id);
  const delivery = await related(db, "locations", so.delivery_location_id);
  return {
    number: String(so.number),
    currency: String(so.currency ?? "USD"),
    orderDate: day(so.order_date, locale),
    deliveryDate: day(so.delivery_date, locale),
    terms: text(customer?.payment_terms),
    customerPo: text(so.customer_po),
    salesperson: text(so.salesperson),
    customer: customer ? [String(customer.name), ...addressLines(customer)] : [],
    delivery: delivery
      ? [
        String(delivery.name),
        ...addressLines(delivery),
        delivery.receiving_hours ? `Hours: ${delivery.receiving_hours}` : "",
        [delivery.contact_name, delivery.phone].filter(Boolean).join(", "),
      ]
      : [],
    lines: linesOf(so).map((line) => goodsRow(line, so.currency, locale)),
    totalCents: Number(so.total_cents ?? 0),
    notes: String(so.notes ?? ""),
    locale,
  };
}

/** Draws a sales confirmation on the company's letterhead. */
export async function drawSalesConfirmation(
  paper: SalesConfirmationPaper,
  company: CompanyDetails,
  words?: Words,
): Promise<Uint8Array> {
  const sheet = await Sheet.create(
    `Sales confirmation ${paper.number}`,
    `Sales confirmation ${paper.number}, continued`,
    words,
  );
  sheet.letterhead(company, "SALES CONFIRMATION");
  const top = sheet.y;
  const customer = sheet.block("Customer", paper.customer, MARGIN, top);
  const facts = sheet.facts(
    [
      ["SO number", paper.number],
      ["Order date", paper.orderDate],
      ["Delivery date", paper.deliveryDate],
      ["Customer PO", paper.customerPo],
      ["Salesperson", paper.salesperson],
      ["Currency", paper.currency],
    ],
    340,
    top - 13,
  );
  sheet.y = Math.min(customer, facts) - 10;
  if (paper.delivery.length) {
    sheet.y = sheet.block(
      "Delivery location",
      paper.delivery.map((l) => hoursLine(sheet, l)),
      MARGIN,
      sheet.y,
    ) - 10;
  }
  sheet.table(GOODS_COLUMNS, paper.lines);
  sheet.totals([
    ["Total", money(paper.totalCents, paper.currency, paper.locale), true],
    ...(paper.terms ? [["Payment terms", paper.terms] as [string, string]] : []),
  ]);
  sheet.paragraph("Notes", paper.notes);
  return await sheet.save();
}
