/**
 * @module paperwork
 * The documents a broker sends out, drawn as PDFs on the company's letterhead: the invoice and the
 * sales confirmation (of a sales order) to the customer, the purchase order to the supplier and
 * the rate confirmation to the carrier. Routes ask `renderPaperwork` for one by record collection
 * and id within the tenant's database.
 */
import type { Executor } from "../db/transaction.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { drawInvoice, loadInvoicePaper } from "./invoice.ts";
import { drawPurchaseOrder, loadPurchaseOrderPaper } from "./purchase_order.ts";
import { drawSalesConfirmation, loadSalesConfirmationPaper } from "./sales_confirmation.ts";
import { drawRateConfirmation, loadRateConfirmationPaper } from "./rate_confirmation.ts";
import { pdfFilename } from "./format.ts";
import type { Words } from "./layout.ts";
import { formatsFor, type Language } from "../i18n/mod.ts";
import { DEFAULT_FORMAT } from "../domain/format.ts";

export type PaperworkCollection = "invoices" | "sales-orders" | "purchase-orders" | "loads";

interface Kind {
  /** The page route's file name part: /invoices/:id/invoice.pdf. */
  slug: string;
  label: string;
  render(
    db: Executor,
    id: string,
    company: CompanyDetails,
    words?: Words,
    locale?: string,
  ): Promise<{
    number: string;
    bytes: Uint8Array;
  }>;
}

/** A kind of document: how to load a record's paper and how to draw it. */
function kind<P extends { number: string }>(
  slug: string,
  label: string,
  load: (db: Executor, id: string, locale?: string) => Promise<P>,
  draw: (paper: P, company: CompanyDetails, words?: Words) => Promise<Uint8Array>,
): Kind {
  return {
    slug,
    label,
    async render(db, id, company, words, locale) {
      const paper = await load(db, id, locale);
      return { number: paper.number, bytes: await draw(paper, company, words) };
    },
  };
}

const KINDS: Record<PaperworkCollection, Kind> = {
  invoices: kind("invoice", "invoice", loadInvoicePaper, drawInvoice),
  "sales-orders": kind(
    "sales-confirmation",
    "sales confirmation",
    loadSalesConfirmationPaper,
    drawSalesConfirmation,
  ),
  "purchase-orders": kind(
    "purchase-order",
    "purchase order",
    loadPurchaseOrderPaper,
    drawPurchaseOrder,
  ),
  loads: kind(
    "rate-confirmation",
    "rate confirmation",
    loadRateConfirmationPaper,
    drawRateConfirmation,
  ),
};

/** The collections that have a document to download, with its route slug and label. */
export const PAPERWORK: ReadonlyArray<
  { collection: PaperworkCollection; slug: string; label: string }
> = (Object.entries(KINDS) as Array<[PaperworkCollection, Kind]>).map(([collection, k]) => ({
  collection,
  slug: k.slug,
  label: k.label,
}));

/** The page path of a record's PDF, or null when its collection has none. */
export function paperworkPath(collection: string, id: string): string | null {
  const kind = KINDS[collection as PaperworkCollection];
  return kind ? `/${collection}/${id}/${kind.slug}.pdf` : null;
}

/**
 * Draws the document of one record, its headings in the tenant's `words`; the repository's 404
 * for an id not in this database. With `language` (the party's), its dates and amounts are
 * written in that language's locale (the labels' language is `words`', paperwork/language.ts).
 */
export async function renderPaperwork(
  collection: PaperworkCollection,
  db: Executor,
  id: string,
  company: CompanyDetails,
  words?: Words,
  language?: Language,
): Promise<{ filename: string; bytes: Uint8Array }> {
  const kind = KINDS[collection];
  const locale = language ? formatsFor(DEFAULT_FORMAT, language).locale : undefined;
  const { number, bytes } = await kind.render(db, id, company, words, locale);
  return { filename: pdfFilename(number, kind.slug), bytes };
}
