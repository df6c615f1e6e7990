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
import { letterhead, readParty } from "./parties.ts";
import { readGoodsTable } from "./tables.ts";
import { findDot, findEst, findMc } from "./values.ts";
import { type Candidate, findPairs } from "./pairs.ts";
import { readFields, typed } from "./fields.ts";
import { applyLearned } from "./learned.ts";
import { findUnlabelled } from "./unlabelled.ts";
import { headedName, nameByMc } from "./unlabelled_parties.ts";
import { readCustomFields } from "./custom.ts";
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
];
const PLANT = ["plant", "establishment name", "facility", "packing plant", "origin plant"];
const CUSTOMER = ["bill to", "sold to", "customer", "buyer", "invoice to", "billed to"];
const CARRIER = [
  "carrier name",
  "carrier",
  "trucking company",
  "motor carrier",
  "transported by",
  "hauled by",
  "trucker",
];

function party(
  lines: Line[],
  labels: string[],
  extra: { est?: boolean; carrier?: boolean } = {},
): RawExtraction["parties"][string] | null {
  const found = readParty(lines, labels);
  const name = found?.name ?? null;
  const near = found?.near ?? "";
  const out: RawExtraction["parties"][string] = { name, confidence: found?.confidence ?? 0.3 };
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
  });
  if (opts.learned?.length) Object.assign(fields, applyLearned(type, lines, opts.learned));
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
    const customer = party(lines, CUSTOMER) ??
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
    taken: new Set(candidates.map((c) => c.at)),
  });
  for (const [key, value] of Object.entries(guessed.fields)) fields[key] ??= value;
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
