/**
 * @module paperwork/purchase_order
 * The purchase order the broker sends the supplier (packer): letterhead, number and dates, the
 * supplier and the plant with its USDA establishment number, where and when the load is picked up,
 * who moves it, the supplier's confirmation number, the lines, the total and notes.
 */
import type { Executor } from "../db/transaction.ts";
import type { CompanyDetails } from "../domain/company.ts";
import { fieldOf } from "../domain/records/definition.ts";
import { enumLabel } from "../domain/records/fields.ts";
import { purchaseOrders } from "../domain/catalog.ts";
import { workspaceCurrency } from "../domain/exchange.ts";
import { linesOf, related, subject } from "./records.ts";
import { addressLines, day, goodsRow, money } from "./format.ts";
import { GOODS_COLUMNS, hoursLine, MARGIN, Sheet, type Words } from "./layout.ts";

/** Everything a purchase order prints, as plain values (read by `loadPurchaseOrderPaper`). */
export interface PurchaseOrderPaper {
  number: string;
  orderDate: string | null;
  pickupDate: string | null;
  terms: string | null;
  movedBy: string;
  supplierConfirmation: string | null;
  carrierRelease: string | null;
  supplier: string[];
  plant: string[];
  pickup: string[];
  lines: string[][];
  totalCents: number;
  /** The workspace's own currency (Settings → Company), which a purchase order is priced in. */
  currency?: string;
  notes: string;
  /** The locale its dates and amounts are written in (the supplier's language's; en-US by default). */
  locale?: string;
}

const text = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

/**
 * Reads a purchase order with its supplier, plant and pickup location; 404 for unknown ids. Dates
 * and amounts are written in `locale` (the supplier's language, paperwork/language.ts).
 */
export async function loadPurchaseOrderPaper(
  db: Executor,
  id: string,
  locale?: string,
): Promise<PurchaseOrderPaper> {
  const po = await subject(db, "purchase-orders", id);
  const [supplier, plant, pickup] = [
    await related(db, "suppliers", po.supplier_id),
    await related(db, "plants", po.plant_id),
    await related(db, "locations", po.pickup_location_id),
  ];
  const currency = await workspaceCurrency(db);
  return {
    number: String(po.number),
    orderDate: day(po.order_date, locale),
    pickupDate: day(po.pickup_date, locale),
    terms: text(po.payment_terms) ?? text(supplier?.payment_terms),
    movedBy: enumLabel(fieldOf(purchaseOrders, "moved_by")!, po.moved_by),
    supplierConfirmation: text(po.supplier_confirmation),
    carrierRelease: text(po.carrier_release),
    supplier: supplier
      ? [
        String(supplier.name),
        ...addressLines(supplier),
        [supplier.phone, supplier.email].filter(Boolean).join("   "),
      ]
      : [],
    plant: plant ? [String(plant.name), `EST ${plant.est_number}`, ...addressLines(plant)] : [],
    pickup: pickup
      ? [
        String(pickup.name),
        ...addressLines(pickup),
        pickup.receiving_hours ? `Hours: ${pickup.receiving_hours}` : "",
        [pickup.contact_name, pickup.phone].filter(Boolean).join(", "),
      ]
      : [],
    lines: linesOf(po).map((line) => goodsRow(line, currency, locale)),
    totalCents: Number(po.total_cents ?? 0),
    currency,
    notes: String(po.notes ?? ""),
    locale,
  };
}

/** Draws a purchase order on the company's letterhead. */
export async function drawPurchaseOrder(
  paper: PurchaseOrderPaper,
  company: CompanyDetails,
  words?: Words,
): Promise<Uint8Array> {
  const sheet = await Sheet.create(
    `Purchase order ${paper.number}`,
    `Purchase order ${paper.number}, continued`,
    words,
  );
  sheet.letterhead(company, "PURCHASE ORDER");
  const top = sheet.y;
  const supplier = sheet.block("Supplier", paper.supplier, MARGIN, top);
  const facts = sheet.facts(
    [
      ["PO number", paper.number],
      ["Order date", paper.orderDate],
      ["Pickup date", paper.pickupDate],
      ["Terms", paper.terms],
      ["Supplier confirmation", paper.supplierConfirmation],
      ["Carrier release", paper.carrierRelease],
      ["Who moves it", sheet.label(paper.movedBy)],
    ],
    340,
    top - 13,
  );
  sheet.y = Math.min(supplier, facts) - 10;
  if (paper.plant.length || paper.pickup.length) {
    const plant = paper.plant.length ? sheet.block("Plant", paper.plant, MARGIN, sheet.y) : sheet.y;
    const pickup = paper.pickup.length
      ? sheet.block(
        "Pickup location",
        paper.pickup.map((l) => hoursLine(sheet, l)),
        340,
        sheet.y,
        222,
      )
      : sheet.y;
    sheet.y = Math.min(plant, pickup) - 10;
  }
  sheet.table(GOODS_COLUMNS, paper.lines);
  sheet.totals([["Total", money(paper.totalCents, paper.currency, paper.locale), true]]);
  sheet.paragraph("Notes", paper.notes);
  return await sheet.save();
}
