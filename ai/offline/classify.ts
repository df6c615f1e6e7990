/**
 * @module ai/offline/classify
 * Which kind of paper a document is, from evidence rather than one keyword: the title near the
 * top (a phrase of the kind), the fields its labels name (a seal number points to a bill of
 * lading, a due date to an invoice, a line-haul rate to a rate confirmation), a table of goods,
 * and a carrier's or a packer's marks (MC/DOT numbers, line haul, fuel surcharge; EST numbers).
 * Each kind gets a score; the confidence is the winner's share of the evidence (a softmax), and
 * a close second is named so that the reviewer can pick ("unsure: purchase order or sales
 * confirmation?"). A document with no evidence at all is `other`. An invoice is the broker's own
 * unless it carries a carrier's or a packer's marks, or is billed to the broker itself (`us`, the
 * workspace's name): then it is a bill to pay.
 */
import { type Classification, CLASSIFICATION_LABELS } from "../../domain/documents/draft.ts";
import { toLines } from "./layout.ts";
import { findPairs } from "./pairs.ts";
import { type ConceptName, normalizeLabel } from "./vocabulary.ts";
import { CUSTOMER_LABELS, readParty } from "./parties.ts";
import { signedForReceipt } from "./receipt.ts";

type Kind = Exclude<Classification, "other" | "certificate_of_analysis">;
type Weights = Partial<Record<Kind, number>>;

/** Title phrases: the words a kind's title is made of. */
const TITLES: Array<[RegExp, Weights]> = [
  [
    /\bpurchase\s+order\b|\bp\.?\s?o\.?\s+(form|order)\b|\borden\s+de\s+compra\b|\bbon\s+de\s+commande\b/i,
    { purchase_order: 5 },
  ],
  [
    /\b(sales?|order)\s+(order\s+)?(confirmation|acknowledge?ment)\b|\bconfirmation\s+of\s+(sale|order)\b|\bsales\s+contract\b|\bconfirmaci[oó]n\s+de\s+(pedido|venta)\b|\bconfirmation\s+de\s+(commande|vente)\b/i,
    { sales_confirmation: 6 },
  ],
  [
    /\bbill\s+of\s+lading\b|\blading\b|\bconocimiento\s+de\s+embarque\b|\bconnaissement\b/i,
    { bill_of_lading: 5 },
  ],
  [
    /\bproof\s+of\s+delivery\b|\bdelivery\s+(receipt|confirmation)\b|\bsigned\s+pod\b|\bpod\b/i,
    { proof_of_delivery: 6 },
  ],
  [
    /\b(rate|load|carrier|tender)\s+(confirmation|agreement|con)\b|\brate\s+con(firmation)?\b/i,
    { rate_confirmation: 6 },
  ],
  [/\binvoice\b|\bstatement\b|\bfactura\b|\bfacture\b/i, {
    invoice: 4,
    carrier_invoice: 3,
    supplier_invoice: 3,
  }],
  [
    /\bfreight\s+(bill|invoice)\b|\bcarrier\s+(freight\s+)?(bill|invoice)\b|\btransportation\s+invoice\b/i,
    { carrier_invoice: 6 },
  ],
];

/** What each field found on the page says about the kind. */
const FIELDS: Partial<Record<ConceptName, Weights>> = {
  po_number: { purchase_order: 1, sales_confirmation: 0.5, supplier_invoice: 0.5 },
  confirmation_number: { sales_confirmation: 2 },
  order_date: { purchase_order: 1, sales_confirmation: 1 },
  seal_number: { bill_of_lading: 2 },
  bol_number: { bill_of_lading: 1.5, proof_of_delivery: 1.5 },
  delivery_temp: { proof_of_delivery: 2.5 },
  pickup_temp: { bill_of_lading: 1 },
  delivery_date: { proof_of_delivery: 1, rate_confirmation: 1 },
  setpoint: { bill_of_lading: 1, rate_confirmation: 1 },
  rate_total: { rate_confirmation: 1 },
  load_number: { rate_confirmation: 1.5, carrier_invoice: 1.5 },
  invoice_number: { invoice: 2, carrier_invoice: 2, supplier_invoice: 2 },
  invoice_date: { invoice: 1.5, carrier_invoice: 1.5, supplier_invoice: 1.5 },
  due_date: { invoice: 1.5, carrier_invoice: 1.5, supplier_invoice: 1.5 },
  total_due: { invoice: 0.5, carrier_invoice: 1, supplier_invoice: 0.5 },
  pro_number: { carrier_invoice: 1 },
};

/** Words and marks in the body. */
const MARKS: Array<[RegExp, Weights]> = [
  [/\bconsignee\b/i, { bill_of_lading: 1, proof_of_delivery: 0.5 }],
  [/\bshipper\b/i, { bill_of_lading: 1, proof_of_delivery: 0.5 }],
  [
    /\b(received\s+by|signature|good\s+(order|condition)|delivered\s+in)\b/i,
    { proof_of_delivery: 1.5 },
  ],
  [/\b(driver|dispatch|check[- ]?call)\b/i, { rate_confirmation: 1 }],
  [/\bline\s*haul\b|\bfuel\s+surcharge\b/i, { rate_confirmation: 1, carrier_invoice: 1.5 }],
  [/\bremit\b|\bplease\s+pay\b|\bbalance\b/i, {
    invoice: 1,
    carrier_invoice: 1,
    supplier_invoice: 1,
  }],
  [/\bMC\s*(#|no\.?|number)?\s*:?\s*\d{4,}|\b(US\s?)?DOT\s*(#|no\.?|number)?\s*:?\s*\d{5,}/i, {
    rate_confirmation: 1,
    carrier_invoice: 1.5,
    bill_of_lading: 0.5,
    proof_of_delivery: 0.5,
  }],
  [/\b(EST|establishment)\.?\s*(#|no\.?)?\s*[A-Z]?\d{2,}/i, {
    sales_confirmation: 1,
    supplier_invoice: 1.5,
    purchase_order: 0.5,
  }],
];

const CARRIER_MARKS = [
  /\bline\s*haul\b/i,
  /\bfuel\s+surcharge\b/i,
  /\bpro\s*(#|no\.?|number)/i,
  /\bMC\s*(#|no\.?|number)?\s*:?\s*\d{4,}/i,
  /\b(US\s?)?DOT\s*(#|no\.?|number)?\s*:?\s*\d{4,}/i,
  /\b(load|shipment|trip)\s*(#|no\.?|number|id|ref)/i,
  /\bfreight\b/i,
];
const SUPPLIER_MARKS = [
  /\b(EST|establishment)\.?\s*(#|no\.?)?\s*[A-Z]?\d{2,}/i,
  /\bsold\s+by\b/i,
  /\b(your|buyer'?s?)\s+p\.?\s?o\b/i,
  /\bpacker\b/i,
  /\bplant\b/i,
  /\bcatch\s+weight\b/i,
];

const TABLE =
  /\b(description|product|commodity|item|descripci[oó]n|producto|art[ií]culo|d[ée]signation|produit|libell[ée]|descri[cç][aã]o|produto)(?![\p{L}])[^\n]*(?<![\p{L}])(cases|qty|quantity|boxes|cartons|weight|lbs|cantidad|cajas|bultos|peso|quantit[ée]|colis|poids|quantidade|caixas)(?![\p{L}])/iu;

export interface ClassifyResult {
  type: Classification;
  confidence: number;
  /** Set when a second kind is close: what to ask the reviewer. */
  unsure?: string;
}

function add(scores: Map<Kind, number>, weights: Weights, factor = 1): void {
  for (const [k, w] of Object.entries(weights) as Array<[Kind, number]>) {
    scores.set(k, (scores.get(k) ?? 0) + w * factor);
  }
}

/** The kind of a document from its text, with a confidence between 0 and 1. */
export function classify(text: string, opts: { us?: string } = {}): ClassifyResult {
  const lines = toLines(text);
  const scores = new Map<Kind, number>();
  // The title: in the first lines counts most; further down (a label, a footer) a little.
  const seen = new Set<RegExp>();
  lines.slice(0, 40).forEach((line, i) => {
    for (const [re, weights] of TITLES) {
      if (seen.has(re) || !re.test(line.text)) continue;
      seen.add(re);
      add(scores, weights, i < 4 ? 1 : i < 10 ? 0.5 : 0.2);
    }
  });
  const concepts = new Set(findPairs(lines).flatMap((c) => c.concepts.slice(0, 1)));
  for (const concept of concepts) add(scores, FIELDS[concept] ?? {});
  for (const [re, weights] of MARKS) if (re.test(text)) add(scores, weights);
  if (lines.some((l) => l.cells.length >= 3 && TABLE.test(l.text))) {
    add(scores, {
      purchase_order: 1.5,
      sales_confirmation: 1.5,
      invoice: 1,
      supplier_invoice: 1.5,
    });
  }
  // A bill of lading the consignee signed for receipt is the proof of delivery (receipt.ts).
  const bol = scores.get("bill_of_lading") ?? 0;
  if (bol >= Math.max(...scores.values()) && bol > 0 && signedForReceipt(lines)) {
    scores.set("proof_of_delivery", bol + 2);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 2.5) return { type: "other", confidence: 0.5 };
  let type: Classification = best[0];
  if (type === "invoice" || type === "carrier_invoice" || type === "supplier_invoice") {
    const carrierTitle = TITLES.some(([re, w]) => seen.has(re) && (w.carrier_invoice ?? 0) > 5);
    type = whoseInvoice(text, carrierTitle, billedToUs(lines, opts.us));
  }
  const total = ranked.reduce((s, [, v]) => s + Math.exp(v - best[1]), 0);
  const confidence = Math.round(Math.min(0.99, 1 / total) * 100) / 100;
  const close = second && second[1] > best[1] - 1.5 && !sameFamily(best[0], second[0]);
  return {
    type,
    confidence,
    ...(close
      ? {
        unsure: `Unsure: ${CLASSIFICATION_LABELS[type].toLowerCase()} or ${
          CLASSIFICATION_LABELS[second[0]].toLowerCase()
        }? Check the type before accepting.`,
      }
      : {}),
  };
}

/** The invoice is addressed to the broker (the tenant's own name as the bill-to party). */
function billedToUs(lines: ReturnType<typeof toLines>, us: string | undefined): boolean {
  const name = us ? normalizeLabel(us) : "";
  if (name.length < 3) return false;
  // The same bill-to labels the extraction reads the customer by ("Cliente", "Vendu à" too).
  const party = readParty(lines, CUSTOMER_LABELS);
  return party !== null &&
    normalizeLabel(party.name).startsWith(name.split(" ").slice(0, 2).join(" "));
}

const INVOICES = new Set<Kind>(["invoice", "carrier_invoice", "supplier_invoice"]);
const sameFamily = (a: Kind, b: Kind) => INVOICES.has(a) && INVOICES.has(b);

/** An invoice with a carrier's or a packer's marks is theirs to the broker. */
function whoseInvoice(text: string, carrierTitle: boolean, toUs: boolean): Classification {
  const carrier = CARRIER_MARKS.filter((w) => w.test(text)).length + (carrierTitle ? 2 : 0);
  const supplier = SUPPLIER_MARKS.filter((w) => w.test(text)).length + (toUs ? 1 : 0);
  // Billed to the broker itself: a bill to pay, the carrier's when it carries a carrier's mark.
  if (toUs && carrier >= 1 && carrier >= supplier - 1) return "carrier_invoice";
  if (toUs) return "supplier_invoice";
  if (carrier >= 2 && carrier >= supplier) return "carrier_invoice";
  if (supplier >= 2) return "supplier_invoice";
  return "invoice";
}
