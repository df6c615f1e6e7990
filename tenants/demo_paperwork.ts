/**
 * @module tenants/demo_paperwork
 * Draws the demo workspace's sample paperwork as one-page PDFs: a purchase order to a supplier
 * and a straight bill of lading. Labels sit beside their values ("PO Number: PO-8841") and the
 * goods are a table under a header row, the layout the built-in reader (ai/offline) reads in
 * full, so a newcomer sees a complete draft without an AI key.
 */
import type { PDFFont } from "pdf-lib";
import { pdfLib } from "../paperwork/layout.ts";

export interface PoPaper {
  /** The brokerage that issues the order (the demo company). */
  buyer: string;
  number: string;
  orderDate: string;
  pickupDate: string;
  terms: string | null;
  supplier: string;
  plant: string;
  est: string;
  lines: Array<{ code: string; description: string; cases: number; weight: number; price: number }>;
}

export interface BolPaper {
  bolNumber: string;
  /** The pickup appointment, `YYYY-MM-DDTHH:MM`. */
  pickup: string;
  sealNumber: string;
  poNumber: string | null;
  setpointF: number;
  pickupTempF: number | null;
  carrier: string;
  mcNumber: string;
  dotNumber: string | null;
  shipper: string;
  est: string | null;
  consignee: string;
  cases: number;
}

type Pen = (text: string, x: number, y: number, size?: number, bold?: boolean) => void;

/** MM/DD/YYYY, as US paperwork writes dates. */
const usDate = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;
const num = (n: number) => n.toLocaleString("en-US");
const money = (cents: number) =>
  `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}`;
/** Standard PDF fonts encode Latin-1 only: anything else would throw while drawing. */
const latin1 = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");

/** The amount of a line, in cents. */
export function lineAmountCents(line: { weight: number; price: number }): number {
  return Math.round(line.weight * line.price * 100);
}

async function drawPdf(title: string, draw: (pen: Pen) => void): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts } = await pdfLib();
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setProducer("ProjectMeats demo");
  const fonts: [PDFFont, PDFFont] = [
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
  ];
  const page = doc.addPage([612, 792]);
  draw((text, x, y, size = 10, bold = false) =>
    page.drawText(latin1(text), { x, y, size, font: fonts[bold ? 1 : 0] })
  );
  return await doc.save({ useObjectStreams: false });
}

/** Label/value pairs two to a row, each as "Label: value"; returns the next free y. */
function drawPairs(pen: Pen, pairs: Array<[string, string]>, y: number): number {
  pairs.forEach(([label, value], i) => {
    if (i % 2 === 0 && i > 0) y -= 16;
    pen(`${label}: ${value}`, i % 2 === 0 ? 50 : 320, y);
  });
  return y - 28;
}

/** A purchase order with its supplier, plant (EST) and lines of goods priced per pound. */
export function drawPurchaseOrder(po: PoPaper): Promise<Uint8Array> {
  return drawPdf(`Purchase order ${po.number}`, (pen) => {
    let y = 740;
    pen("PURCHASE ORDER", 50, y, 18, true);
    pen(po.buyer, 400, y, 10, true);
    y -= 40;
    const pairs: Array<[string, string]> = [
      ["PO Number", po.number],
      ["Order Date", usDate(po.orderDate)],
      ["Pickup Date", usDate(po.pickupDate)],
      ["Terms", po.terms ?? "Net 15"],
      ["Supplier", po.supplier],
      ["Establishment", `EST ${po.est} (${po.plant})`],
    ];
    y = drawPairs(pen, pairs, y);
    const columns: Array<[string, number]> = [
      ["Item", 50],
      ["Description", 110],
      ["Cases", 300],
      ["Weight", 350],
      ["Price/lb", 430],
      ["Amount", 500],
    ];
    for (const [header, x] of columns) pen(header, x, y, 10, true);
    for (const line of po.lines) {
      y -= 16;
      pen(line.code, 50, y);
      pen(line.description, 110, y);
      pen(num(line.cases), 300, y);
      pen(`${num(line.weight)} LB`, 350, y);
      pen(`$${line.price.toFixed(2)}`, 430, y);
      pen(money(lineAmountCents(line)), 500, y);
    }
    y -= 22;
    const total = po.lines.reduce((sum, l) => sum + lineAmountCents(l), 0);
    pen("Total", 430, y, 10, true);
    pen(money(total), 500, y, 10, true);
    pen("Keep refrigerated at 28-32 F. Boxed, wax-lined, USDA inspected.", 50, y - 40, 9);
  });
}

/** A straight bill of lading for one load: BOL and seal numbers, carrier, pickup, temperatures. */
export function drawBillOfLading(bol: BolPaper): Promise<Uint8Array> {
  return drawPdf(`Bill of lading ${bol.bolNumber}`, (pen) => {
    let y = 740;
    pen("STRAIGHT BILL OF LADING", 50, y, 16, true);
    y -= 40;
    const [date, time] = bol.pickup.split("T");
    const pairs: Array<[string, string]> = [
      ["BOL Number", bol.bolNumber],
      ["Pickup Date", `${usDate(date!)} ${time ?? ""}`.trim()],
      ["Seal #", bol.sealNumber],
      ["PO #", bol.poNumber ?? "-"],
      ["Reefer set point", `${bol.setpointF}°F`],
      ["Carrier", bol.carrier],
    ];
    y = drawPairs(pen, pairs, y);
    pen(`MC ${bol.mcNumber}${bol.dotNumber ? `   USDOT ${bol.dotNumber}` : ""}`, 50, y);
    y -= 24;
    pen("Shipper:", 50, y, 10, true);
    pen(`${bol.shipper}${bol.est ? `  EST ${bol.est}` : ""}`, 50, y - 14);
    pen("Consignee:", 330, y, 10, true);
    pen(bol.consignee, 330, y - 14);
    y -= 50;
    pen(`${num(bol.cases)} cases fresh product, keep at ${bol.setpointF}°F`, 50, y);
    if (bol.pickupTempF !== null) {
      y -= 20;
      pen(`Temperature at pickup: ${bol.pickupTempF}°F`, 50, y);
    }
    pen("Received in good order, subject to the terms of this bill of lading.", 50, y - 40, 9);
  });
}
