/**
 * @module ai/offline/classify
 * Which kind of paper a document is, by weighted phrases: a title phrase near the top counts
 * most, words typical of the kind count a little. The confidence grows with the winner's lead.
 * An invoice is the broker's own unless it carries a carrier's or a packer's marks (MC number,
 * line haul, load number; EST number, "sold by", "your PO"): then it is a bill to pay.
 */
import type { Classification } from "../../domain/documents/draft.ts";

type Rule = { title: RegExp; words: RegExp[] };

const CARRIER_MARKS = [
  /\bline\s*haul\b/i,
  /\bfuel\s+surcharge\b/i,
  /\bpro\s*(#|no\.?|number)/i,
  /\bMC\s*(#|no\.?|number)?\s*:?\s*\d{4,}/i,
  /\b(US\s?)?DOT\s*(#|no\.?|number)?\s*:?\s*\d{4,}/i,
  /\b(load|shipment)\s*(#|no\.?|number)/i,
  /\bfreight\b/i,
];
const SUPPLIER_MARKS = [
  /\bEST\.?\s*(#|no\.?)?\s*[A-Z]?\d{2,}/i,
  /\bsold\s+by\b/i,
  /\byour\s+p\.?\s?o\b/i,
  /\bpacker\b/i,
  /\bplant\b/i,
  /\bcatch\s+weight\b/i,
];

const RULES: Record<Exclude<Classification, "other">, Rule> = {
  purchase_order: {
    title: /\b(purchase\s+order|p\.?\s?o\.?\s+(form|confirmation))\b/i,
    words: [/\bvendor\b/i, /\bsupplier\b/i, /\bbuyer\b/i, /\bship\s*from\b/i, /\bpurchase\b/i],
  },
  sales_confirmation: {
    title: /\b(sales|order)\s+confirmation\b/i,
    words: [/\bsold\s*to\b/i, /\bconfirmation\s*(#|no|number)/i, /\byour\s+p\.?o\.?\b/i],
  },
  bill_of_lading: {
    title: /\b(straight\s+)?bill\s+of\s+lading\b/i,
    words: [/\bshipper\b/i, /\bconsignee\b/i, /\bseal\b/i, /\bb\/?l\b|\bbol\b/i, /\bfreight\b/i],
  },
  proof_of_delivery: {
    title: /\b(proof\s+of\s+delivery|delivery\s+receipt|signed\s+pod)\b/i,
    words: [
      /\breceived\s+by\b/i,
      /\bdelivered\b/i,
      /\bsignature\b/i,
      /\bgood\s+(order|condition)\b/i,
      /\bpod\b/i,
    ],
  },
  rate_confirmation: {
    title:
      /\b(rate\s+confirmation|rate\s+con|load\s+confirmation|carrier\s+(rate\s+)?agreement)\b/i,
    words: [
      /\bline\s*haul\b/i,
      /\bcarrier\s+pay\b/i,
      /\btotal\s+rate\b/i,
      /\bdispatch/i,
      /\bdriver\b/i,
    ],
  },
  invoice: {
    title: /\b(commercial\s+)?invoice\b/i,
    words: [
      /\bbill\s*to\b/i,
      /\b(amount|balance|total)\s+due\b/i,
      /\bremit\b/i,
      /\bdue\s+date\b/i,
      /\bsubtotal\b/i,
    ],
  },
  carrier_invoice: {
    title: /\b(freight\s+(bill|invoice)|carrier\s+invoice|freight\s+charges)\b/i,
    // Few words of its own: rate confirmations share a carrier's vocabulary.
    words: [/\bfuel\s+surcharge\b/i, /\bpro\s*(#|no\.?|number)/i, /\bremit\b/i],
  },
  supplier_invoice: {
    title: /\b(packer|supplier|vendor)('?s)?\s+invoice\b/i,
    words: [/\bsold\s+by\b/i, /\bremit\b/i],
  },
  certificate_of_analysis: {
    title: /\b(certificate\s+of\s+analysis|c\.?o\.?a\.?|lab(oratory)?\s+report)\b/i,
    words: [
      /\bsalmonella\b/i,
      /\be\.?\s?coli\b/i,
      /\blot\b/i,
      /\bresult/i,
      /\bmethod\b/i,
      /\blisteria\b/i,
    ],
  },
};

/** The kind of a document from its text, with a confidence between 0 and 1. */
export function classify(text: string): { type: Classification; confidence: number } {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const top = lines.slice(0, 6).join("\n");
  const scores: Array<[Classification, number]> = [];
  for (
    const [type, rule] of Object.entries(RULES) as Array<[Classification, Rule]>
  ) {
    let score = 0;
    if (rule.title.test(top)) score += 6;
    else if (rule.title.test(text)) score += 2;
    for (const w of rule.words) if (w.test(text)) score += 1;
    scores.push([type, score]);
  }
  scores.sort((a, b) => b[1] - a[1]);
  const [best, second] = [scores[0]!, scores[1]!];
  if (best[1] < 3) return { type: "other", confidence: 0.5 };
  const lead = best[1] - second[1];
  const type = best[0] === "invoice" ? whoseInvoice(text) : best[0];
  return { type, confidence: Math.min(0.99, 0.6 + lead * 0.07) };
}

/** An invoice with two or more of a carrier's or a packer's marks is theirs to the broker. */
function whoseInvoice(text: string): Classification {
  const carrier = CARRIER_MARKS.filter((w) => w.test(text)).length;
  const supplier = SUPPLIER_MARKS.filter((w) => w.test(text)).length;
  if (carrier >= 2 && carrier >= supplier) return "carrier_invoice";
  if (supplier >= 2) return "supplier_invoice";
  return "invoice";
}
