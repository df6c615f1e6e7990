/**
 * @module tenants/demo_documents
 * Sample paperwork for a fresh demo workspace, so the Documents page has something to review
 * without hunting for a PDF: a purchase order from one of the demo suppliers (its real name and
 * a plant's EST number, a PO number not used yet, pickup a few days out) and the bill of lading
 * of one booked load (its BOL and seal numbers, carrier and MC number). Both go through the
 * normal intake, so the background worker reads them like any upload.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { intakeDocument } from "../domain/documents/intake.ts";
import { addDays } from "../domain/rules/due_dates.ts";
import { recordUsage } from "../billing/entitlements.ts";
import {
  type BolPaper,
  drawBillOfLading,
  drawPurchaseOrder,
  type PoPaper,
} from "./demo_paperwork.ts";

/** The first PO number tried; below the PO-10001 sequence, so it never takes a future number. */
const FIRST_PO_NUMBER = 8841;

/** Draws the sample documents from the demo data and queues them; returns the documents' ids. */
export async function addDemoDocuments(
  services: Services,
  opts: { tenantId: string; ownerId: string; db: Client; buyer: string; today: string },
): Promise<string[]> {
  const today = opts.today;
  const files: Array<{ name: string; bytes: Uint8Array }> = [];
  const po = await purchaseOrderPaper(opts.db, opts.buyer, today);
  if (po) files.push({ name: `${po.number}.pdf`, bytes: await drawPurchaseOrder(po) });
  const bol = await billOfLadingPaper(opts.db, today);
  if (bol) files.push({ name: `BOL-${bol.bolNumber}.pdf`, bytes: await drawBillOfLading(bol) });
  const ids: string[] = [];
  for (const file of files) {
    const { document, duplicate } = await intakeDocument({
      db: opts.db,
      control: services.control,
      storage: services.storage,
      tenantId: opts.tenantId,
      userId: opts.ownerId,
      maxBytes: services.config.DOCUMENT_MAX_BYTES,
      clock: services.clock,
    }, file);
    if (!duplicate) {
      await recordUsage(services, opts.tenantId, "documentsPerMonth", 1);
    }
    ids.push(document.id);
  }
  return ids;
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** A PO from the first supplier that has a plant with an EST number and two products. */
async function purchaseOrderPaper(db: Client, buyer: string, today: string) {
  const rs = await db.execute(
    `SELECT s.id, s.name, s.payment_terms, p.name AS plant, p.est_number
       FROM suppliers s JOIN plants p ON p.supplier_id = s.id
      WHERE s.archived_at IS NULL AND p.archived_at IS NULL AND p.est_number IS NOT NULL
        AND (SELECT count(*) FROM products pr
              WHERE pr.supplier_id = s.id AND pr.archived_at IS NULL) >= 2
      ORDER BY s.created_at, s.id, p.created_at, p.id LIMIT 1`,
  );
  const supplier = rs.rows[0];
  if (!supplier) return null;
  // Products with the price last paid for them, so the order reads like this supplier's others.
  const products = await db.execute({
    sql: `SELECT pr.code, pr.description,
                 (SELECT l.price FROM purchase_order_lines l JOIN purchase_orders o
                     ON o.id = l.purchase_order_id
                   WHERE l.product_id = pr.id AND l.price_basis = 'weight'
                   ORDER BY o.order_date DESC, o.id DESC LIMIT 1) AS price
            FROM products pr WHERE pr.supplier_id = ? AND pr.archived_at IS NULL
           ORDER BY pr.code LIMIT 2`,
    args: [String(supplier.id)],
  });
  const weights = [24_000, 16_000];
  const lines = products.rows.map((p, i) => {
    const weight = weights[i]!;
    return {
      code: String(p.code ?? ""),
      description: String(p.description),
      cases: Math.round(weight / 60),
      weight,
      price: Math.round(Number(p.price ?? 2.5) * 100) / 100 || 2.5,
    };
  });
  const paper: PoPaper = {
    buyer,
    number: await unusedPoNumber(db),
    orderDate: today,
    pickupDate: addDays(today, 4),
    terms: text(supplier.payment_terms),
    supplier: String(supplier.name),
    plant: String(supplier.plant),
    est: String(supplier.est_number),
    lines,
  };
  return paper;
}

/** A PO number that no order carries, as its number or as a supplier confirmation. */
async function unusedPoNumber(db: Client): Promise<string> {
  for (let n = FIRST_PO_NUMBER;; n++) {
    const candidate = `PO-${n}`;
    const rs = await db.execute({
      sql: `SELECT 1 FROM purchase_orders
             WHERE upper(number) = ?1 OR upper(supplier_confirmation) = ?1 LIMIT 1`,
      args: [candidate],
    });
    if (!rs.rows.length) return candidate;
  }
}

/** The BOL of the booked load picked up most recently (else the next one to be picked up). */
async function billOfLadingPaper(db: Client, today: string): Promise<BolPaper | null> {
  const rs = await db.execute({
    sql: `SELECT l.bol_number, l.seal_number, l.pickup_appointment, l.setpoint_temp_f,
                 l.pickup_temp_f, c.name AS carrier, c.mc_number, c.dot_number,
                 o.number AS po_number, s.name AS supplier, p.est_number, cu.name AS customer,
                 (SELECT sum(cases) FROM purchase_order_lines WHERE purchase_order_id = o.id)
                   AS cases
            FROM loads l JOIN carriers c ON c.id = l.carrier_id
            LEFT JOIN purchase_orders o ON o.id = l.purchase_order_id
            LEFT JOIN suppliers s ON s.id = o.supplier_id
            LEFT JOIN plants p ON p.id = o.plant_id
            LEFT JOIN sales_orders so ON so.id = l.sales_order_id
            LEFT JOIN customers cu ON cu.id = so.customer_id
           WHERE l.status = 'booked' AND l.archived_at IS NULL AND l.bol_number IS NOT NULL
             AND l.seal_number IS NOT NULL AND l.pickup_appointment IS NOT NULL
             AND c.mc_number IS NOT NULL
           ORDER BY l.pickup_appointment > ? , l.pickup_appointment DESC, l.id LIMIT 1`,
    args: [`${today}T23:59`],
  });
  const load = rs.rows[0];
  if (!load) return null;
  return {
    bolNumber: String(load.bol_number),
    pickup: String(load.pickup_appointment).slice(0, 16),
    sealNumber: String(load.seal_number),
    poNumber: text(load.po_number),
    setpointF: Number(load.setpoint_temp_f ?? 28),
    pickupTempF: load.pickup_temp_f === null ? null : Number(load.pickup_temp_f),
    carrier: String(load.carrier),
    mcNumber: String(load.mc_number),
    dotNumber: text(load.dot_number),
    shipper: text(load.supplier) ?? "Shipper on file",
    est: text(load.est_number),
    consignee: text(load.customer) ?? "Consignee on file",
    cases: Number(load.cases ?? 0) || 800,
  };
}
