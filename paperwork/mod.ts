/**
 * @module paperwork
 * The documents a broker sends out, drawn as PDFs on the company's letterhead: the invoice and the
 * sales confirmation (of a sales order) to the customer, the purchase order to the supplier and
 * the rate confirmation to the carrier. Routes ask `renderPaperwork` for one by record collection
 * and id within the tenant's database. A document is the party's: unless the caller names a
 * language, it prints in the party's own (`language` of the customer, supplier or carrier), else
 * the workspace's default (mail/language.ts `partyLanguage`).
 */
import type { Executor } from "../db/transaction.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { drawInvoice, loadInvoicePaper } from "./invoice.ts";
import { drawPurchaseOrder, loadPurchaseOrderPaper } from "./purchase_order.ts";
import { drawSalesConfirmation, loadSalesConfirmationPaper } from "./sales_confirmation.ts";
import { drawRateConfirmation, loadRateConfirmationPaper } from "./rate_confirmation.ts";
import { pdfFilename } from "./format.ts";
import type { Words } from "./layout.ts";
import type { Configuration } from "../customization/document/schema.ts";
import { formatsFor, type Language } from "../i18n/mod.ts";
import { DEFAULT_FORMAT } from "../domain/format.ts";
import { partyLanguage } from "../mail/language.ts";
import { paperWords } from "./language.ts";

export type PaperworkCollection = "invoices" | "sales-orders" | "purchase-orders" | "loads";

interface Kind {
  /** The page route's file name part: /invoices/:id/invoice.pdf. */
  slug: string;
  label: string;
  /** Who the document is for: the record's table, its column naming the party, the party's table. */
  party: { table: string; column: string; partyTable: "customers" | "suppliers" | "carriers" };
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
  party: Kind["party"],
  load: (db: Executor, id: string, locale?: string) => Promise<P>,
  draw: (paper: P, company: CompanyDetails, words?: Words) => Promise<Uint8Array>,
): Kind {
  return {
    slug,
    label,
    party,
    async render(db, id, company, words, locale) {
      const paper = await load(db, id, locale);
      return { number: paper.number, bytes: await draw(paper, company, words) };
    },
  };
}

const KINDS: Record<PaperworkCollection, Kind> = {
  invoices: kind(
    "invoice",
    "invoice",
    { table: "invoices", column: "customer_id", partyTable: "customers" },
    loadInvoicePaper,
    drawInvoice,
  ),
  "sales-orders": kind(
    "sales-confirmation",
    "sales confirmation",
    { table: "sales_orders", column: "customer_id", partyTable: "customers" },
    loadSalesConfirmationPaper,
    drawSalesConfirmation,
  ),
  "purchase-orders": kind(
    "purchase-order",
    "purchase order",
    { table: "purchase_orders", column: "supplier_id", partyTable: "suppliers" },
    loadPurchaseOrderPaper,
    drawPurchaseOrder,
  ),
  loads: kind(
    "rate-confirmation",
    "rate confirmation",
    { table: "loads", column: "carrier_id", partyTable: "carriers" },
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
 * The language a record's document prints in: its party's (customer, supplier or carrier) `language`,
 * else the workspace's default. An unknown id answers the workspace's default (drawing it 404s).
 */
export async function paperLanguage(
  collection: PaperworkCollection,
  db: Executor,
  id: string,
): Promise<Language> {
  const { table, column, partyTable } = KINDS[collection].party;
  const rs = await db.execute({
    sql: `SELECT p.language FROM ${table} r LEFT JOIN ${partyTable} p ON p.id = r.${column}
          WHERE r.id = ?`,
    args: [id],
  });
  return await partyLanguage(db, { language: rs.rows[0]?.language });
}

/**
 * Draws the document of one record, its headings in the tenant's `words`; the repository's 404
 * for an id not in this database. With `language`, its dates and amounts are written in that
 * language's locale and `words` are taken as already in it (paperwork/language.ts); without, the
 * party's language is looked up (`paperLanguage`) and the labels and values follow it, sentences
 * naming a type the workspace renamed in its `config` words for that language.
 */
export async function renderPaperwork(
  collection: PaperworkCollection,
  db: Executor,
  id: string,
  company: CompanyDetails,
  words?: Words,
  language?: Language,
  config?: Configuration | null,
): Promise<{ filename: string; bytes: Uint8Array }> {
  const kind = KINDS[collection];
  if (!language) {
    language = await paperLanguage(collection, db, id);
    words = paperWords(language, words, config);
  }
  const locale = formatsFor(DEFAULT_FORMAT, language).locale;
  const { number, bytes } = await kind.render(db, id, company, words, locale);
  return { filename: pdfFilename(number, kind.slug), bytes };
}
