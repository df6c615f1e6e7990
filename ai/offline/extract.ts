/**
 * @module ai/offline/extract
 * The offline provider's field extraction: key-value pairs found by geometry (pairs.ts) become
 * the fields of the document's kind (fields.ts); parties, references and the goods table follow,
 * into a raw extraction that `finalizeDraft` then checks against the record's schema. Deterministic and local.
 */
import {
  type Classification,
  type DraftValue,
  type RawExtraction,
  TARGET_COLLECTION,
} from "../../domain/documents/draft.ts";
import type { CustomFieldsConfig } from "../../customization/document/fields_schema.ts";
import type { LearnedLabel } from "../extraction.ts";
import { findLabeled, type Line, toLines } from "./layout.ts";
import { CUSTOMER_LABELS, letterhead, readParty } from "./parties.ts";
import { readGoodsTable } from "./tables.ts";
import { findDot, findEst, findMc } from "./values.ts";
import { type Candidate, findPairs } from "./pairs.ts";
import { readFields, typed } from "./fields.ts";
import { applyLearned } from "./learned.ts";
import { findUnlabelled } from "./unlabelled.ts";
import { headedName, nameByMc } from "./unlabelled_parties.ts";
import { readCustomFields } from "./custom.ts";
import { readStops } from "./stops.ts";
import { sentenceDates } from "./sentences.ts";
import { sentenceTemps } from "./sentence_temps.ts";
import { yearlessDates } from "./yearless.ts";
import type { ConceptName } from "./vocabulary.ts";

/** An order or load number the document refers to (the best-typed candidate). */
function readRef(
  candidates: Candidate[],
  concept: ConceptName,
): { number: string; confidence: number } | null {
  for (const c of candidates) {
    if (!c.concepts.includes(concept)) continue;
    const t = typed("id", c.value);
    if (t) {
      return { number: String(t.value), confidence: t.exact && c.strength === 1 ? 0.93 : 0.75 };
    }
  }
  return null;
}

const SUPPLIER = [
  "supplier",
  "vendor",
  "seller",
  "sold by",
  "packer",
  "ship from",
  "shipper",
  "manufacturer",
  "from",
  "proveedor",
  "vendedor",
  "fournisseur",
  "vendeur",
];
const PLANT = ["plant", "establishment name", "facility", "packing plant", "origin plant"];
const CARRIER = [
  "carrier name",
  "carrier",
  "trucking company",
  "motor carrier",
  "transported by",
  "hauled by",
  "trucker",
  "transportista",
  "transporteur",
];

/** "MC / USDOT: 912330 / 3318876": each label given its own value ("MC: 912330  USDOT: ..."). */
export function unpairLabels(text: string): string {
  return text.replace(
    /\b([A-Za-z][A-Za-z.# ]{0,14}?)\s*\/\s*([A-Za-z][A-Za-z.# ]{0,14}?)\s*:\s*([A-Z0-9-]{2,20})\s*\/\s*([A-Z0-9-]{2,20})\b/gi,
    "$1: $3   $2: $4",
  );
}

/** An MC number printed as the broker's own ("MC 1022331 (broker)") is not the carrier's. */
function carrierMc(text: string): string | null {
  for (const line of text.split("\n")) {
    if (/\bbroker(age)?\b/i.test(line) && !/\bcarrier\b/i.test(line)) continue;
    const mc = findMc(line);
    if (mc) return mc;
  }
  return null;
}

function party(
  lines: Line[],
  labels: string[],
  extra: { est?: boolean; carrier?: boolean } = {},
): RawExtraction["parties"][string] | null {
  const found = readParty(lines, labels);
  const name = found?.name ?? null;
  // The party's own block: its label's line and the two under it (MC, DOT or EST beside it).
  const block = found?.line !== undefined
    ? unpairLabels(lines.slice(found.line, found.line + 3).map((l) => l.text).join("\n"))
    : "";
  const near = found?.near ?? "";
  const out: RawExtraction["parties"][string] = { name, confidence: found?.confidence ?? 0.3 };
  if (extra.est) out.est_number = findEst(near) ?? null;
  if (extra.carrier) {
    const all = unpairLabels(lines.map((l) => l.text).join("\n"));
    const digits = (v: string) => /^\d{4,8}\b/.test(v.trim());
    out.mc_number = findMc(near) ?? carrierMc(block) ?? carrierMc(all) ??
      findLabeled(lines, ["mc", "mc number", "docket"], digits)?.value.match(/^\d+/)?.[0] ?? null;
    out.dot_number = findDot(near) ?? findDot(block) ?? findDot(all) ??
      findLabeled(lines, ["us ?dot", "dot"], digits)?.value.match(/^\d+/)?.[0] ?? null;
  }
  return name || out.est_number || out.mc_number || out.dot_number ? out : null;
}

/** Who sent a bill: the labelled carrier or supplier, else the letterhead (the sender). */
function billVendor(
  type: "carrier_invoice" | "supplier_invoice",
  lines: Line[],
): RawExtraction["parties"] {
  const head = letterhead(lines)?.name ?? null;
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

/** Words of Spanish or French business paper; English ones count against. */
const SPANISH_FRENCH =
  /\b(fecha|factura|pedido|cantidad|precio|proveedor|cliente|vencimiento|envío|entrega|peso|cajas|facture|commande|livraison|transporteur|fournisseur|poids|prix|montant|échéance|expédition|quantité|del|los|las|des|du|le|la|el|y|et|de)\b/gi;
const ENGLISH = /\b(the|and|of|to|for|date|order|ship|delivery|invoice|weight|price)\b/gi;

/**
 * A document written in Spanish or French reads n/n/yyyy day-first: decided by its words (more
 * of theirs than English ones, on the first 4,000 characters).
 */
export function dayFirstLanguage(text: string): boolean {
  const head = text.slice(0, 4000);
  const theirs = head.match(SPANISH_FRENCH)?.length ?? 0;
  const english = head.match(ENGLISH)?.length ?? 0;
  return theirs >= 4 && theirs > english;
}

/** Appointments from the stop blocks where the labels gave none (or a date with no time). */
function fromStops(lines: Line[], fields: Record<string, DraftValue>): Record<string, DraftValue> {
  const stops = readStops(lines);
  const out: Record<string, DraftValue & { why?: string }> = {};
  for (
    const [key, at] of [
      ["pickup_appointment", stops.pickup],
      ["delivery_appointment", stops.delivery],
    ] as const
  ) {
    if (!at) continue;
    const had = fields[key];
    const sameDayNoTime = had && String(had.value).replace(/T00:00$/, "") === at.slice(0, 10) &&
      String(had.value).endsWith("T00:00");
    if (had && !sameDayNoTime) continue;
    out[key] = { value: at, confidence: 0.75, why: "read from the stop block" };
  }
  return out;
}

/** Extracts the fields of a document of a known kind from its text. */
export function extractFields(
  type: Classification,
  text: string,
  opts: {
    ocr?: boolean;
    learned?: LearnedLabel[];
    customFields?: CustomFieldsConfig;
    /** The workspace's own name: never the other party of its own paper. */
    us?: string;
  } = {},
): Omit<RawExtraction, "classification" | "confidence"> {
  const lines = toLines(text);
  const candidates = findPairs(lines);
  const fields: Record<string, DraftValue> = readFields(type, candidates, {
    ocr: opts.ocr ?? false,
    dayFirst: dayFirstLanguage(text),
    lines,
  });
  if (opts.learned?.length) Object.assign(fields, applyLearned(type, lines, opts.learned));
  // Labelled dates printed without their year ("Pickup: 12/08 0800"), for fields still empty.
  const yearless = yearlessDates(type, lines, candidates, fields, {
    dayFirst: dayFirstLanguage(text),
  });
  for (const [key, value] of Object.entries(yearless)) fields[key] ??= value;
  // The workspace's own fields of the record this document becomes (ai/offline/custom.ts).
  const collection = TARGET_COLLECTION[type];
  const specs = collection ? opts.customFields?.[collection] ?? [] : [];
  if (specs.length) {
    const custom = readCustomFields(specs, lines, { ocr: opts.ocr });
    for (const [key, value] of Object.entries(custom)) fields[key] ??= value;
  }
  const parties: RawExtraction["parties"] = {};
  const refs: RawExtraction["refs"] = {};
  const all = lines.map((l) => l.text).join("\n");
  const warnings: string[] = [];
  const isUs = (name: string | null | undefined) =>
    Boolean(
      name && opts.us && name.toLowerCase().replace(/[^a-z0-9]/g, "") ===
          opts.us.toLowerCase().replace(/[^a-z0-9]/g, ""),
    );
  /** A party named under a heading the vocabulary does not know (unlabelled.ts), at 0.6. */
  const byHeading = (what: string, not: Array<string | undefined> = []) => {
    const name = headedName(lines, [opts.us, ...not]);
    if (name) warnings.push(`${what} found by position, no label: check it.`);
    return name ? { name, confidence: 0.6 } : null;
  };
  if (type === "purchase_order" || type === "sales_confirmation") {
    // A confirmation comes from the packer: its letterhead is the supplier.
    const head = letterhead(lines);
    const fromHead = head && !isUs(head.name)
      ? { name: head.name, confidence: head.confidence }
      : null;
    const supplier = type === "sales_confirmation"
      ? fromHead ?? party(lines, SUPPLIER)
      : party(lines, SUPPLIER) ?? fromHead ?? byHeading("The supplier", [head?.name]);
    if (supplier) parties.supplier_id = supplier;
    const plant = party(lines, PLANT, { est: true });
    const est = plant?.est_number ?? findEst(all);
    if (plant || est) {
      parties.plant_id = { ...(plant ?? { name: null, confidence: 0.6 }), est_number: est };
    }
  }
  if (type === "bill_of_lading" || type === "proof_of_delivery" || type === "rate_confirmation") {
    const carrier = party(lines, CARRIER, { carrier: true });
    const byMc = carrier?.name ? null : nameByMc(lines);
    if (byMc) warnings.push("The carrier found beside its MC/DOT number, no label: check it.");
    if (carrier) parties.carrier_id = byMc ? { ...carrier, name: byMc, confidence: 0.6 } : carrier;
    else if (byMc) parties.carrier_id = { name: byMc, confidence: 0.6 };
    const po = readRef(candidates, "po_number");
    if (po) refs.purchase_order_id = po;
    if (type === "proof_of_delivery") fields.status = { value: "pod_received", confidence: 0.9 };
  }
  if (type === "invoice") {
    const customer = party(lines, CUSTOMER_LABELS) ??
      byHeading("The customer", [letterhead(lines)?.name]);
    if (customer) parties.customer_id = customer;
  }
  if (type === "carrier_invoice" || type === "supplier_invoice") {
    Object.assign(parties, billVendor(type, lines));
    fields.kind = { value: type === "carrier_invoice" ? "carrier" : "supplier", confidence: 0.9 };
    const [concept, key] = type === "carrier_invoice"
      ? ["load_number", "load_id"] as const
      : ["po_number", "purchase_order_id"] as const;
    const ref = readRef(candidates, concept);
    if (ref) refs[key] = ref;
  }
  // Fields whose label the vocabulary does not know, by type and position (unlabelled.ts).
  const guessed = findUnlabelled(type, lines, {
    fields,
    refs,
    // A value a label with extra words only may have ("PULP TEMP AT LOADING") stays free.
    taken: new Set(candidates.filter((c) => !c.extra).map((c) => c.at)),
  });
  for (const [key, value] of Object.entries(guessed.fields)) fields[key] ??= value;
  if (type === "rate_confirmation") Object.assign(fields, fromStops(lines, fields));
  // Dates the running text gives ("balance due by Jan. 14th") for fields still empty.
  const said = sentenceDates(type, lines, fields, { dayFirst: dayFirstLanguage(text) });
  // Only fields still empty, or read under a bare "Date" label, come back (sentences.ts).
  Object.assign(fields, said);
  // Temperatures the instructions give ("Keep at 28 F continuous") for fields still empty.
  for (const [key, value] of Object.entries(sentenceTemps(type, lines, fields))) {
    fields[key] ??= value;
  }
  for (const [key, value] of Object.entries(guessed.refs)) {
    if (refs[key]) continue;
    refs[key] = value;
    warnings.push(
      `The ${
        key === "load_id" ? "load" : "order"
      } reference found by position, no label: check it.`,
    );
  }
  const table = type === "purchase_order" || type === "sales_confirmation" ||
      type === "invoice" || type === "supplier_invoice"
    ? readGoodsTable(lines)
    : null;
  return { fields, lines: table?.lines ?? [], parties, refs, warnings };
}
