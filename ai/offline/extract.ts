/**
 * @module ai/offline/extract
 * The offline provider's field extraction: for each kind of document, the labels its fields go
 * by, read with the layout helpers and the value parsers, into a raw extraction that
 * `finalizeDraft` then checks against the record's schema. Deterministic and local.
 */
import type { Classification, DraftValue, RawExtraction } from "../../domain/documents/draft.ts";
import { blockAfter, findLabeled, type Line, toLines } from "./layout.ts";
import { readGoodsTable } from "./tables.ts";
import {
  cleanPartyName,
  findDate,
  findDot,
  findEst,
  findMc,
  parseDate,
  parseIdentifier,
  parseMoney,
  parseTemperature,
  parseTime,
} from "./values.ts";

type Kind = "date" | "id" | "money" | "temp" | "text" | "datetime";

interface FieldRule {
  field: string;
  kind: Kind;
  labels: string[];
}

const L = {
  po: [
    "purchase order",
    "p\\.?\\s?o\\.?",
    "customer p\\.?o\\.?",
    "your p\\.?o\\.?",
    "buyer'?s? p\\.?o\\.?",
  ],
  orderDate: [
    "order date",
    "po date",
    "p\\.o\\. date",
    "date ordered",
    "date issued",
    "issue date",
  ],
  pickupDate: [
    "pickup date",
    "pick[- ]?up",
    "ship date",
    "shipping date",
    "ship on",
    "load date",
    "pickup appointment",
    "pickup appt",
  ],
  deliveryDate: [
    "delivery date",
    "deliver on",
    "delivery appointment",
    "delivery appt",
    "date delivered",
    "delivered on",
    "delivered",
    "arrival",
  ],
  confirmation: [
    "confirmation",
    "conf",
    "sales order",
    "order",
    "supplier ref(?:erence)?",
    "our ref(?:erence)?",
  ],
  release: ["release", "pickup number", "pick ?up #"],
  terms: ["payment terms", "terms"],
  bol: ["bill of lading", "b/l", "bol", "bl"],
  seal: ["seal"],
  load: ["load", "load number", "shipment", "pro", "trip"],
  invoice: ["invoice (?:#|no\\.?|number)", "invoice"],
  freightBill: [
    "freight bill (?:#|no\\.?|number)",
    "invoice (?:#|no\\.?|number)",
    "bill (?:#|no\\.?|number)",
    "pro (?:#|no\\.?|number)",
    "freight bill",
    "invoice",
  ],
  billDate: ["bill date", "invoice date", "date of invoice", "inv\\.? date", "date"],
  amountDue: ["total due", "amount due", "balance due", "total amount", "total charges", "total"],
  loadRef: ["load (?:#|no\\.?|number)", "your load", "load", "shipment", "trip"],
  invoiceDate: ["invoice date", "date of invoice", "inv\\.? date", "date"],
  dueDate: ["due date", "payment due", "due"],
  shipDate: ["ship date", "shipped", "date shipped"],
  rate: ["total rate", "total carrier pay", "carrier pay", "total", "rate", "line ?haul", "amount"],
  tax: ["sales tax", "tax"],
  setpoint: [
    "reefer set ?point",
    "set ?point",
    "reefer temp(?:erature)?",
    "temp(?:erature)? setting",
    "temperature",
    "temp",
  ],
  pickupTemp: ["temp(?:erature)? at pickup", "pulp temp(?:erature)?", "loaded at"],
  deliveryTemp: [
    "temp(?:erature)? at delivery",
    "temp(?:erature)? on arrival",
    "arrival temp(?:erature)?",
    "received temp(?:erature)?",
  ],
};

const SUPPLIER = ["supplier", "vendor", "seller", "sold by", "packer", "ship from"];
const PLANT = ["plant", "establishment name", "facility", "packing plant"];
const CUSTOMER = ["bill to", "sold to", "customer", "buyer", "invoice to"];
const CARRIER = [
  "carrier name",
  "carrier",
  "trucking company",
  "motor carrier",
  "transport(?:ed)? by",
];

const RULES: Partial<Record<Classification, FieldRule[]>> = {
  purchase_order: [
    { field: "number", kind: "id", labels: L.po },
    { field: "order_date", kind: "date", labels: [...L.orderDate, "date"] },
    { field: "pickup_date", kind: "date", labels: L.pickupDate },
    {
      field: "supplier_confirmation",
      kind: "id",
      labels: ["confirmation", "supplier ref(?:erence)?", "sales order"],
    },
    { field: "carrier_release", kind: "id", labels: L.release },
    { field: "payment_terms", kind: "text", labels: L.terms },
  ],
  sales_confirmation: [
    { field: "supplier_confirmation", kind: "id", labels: L.confirmation },
    { field: "number", kind: "id", labels: L.po },
    { field: "order_date", kind: "date", labels: [...L.orderDate, "confirmation date", "date"] },
    { field: "pickup_date", kind: "date", labels: L.pickupDate },
    { field: "payment_terms", kind: "text", labels: L.terms },
  ],
  bill_of_lading: [
    { field: "bol_number", kind: "id", labels: L.bol },
    { field: "seal_number", kind: "id", labels: L.seal },
    { field: "pickup_appointment", kind: "datetime", labels: [...L.pickupDate, "date"] },
    { field: "setpoint_temp_f", kind: "temp", labels: L.setpoint },
    { field: "pickup_temp_f", kind: "temp", labels: L.pickupTemp },
  ],
  proof_of_delivery: [
    { field: "bol_number", kind: "id", labels: L.bol },
    { field: "delivery_appointment", kind: "datetime", labels: [...L.deliveryDate, "date"] },
    { field: "delivery_temp_f", kind: "temp", labels: [...L.deliveryTemp, "temperature", "temp"] },
  ],
  rate_confirmation: [
    { field: "number", kind: "id", labels: L.load },
    { field: "freight_cents", kind: "money", labels: L.rate },
    { field: "pickup_appointment", kind: "datetime", labels: L.pickupDate },
    { field: "delivery_appointment", kind: "datetime", labels: L.deliveryDate },
    { field: "setpoint_temp_f", kind: "temp", labels: L.setpoint },
  ],
  invoice: [
    { field: "number", kind: "id", labels: L.invoice },
    { field: "invoice_date", kind: "date", labels: L.invoiceDate },
    { field: "due_date", kind: "date", labels: L.dueDate },
    { field: "ship_date", kind: "date", labels: L.shipDate },
    { field: "payment_terms", kind: "text", labels: L.terms },
    { field: "tax_cents", kind: "money", labels: L.tax },
  ],
  // Bills to pay: the carrier's freight bill (no lines: the amount due) and the packer's invoice.
  carrier_invoice: [
    { field: "number", kind: "id", labels: L.freightBill },
    { field: "bill_date", kind: "date", labels: L.billDate },
    { field: "due_date", kind: "date", labels: L.dueDate },
    { field: "payment_terms", kind: "text", labels: L.terms },
    { field: "charges_cents", kind: "money", labels: L.amountDue },
  ],
  supplier_invoice: [
    { field: "number", kind: "id", labels: L.invoice },
    { field: "bill_date", kind: "date", labels: L.billDate },
    { field: "due_date", kind: "date", labels: L.dueDate },
    { field: "payment_terms", kind: "text", labels: L.terms },
  ],
};

function readValue(kind: Kind, raw: string, context: Line[], line: number): string | number | null {
  switch (kind) {
    case "date":
      return parseDate(raw) ?? findDate(raw);
    case "datetime": {
      const date = parseDate(raw) ?? findDate(raw);
      if (!date) return null;
      const nearby = [raw, context[line]?.text ?? ""].join(" ");
      return `${date}T${parseTime(raw) ?? parseTime(nearby) ?? "00:00"}`;
    }
    case "id":
      return parseDate(raw) ? null : parseIdentifier(raw);
    case "money":
      return parseMoney(raw);
    case "temp":
      return parseTemperature(raw);
    case "text": {
      const t = raw.split(/\s{3,}/)[0]!.trim();
      return t ? t.slice(0, 100) : null;
    }
  }
}

function party(
  lines: Line[],
  labels: string[],
  extra: { est?: boolean; carrier?: boolean } = {},
): RawExtraction["parties"][string] | null {
  const block = blockAfter(lines, labels);
  const found = block ? null : findLabeled(lines, labels, (v) => cleanPartyName(v) !== null);
  const first = block?.lines[0] ?? found?.value ?? null;
  const name = first ? cleanPartyName(first) : null;
  const near = block
    ? [lines[block.line]!.text, ...block.lines].join(" \n ")
    : found
    ? lines[found.line]!.text
    : "";
  const out: RawExtraction["parties"][string] = {
    name,
    confidence: name ? (block ? 0.85 : (found?.confidence ?? 0.7) - 0.05) : 0.3,
  };
  if (extra.est) out.est_number = findEst(near) ?? null;
  if (extra.carrier) {
    const all = lines.map((l) => l.text).join("\n");
    const digits = (v: string) => /^\d{4,8}\b/.test(v.trim());
    out.mc_number = findMc(near) ?? findMc(all) ??
      findLabeled(lines, ["mc", "mc number", "docket"], digits)?.value.match(/^\d+/)?.[0] ?? null;
    out.dot_number = findDot(near) ?? findDot(all) ??
      findLabeled(lines, ["us ?dot", "dot"], digits)?.value.match(/^\d+/)?.[0] ?? null;
  }
  return name || out.est_number || out.mc_number || out.dot_number ? out : null;
}

/** The letterhead: the first line that names a company (sales confirmations, rate cons). */
function letterhead(lines: Line[]): string | null {
  for (const line of lines.slice(0, 4)) {
    const t = line.cells[0]?.text ?? "";
    if (
      /\b(inc|llc|co|corp|company|packing|foods|meats|beef|pork|farms|provisions|logistics|trucking|transport)\b\.?/i
        .test(t) && !/confirmation|order|invoice|bill of/i.test(t)
    ) {
      return cleanPartyName(t);
    }
  }
  return null;
}

/** Who sent a bill: the labelled carrier or supplier, else the letterhead (the sender). */
function billVendor(
  type: "carrier_invoice" | "supplier_invoice",
  lines: Line[],
): RawExtraction["parties"] {
  const head = letterhead(lines);
  if (type === "carrier_invoice") {
    const carrier = party(lines, CARRIER, { carrier: true });
    const name = carrier?.name ?? head;
    if (!carrier && !name) return {};
    return {
      carrier_id: {
        ...(carrier ?? {}),
        name,
        confidence: carrier?.name ? carrier.confidence : 0.7,
      },
    };
  }
  const supplier = party(lines, ["sold by", "remit to", "packer", "vendor", "supplier"]);
  const name = supplier?.name ?? head;
  return name
    ? { supplier_id: { name, confidence: supplier?.name ? supplier.confidence : 0.7 } }
    : {};
}

/** Extracts the fields of a document of a known kind from its text. */
export function extractFields(
  type: Classification,
  text: string,
): Omit<RawExtraction, "classification" | "confidence"> {
  const lines = toLines(text);
  const fields: Record<string, DraftValue> = {};
  for (const rule of RULES[type] ?? []) {
    const ok = (v: string) => {
      const value = readValue(rule.kind, v, lines, 0);
      return value !== null && value !== "";
    };
    const found = findLabeled(lines, rule.labels, ok);
    if (!found) continue;
    const value = readValue(rule.kind, found.value, lines, found.line)!;
    fields[rule.field] = { value, confidence: found.confidence };
  }
  const parties: RawExtraction["parties"] = {};
  const refs: RawExtraction["refs"] = {};
  const all = lines.map((l) => l.text).join("\n");
  if (type === "purchase_order" || type === "sales_confirmation") {
    const supplier = party(lines, SUPPLIER) ??
      (letterhead(lines) ? { name: letterhead(lines), confidence: 0.7 } : null);
    if (supplier) parties.supplier_id = supplier;
    const plant = party(lines, PLANT, { est: true });
    const est = plant?.est_number ?? findEst(all);
    if (plant || est) {
      parties.plant_id = { ...(plant ?? { name: null, confidence: 0.6 }), est_number: est };
    }
  }
  if (type === "bill_of_lading" || type === "proof_of_delivery" || type === "rate_confirmation") {
    const carrier = party(lines, CARRIER, { carrier: true });
    if (carrier) parties.carrier_id = carrier;
    const po = findLabeled(lines, L.po, (v) => parseIdentifier(v) !== null);
    const poNumber = po ? parseIdentifier(po.value) : null;
    if (poNumber) refs.purchase_order_id = { number: poNumber, confidence: po!.confidence };
    if (type === "proof_of_delivery") fields.status = { value: "pod_received", confidence: 0.9 };
  }
  if (type === "invoice") {
    const customer = party(lines, CUSTOMER);
    if (customer) parties.customer_id = customer;
  }
  if (type === "carrier_invoice" || type === "supplier_invoice") {
    Object.assign(parties, billVendor(type, lines));
    fields.kind = { value: type === "carrier_invoice" ? "carrier" : "supplier", confidence: 0.9 };
    const [labels, key] = type === "carrier_invoice"
      ? [L.loadRef, "load_id"]
      : [L.po, "purchase_order_id"];
    const ref = findLabeled(lines, labels, (v) => parseIdentifier(v) !== null);
    const number = ref ? parseIdentifier(ref.value) : null;
    if (number) refs[key] = { number, confidence: ref!.confidence };
  }
  const table = type === "purchase_order" || type === "sales_confirmation" ||
      type === "invoice" || type === "supplier_invoice"
    ? readGoodsTable(lines)
    : null;
  return { fields, lines: table?.lines ?? [], parties, refs, warnings: [] };
}
