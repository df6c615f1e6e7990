/**
 * @module ai/offline/vocabulary
 * The words brokers' paperwork uses for each field: VICS straight bills of lading, packers' order
 * confirmations and invoices, carrier rate confirmations and freight bills, PODs. A label is
 * matched whole (after normalising case, punctuation and the "No. / # / Number" suffixes), or
 * loosely (edit distance) so that an OCR slip ("lnvoice Dale") still finds its field; a loose
 * match says so and lowers the confidence. Written from the paperwork's conventions, not from the
 * corpus generator's lists: the benchmark's held-out wordings were never looked at here.
 */

export type ValueKind = "date" | "datetime" | "id" | "money" | "temp" | "text";

export interface Concept {
  kind: ValueKind;
  synonyms: string[];
}

/** Suffixes that say "identifier" after a label; dropped before matching. */
const ID_SUFFIX = /\s*(#|no|nbr|num|number|ref|reference|id)\s*$/;

export const CONCEPTS = {
  po_number: {
    kind: "id",
    synonyms: [
      "orden de compra",
      "no de orden",
      "numero de orden",
      "bon de commande",
      "su orden de compra",
      "votre bon de commande",
      "su pedido",
      "po",
      "p o",
      "purchase order",
      "purchase order number",
      "customer po",
      "your po",
      "buyer po",
      "buyers po",
      "cust po",
      "customer order",
      "order po",
      "po ref",
      "purchase ord",
      "customer purchase order",
      "your order",
      "your reference",
      "client po",
      "reference po",
      "broker po",
      "pur order",
      "po nbr",
      "order number",
    ],
  },
  confirmation_number: {
    kind: "id",
    synonyms: [
      "confirmation",
      "conf",
      "sales order",
      "sales confirmation",
      "order confirmation",
      "our order",
      "our ref",
      "our reference",
      "supplier ref",
      "supplier reference",
      "so",
      "s o",
      "sales ord",
      "vendor ref",
      "seller ref",
      "packer ref",
      "acknowledgement",
      "order ack",
      "contract",
      "sales contract",
      "booking",
    ],
  },
  order_date: {
    kind: "date",
    synonyms: [
      "fecha de emision",
      "fecha de orden",
      "fecha del pedido",
      "fecha de pedido",
      "date de commande",
      "date d emission",
      "order date",
      "po date",
      "date ordered",
      "date issued",
      "issue date",
      "issued",
      "order placed",
      "purchase date",
      "date of order",
      "ordered",
      "ordered on",
      "created",
      "date created",
      "confirmation date",
      "conf date",
      "sale date",
      "contract date",
      "date of purchase",
      "entered",
      "booked",
      "booking date",
    ],
  },
  ship_date: {
    kind: "date",
    synonyms: [
      "fecha de embarque",
      "fecha de envio",
      "fecha de carga",
      "recoleccion",
      "date d expedition",
      "date de ramassage",
      "ramassage",
      "chargement",
      "pickup date",
      "pickup",
      "pick up",
      "pick up date",
      "ship date",
      "shipping date",
      "ship on",
      "load date",
      "pickup appointment",
      "pickup appt",
      "pu date",
      "pu",
      "pu appt",
      "date shipped",
      "shipped",
      "shipped on",
      "ship",
      "ready date",
      "loading date",
      "scheduled pickup",
      "pickup window",
      "dispatch date",
      "departure",
      "depart",
      "ship by",
      "requested ship date",
      "shipment date",
      "date of shipment",
      "load on",
      "pickup on",
      "origin appt",
      "origin date",
      "loaded",
    ],
  },
  delivery_date: {
    kind: "date",
    synonyms: [
      "fecha de entrega",
      "entrega",
      "livraison",
      "date de livraison",
      "delivery date",
      // As "pickup" is the pickup's date: "Delivery: 12/11 15:30" on a load sheet.
      "delivery",
      "deliver on",
      "delivery appointment",
      "delivery appt",
      "date delivered",
      "delivered on",
      "delivered",
      "arrival",
      "arrival date",
      "arrived",
      "del date",
      "del appt",
      "due in",
      "eta",
      "consignee appt",
      "destination appt",
      "receiving date",
      "received on",
      "date received",
      "deliver by",
      "drop date",
      "drop appt",
      "unload date",
    ],
  },
  release_number: {
    kind: "id",
    synonyms: ["release", "pickup number", "pickup #", "pu number", "release number", "pick up no"],
  },
  terms: {
    kind: "text",
    synonyms: [
      "condiciones de pago",
      "condiciones",
      "terminos de pago",
      "plazo de pago",
      "conditions de paiement",
      "modalites de paiement",
      "modalites",
      "terms",
      "payment terms",
      "pay terms",
      "terms of payment",
      "credit terms",
      "net terms",
      "payment",
      "terms of sale",
    ],
  },
  bol_number: {
    kind: "id",
    synonyms: [
      "conocimiento de embarque",
      "carta porte",
      "connaissement",
      "bill of lading",
      "bill of lading number",
      "bol",
      "b o l",
      "b l",
      "bl",
      "lading",
      "shipper bol",
      "bol nbr",
      "straight bill",
      "vics bol",
      "master bol",
      "mbol",
      "bill lading",
      "b l number",
      "lading number",
      "shippers bill of lading",
    ],
  },
  seal_number: {
    kind: "id",
    synonyms: [
      "sello",
      "sellos",
      "precinto",
      "scelle",
      "scelles",
      "seal",
      "seal number",
      "trailer seal",
      "seal nos",
      "seals",
      "seal s",
      "seal id",
    ],
  },
  load_number: {
    kind: "id",
    synonyms: [
      "load",
      "load number",
      "your load",
      "broker load",
      "load id",
      "load ref",
      "shipment",
      "shipment id",
      "trip",
      "trip number",
      "order load",
      "reference load",
      "broker ref",
      "customer ref",
      "load reference",
      "tender",
      "tender id",
      "confirmation load",
    ],
  },
  invoice_number: {
    kind: "id",
    synonyms: [
      "factura",
      "no de factura",
      "numero de factura",
      "facture",
      "no de facture",
      "numero de facture",
      "invoice",
      "invoice number",
      "inv",
      "invoice no",
      "bill",
      "bill number",
      "freight bill",
      "freight bill number",
      "carrier invoice",
      "statement",
      "document number",
      "doc",
      "billing number",
      "inv nbr",
    ],
  },
  pro_number: {
    kind: "id",
    synonyms: ["pro", "pro number", "carrier pro", "freight bill pro", "tracking"],
  },
  invoice_date: {
    kind: "date",
    synonyms: [
      "fecha de factura",
      "fecha de facturacion",
      "date de facture",
      "date de facturation",
      "invoice date",
      "date of invoice",
      "inv date",
      "bill date",
      "billing date",
      "billed",
      "billed on",
      "invoiced",
      "invoiced on",
      "statement date",
      "document date",
      "doc date",
      "date billed",
      "freight bill date",
    ],
  },
  due_date: {
    kind: "date",
    synonyms: [
      "fecha de vencimiento",
      "vencimiento",
      "fecha limite de pago",
      "echeance",
      "date d echeance",
      "date limite de paiement",
      "due date",
      "payment due",
      "due",
      "pay by",
      "please pay by",
      "due on",
      "net due",
      "payment date",
      "remit by",
      "date due",
      "pay on",
    ],
  },
  total_due: {
    kind: "money",
    synonyms: [
      "total a pagar",
      "importe total",
      "monto total",
      "total a payer",
      "montant total",
      "montant du",
      "solde du",
      "total due",
      "amount due",
      "balance due",
      "total amount",
      "total charges",
      "total",
      "invoice total",
      "amount",
      "please pay",
      "pay this amount",
      "total freight",
      "freight charges",
      "net amount",
      "total payable",
      "grand total",
      "balance",
      "amount payable",
      "total usd",
      "charges",
      "total invoice",
    ],
  },
  rate_total: {
    kind: "money",
    synonyms: [
      "tarifa total",
      "tarif convenu",
      "tarifa acordada",
      "total rate",
      "total carrier pay",
      "carrier pay",
      "total",
      "rate",
      "line haul",
      "linehaul",
      "agreed rate",
      "flat rate",
      "all in",
      "all in rate",
      "total pay",
      "carrier rate",
      "freight rate",
      "total charges",
      "rate total",
      "amount",
      "pay",
      "total amount",
    ],
  },
  tax: { kind: "money", synonyms: ["sales tax", "tax", "tax amount", "vat", "gst"] },
  setpoint: {
    kind: "temp",
    synonyms: [
      "reefer set point",
      "set point",
      "setpoint",
      "reefer temp",
      "reefer temperature",
      "temp setting",
      "temperature setting",
      "temperature",
      "temp",
      "reefer",
      "set temp",
      "run temp",
      "maintain",
      "keep at",
      "temp required",
      "required temp",
      "set at",
      "pre cool",
      "precool",
      "continuous",
    ],
  },
  pickup_temp: {
    kind: "temp",
    synonyms: [
      "temp at pickup",
      "temperature at pickup",
      "pulp temp",
      "pulp temperature",
      "loaded at",
      "loading temp",
      "product temp",
      "shipping temp",
      "temp at loading",
      "origin temp",
    ],
  },
  delivery_temp: {
    kind: "temp",
    synonyms: [
      "temp at delivery",
      "temperature at delivery",
      "temp on arrival",
      "temperature on arrival",
      "arrival temp",
      "received temp",
      "receiving temp",
      "delivered temp",
      "temp delivered",
      "product temp at delivery",
      "unload temp",
      "temp received",
    ],
  },
  // "Fecha" alone is the Spanish page's own date, as "Date" is (French writes "Date" too).
  date: { kind: "date", synonyms: ["date", "dated", "dt", "fecha"] },
} satisfies Record<string, Concept>;

export type ConceptName = keyof typeof CONCEPTS;

/** Labels that name a party or an address (not a field): known, so never taken as a value. */
export const PARTY_LABELS = [
  // Spanish and French headings of the same parties.
  "proveedor",
  "vendedor",
  "fournisseur",
  "vendeur",
  "cliente",
  "comprador",
  "facturar a",
  "acheteur",
  "vendu a",
  "facture a",
  "facturer a",
  "transportista",
  "embarcador",
  "remitente",
  "expediteur",
  "consignatario",
  "destinatario",
  "destinataire",
  "supplier",
  "vendor",
  "seller",
  "sold by",
  "packer",
  "ship from",
  "shipper",
  "origin",
  "plant",
  "establishment",
  "facility",
  "bill to",
  "sold to",
  "customer",
  "buyer",
  "invoice to",
  "ship to",
  "consignee",
  "destination",
  "carrier",
  "carrier name",
  "trucking company",
  "motor carrier",
  "remit to",
  "pay to",
  "broker",
  "driver",
  "truck",
  "trailer",
  "phone",
  "fax",
  "email",
  "attn",
  "address",
  "mc",
  "dot",
  "usdot",
  "est",
  "signature",
  "received by",
  "description",
  "notes",
  "instructions",
  "comments",
  "page",
];

/**
 * Normalises a label: lower case, letters and digits, spelled-out initials joined ("P.O." is
 * "po"), the identifier suffix dropped (also when OCR misspelt it: "Numbr").
 */
export function normalizeLabel(s: string): string {
  let t = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[’'`]/g, "")
    .replace(/[^a-z0-9#]+/g, " ").trim();
  t = t.replace(/\b([a-z]) (?=[a-z]\b)/g, "$1");
  for (let i = 0; i < 2; i++) {
    t = t.replace(ID_SUFFIX, "").trim();
    const last = /\s([a-z]{4,7})$/.exec(t);
    if (last && editDistance(last[1]!, "number", 2) <= 2) t = t.slice(0, last.index).trim();
  }
  return t.replace(/#/g, "").trim();
}

const INDEX = new Map<string, ConceptName[]>();
for (const [name, concept] of Object.entries(CONCEPTS) as Array<[ConceptName, Concept]>) {
  for (const s of concept.synonyms) {
    const key = normalizeLabel(s);
    const known = INDEX.get(key) ?? [];
    if (!known.includes(name)) INDEX.set(key, [...known, name]);
  }
}
const PARTY = new Set(PARTY_LABELS.map(normalizeLabel));

/**
 * Edit distance (insertions, deletions, substitutions, adjacent swaps). Every caller asks whether
 * it is within a small bound: past `max` the answer is `max + 1` as soon as no cheaper path is
 * left, which makes the reader's search of its vocabulary for a slipped label cheap (it was a
 * quarter of a page's reading time).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Three rows: the one before last is needed for a swap of neighbours.
  let before = new Int32Array(b.length + 1);
  let last = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) last[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, before[j - 2]! + 1);
      }
      row[j] = v;
      if (v < least) least = v;
    }
    if (least > max) return max + 1;
    [before, last, row] = [last, row, before];
  }
  const distance = last[b.length]!;
  return distance > max ? max + 1 : distance;
}

export interface LabelMatch {
  concepts: ConceptName[];
  /** 1 for an exact synonym, lower for a loose (OCR-slip) match. */
  strength: number;
  party: boolean;
}

/** Labels already matched: a page repeats its labels, and pages of one sender theirs. */
const MATCHED = new Map<string, LabelMatch | null>();
const MATCHED_MAX = 20_000;

/**
 * The concepts a label names, exactly or loosely; null when it names none. The answer is shared
 * between calls: read it, never change it.
 */
export function matchLabel(label: string): LabelMatch | null {
  const known = MATCHED.get(label);
  if (known !== undefined) return known;
  const match = matchLabelFresh(label);
  if (MATCHED.size >= MATCHED_MAX) MATCHED.clear();
  MATCHED.set(label, match);
  return match;
}

function matchLabelFresh(label: string): LabelMatch | null {
  const key = normalizeLabel(label);
  if (!key) return null;
  const exact = INDEX.get(key);
  if (exact) return { concepts: exact, strength: 1, party: false };
  if (PARTY.has(key)) return { concepts: [], strength: 1, party: true };
  if (key.length < 5) return null;
  let best: { concepts: ConceptName[]; distance: number } | null = null;
  for (const [synonym, concepts] of INDEX) {
    if (synonym.length < 5 || Math.abs(synonym.length - key.length) > 2) continue;
    const bound = key.length >= 9 ? 2 : 1;
    const distance = editDistance(key, synonym, bound);
    if (distance <= bound && (!best || distance < best.distance)) {
      best = { concepts, distance };
    }
  }
  if (best) return { concepts: best.concepts, strength: 1 - 0.12 * best.distance, party: false };
  for (const party of PARTY) {
    if (party.length >= 5 && editDistance(key, party, 1) <= 1) {
      return { concepts: [], strength: 0.85, party: true };
    }
  }
  return null;
}
