/**
 * @module domain/flows/drafts
 * The next record of a broker's day, pre-filled from the one before it (issue 17): a sales order
 * from a purchase order (lines, weights and prices carried, each line's cost kept for the
 * margin), a load from a purchase or sales order, an invoice from a load (the sales order's lines,
 * freight when the customer is billed for it). A draft is plain values in the record API's shape;
 * nothing is written until the user saves it through the record's own create.
 */
import type { Executor } from "../../db/transaction.ts";
import { invoices, loads, purchaseOrders, salesOrders } from "../catalog.ts";
import { InvalidError } from "../errors.ts";
import { convertCentsFrom, rateOn, rateText, workspaceCurrency } from "../exchange.ts";
import { decimalAmount } from "../format.ts";
import { getRecord } from "../records/repository.ts";
import type { RecordValues } from "../records/rows.ts";
import { lineAmountCents } from "../rules/totals.ts";

/** A record not yet saved: the values its form and its API create start from. */
export interface Draft {
  values: RecordValues;
  /** What the source already led to (an SO already on this PO): shown so no one doubles it. */
  existing: Array<{ collection: string; id: string; number: string }>;
}

const LINE_KEYS = [
  "product_id",
  "description",
  "cases",
  "weight",
  "weight_unit",
  "price",
  "price_basis",
] as const;

function carryLine(line: RecordValues): RecordValues {
  const out: RecordValues = {};
  for (const key of LINE_KEYS) out[key] = line[key] ?? null;
  return out;
}

async function existingOf(
  db: Executor,
  collection: string,
  table: string,
  column: string,
  id: string,
): Promise<Draft["existing"]> {
  const rs = await db.execute({
    sql: `SELECT id, number FROM ${table} WHERE ${column} = ? AND archived_at IS NULL
          ORDER BY created_at, id`,
    args: [id],
  });
  return rs.rows.map((r) => ({ collection, id: String(r.id), number: String(r.number) }));
}

/**
 * A sales order for a purchase order: its lines with the purchase price as the starting sale
 * price and the line's cost (`cost_cents`) for the margin shown while the price is set.
 */
export async function salesOrderFromPo(db: Executor, poId: string, today: string): Promise<Draft> {
  const po = await getRecord(db, purchaseOrders, poId);
  if (po.status === "cancelled") {
    throw new InvalidError("This purchase order is cancelled; nothing can be sold from it.");
  }
  const lines = ((po.lines as RecordValues[] | undefined) ?? []).map((line) => ({
    ...carryLine(line),
    purchase_order_id: po.id,
    cost_cents: Number(line.amount_cents ?? 0),
  }));
  return {
    values: {
      customer_id: null,
      purchase_order_id: po.id,
      order_date: today,
      delivery_date: po.pickup_date ?? null,
      status: "draft",
      lines,
    },
    existing: await existingOf(db, "sales-orders", "sales_orders", "purchase_order_id", poId),
  };
}

/** A load for a purchase order or a sales order, with the other order and the places filled. */
export async function loadFromOrder(
  db: Executor,
  from: { purchaseOrderId?: string; salesOrderId?: string },
): Promise<Draft> {
  let po: RecordValues | null = null;
  let so: RecordValues | null = null;
  if (from.salesOrderId) {
    so = await getRecord(db, salesOrders, from.salesOrderId);
    if (so.purchase_order_id) {
      po = await getRecord(db, purchaseOrders, String(so.purchase_order_id));
    }
  } else if (from.purchaseOrderId) {
    po = await getRecord(db, purchaseOrders, from.purchaseOrderId);
    const sos = await existingOf(
      db,
      "sales-orders",
      "sales_orders",
      "purchase_order_id",
      po.id as string,
    );
    // Only one sale on the PO names itself; with several the broker chooses.
    if (sos.length === 1) so = await getRecord(db, salesOrders, sos[0]!.id);
  }
  for (const order of [po, so]) {
    if (order?.status === "cancelled") {
      throw new InvalidError(`Order ${order.number} is cancelled; no load can be booked on it.`);
    }
  }
  const existing = so
    ? await existingOf(db, "loads", "loads", "sales_order_id", so.id as string)
    : await existingOf(db, "loads", "loads", "purchase_order_id", po!.id as string);
  return {
    values: {
      carrier_id: null,
      purchase_order_id: po?.id ?? null,
      sales_order_id: so?.id ?? null,
      pickup_location_id: po?.pickup_location_id ?? null,
      delivery_location_id: so?.delivery_location_id ?? null,
      pickup_appointment: null,
      delivery_appointment: null,
      freight_cents: null,
      status: "booked",
    },
    existing,
  };
}

/**
 * An invoice for a load: the customer and lines of its sales order, the ship date from the
 * pickup appointment, and a freight line at the load's rate when `billFreight`.
 */
export async function invoiceFromLoad(
  db: Executor,
  loadId: string,
  today: string,
  billFreight: boolean,
): Promise<Draft> {
  const load = await getRecord(db, loads, loadId);
  if (!load.sales_order_id) {
    throw new InvalidError("Link this load to a sales order first: the invoice bills its lines.", {
      sales_order_id: ["A load is invoiced from its sales order."],
    });
  }
  const so = await getRecord(db, salesOrders, String(load.sales_order_id));
  const lines = ((so.lines as RecordValues[] | undefined) ?? []).map(carryLine);
  const freight = Number(load.freight_cents ?? 0);
  if (billFreight && freight > 0) {
    lines.push({
      product_id: null,
      cases: 1,
      weight: null,
      weight_unit: "LB",
      price_basis: "case",
      ...await freightLine(db, String(load.number), freight, String(so.currency ?? ""), today),
    });
  }
  const appointment = typeof load.pickup_appointment === "string" ? load.pickup_appointment : "";
  return {
    values: {
      customer_id: so.customer_id,
      sales_order_id: so.id,
      invoice_date: today,
      ship_date: appointment.slice(0, 10) || null,
      state: "draft",
      lines,
    },
    existing: await existingOf(db, "invoices", invoices.table, "sales_order_id", so.id as string),
  };
}

/**
 * The freight line's description and price in the sales order's currency. The load's freight is
 * in the workspace's currency (what the carrier is paid); a customer billed in CAD or MXN is
 * charged it converted at the rate of the invoice's day (or the latest before), which the
 * description states; with no rate the draft is refused rather than billing dollars as pesos.
 */
async function freightLine(
  db: Executor,
  loadNumber: string,
  freightCents: number,
  currency: string,
  day: string,
): Promise<{ description: string; price: number }> {
  const workspace = await workspaceCurrency(db);
  if (!currency || currency === workspace) {
    return { description: `Freight, load ${loadNumber}`, price: freightCents / 100 };
  }
  const rate = await rateOn(db, currency, day);
  if (!rate) {
    const message = `No ${currency} exchange rate on or before ${day} to bill the freight ` +
      `(${workspace} ${decimalAmount(freightCents)}) in ${currency}: enter one in Settings → ` +
      "Exchange rates, or add the freight line yourself.";
    throw new InvalidError(message, { bill_freight: [message] }, 422);
  }
  return {
    description: `Freight, load ${loadNumber} (${workspace} ${decimalAmount(freightCents)} at ${
      rateText(rate.rate_e6)
    })`,
    price: convertCentsFrom(freightCents, rate.rate_e6) / 100,
  };
}

/** Margin of a draft or saved sales order's lines: sale amount less the cost carried per line. */
export function linesMargin(lines: RecordValues[]): { saleCents: number; costCents: number } {
  let saleCents = 0;
  let costCents = 0;
  for (const line of lines) {
    saleCents += lineAmountCents(line);
    costCents += Number(line.cost_cents ?? 0);
  }
  return { saleCents, costCents };
}
