/**
 * @module domain/documents/draft
 * What extraction makes of a document: its classification and a draft of the record it should
 * become, each value with a confidence (0-1). Parties (supplier, plant, customer, carrier) and
 * order references are kept as what the document says (names, MC/DOT/EST numbers, PO numbers)
 * with the existing record they match, if any; the record is created only when a person accepts.
 *
 * `finalizeDraft` is the one gate every provider's output passes: values are checked one by one
 * against the record type's zod schema and dropped (with a warning) when they do not fit, so a
 * draft always passes `createSchema(def).partial()` (the tenant's record type, custom fields
 * included, when the caller passes it). Document text is untrusted: nothing in it
 * can do more than fill these values.
 */
import { z } from "zod";
import { recordType } from "../catalog.ts";
import type { RecordDef } from "../records/definition.ts";
import { createSchema } from "../records/schema.ts";
import type { Executor } from "../../db/transaction.ts";
import { matchOrder, matchParty, type PartyDraft } from "./parties.ts";

export const CLASSIFICATIONS = [
  "purchase_order",
  "sales_confirmation",
  "bill_of_lading",
  "proof_of_delivery",
  "rate_confirmation",
  "invoice",
  "carrier_invoice",
  "supplier_invoice",
  "certificate_of_analysis",
  "other",
] as const;
export type Classification = typeof CLASSIFICATIONS[number];

export const CLASSIFICATION_LABELS: Record<Classification, string> = {
  purchase_order: "Purchase order",
  sales_confirmation: "Sales confirmation",
  bill_of_lading: "Bill of lading",
  proof_of_delivery: "Proof of delivery",
  rate_confirmation: "Rate confirmation",
  invoice: "Invoice",
  carrier_invoice: "Carrier freight bill",
  supplier_invoice: "Supplier invoice",
  certificate_of_analysis: "Certificate of analysis",
  other: "Other",
};

/**
 * The record type each kind of document becomes (null: kept as a document only). An invoice is
 * the broker's own to its customer; a carrier's freight bill or a packer's invoice is a bill to pay.
 */
export const TARGET_COLLECTION: Record<Classification, string | null> = {
  purchase_order: "purchase-orders",
  sales_confirmation: "purchase-orders",
  bill_of_lading: "loads",
  proof_of_delivery: "loads",
  rate_confirmation: "loads",
  invoice: "invoices",
  carrier_invoice: "bills",
  supplier_invoice: "bills",
  certificate_of_analysis: null,
  other: null,
};

export type Scalar = string | number | boolean | null;

export interface DraftValue {
  value: Scalar;
  confidence: number;
  /** Why the confidence is lowered ("label matched loosely", "read by OCR"), for review. */
  why?: string;
}

export type { PartyDraft } from "./parties.ts";

export interface OrderRefDraft {
  collection: "purchase-orders" | "sales-orders" | "loads";
  number: string;
  confidence: number;
  match: { id: string; title: string } | null;
}

export interface Draft {
  collection: string | null;
  fields: Record<string, DraftValue>;
  lines: Array<Record<string, DraftValue>>;
  /** Keyed by the record's reference field (supplier_id, plant_id, customer_id, carrier_id). */
  parties: Record<string, PartyDraft>;
  /** Keyed by the record's reference field (purchase_order_id, sales_order_id). */
  refs: Record<string, OrderRefDraft>;
  warnings: string[];
  /** Field paths a reviewer saw when accepting (for accuracy reports). */
  reviewed_fields?: string[];
}

/** What a provider returns, before `finalizeDraft` checks it. */
export interface RawExtraction {
  classification: Classification;
  confidence: number;
  fields: Record<string, DraftValue>;
  lines: Array<Record<string, DraftValue>>;
  parties: Record<string, Omit<PartyDraft, "match" | "collection">>;
  refs: Record<string, { number: string; confidence: number }>;
  warnings?: string[];
}

const clamp = (n: unknown) =>
  typeof n === "number" && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;

/** The record values of a draft (no confidences), as the create schema takes them. */
export function draftInput(draft: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(draft.fields)) if (v.value !== null) out[k] = v.value;
  if (draft.lines.length) {
    out.lines = draft.lines.map((line) =>
      Object.fromEntries(
        Object.entries(line).filter(([, v]) => v.value !== null).map(([k, v]) => [k, v.value]),
      )
    );
  }
  return out;
}

/** The schema a draft must pass: the create schema with every field optional. */
export function draftSchema(def: RecordDef): z.ZodObject {
  return createSchema(def).partial();
}

/** Checks one value against a field's schema; the parsed value, or undefined when it fails. */
function fits(shape: Record<string, z.ZodType>, name: string, value: Scalar): unknown {
  const schema = shape[name];
  if (!schema || value === null) return undefined;
  const r = schema.safeParse(value);
  return r.success && r.data !== undefined && r.data !== null ? r.data : undefined;
}

/**
 * Turns a provider's output into a draft that passes the record's schema: unknown fields and
 * values that do not fit are dropped with a warning; parties and order numbers are matched
 * against the tenant's records (reads only).
 */
export async function finalizeDraft(
  db: Executor,
  raw: RawExtraction,
  opts: { recordType?: (def: RecordDef) => RecordDef } = {},
): Promise<Draft> {
  const classification = CLASSIFICATIONS.includes(raw.classification)
    ? raw.classification
    : "other";
  const collection = TARGET_COLLECTION[classification];
  const builtIn = collection ? recordType(collection) : undefined;
  // The tenant's description (its custom fields among the fields) when the caller has it.
  const def = builtIn && opts.recordType ? opts.recordType(builtIn) : builtIn;
  const warnings = (raw.warnings ?? []).filter((w) => typeof w === "string").slice(0, 20)
    .map((w) => w.slice(0, 300));
  const draft: Draft = { collection, fields: {}, lines: [], parties: {}, refs: {}, warnings };
  if (!def) return draft;
  const shape = createSchema(def).shape as Record<string, z.ZodType>;
  const options = await optionLists(db);
  for (const [name, v] of Object.entries(raw.fields ?? {})) {
    const field = def.fields.find((f) => f.name === name && !f.computed && f.kind !== "ref");
    if (!field || !v || v.value === null || v.value === undefined) continue;
    let value = fits(shape, name, v.value);
    if (value !== undefined && field.kind === "option") {
      value = options.get(field.list!)?.get(String(value).toLowerCase());
      if (value === undefined) {
        warnings.push(`${field.label} "${v.value}" is not in your ${field.label} list.`);
        continue;
      }
    }
    if (value === undefined) {
      warnings.push(`${field.label}: "${String(v.value).slice(0, 60)}" was not understood.`);
      continue;
    }
    draft.fields[name] = { value: value as Scalar, confidence: clamp(v.confidence), ...why(v) };
  }
  const lineShape = def.lines
    ? ((shape.lines as z.ZodOptional<z.ZodArray<z.ZodObject>>).unwrap().element.shape as Record<
      string,
      z.ZodType
    >)
    : null;
  if (lineShape) {
    for (const line of (raw.lines ?? []).slice(0, 200)) {
      const out: Record<string, DraftValue> = {};
      for (const [name, v] of Object.entries(line ?? {})) {
        if (name === "product_id" || !v) continue;
        const value = fits(lineShape, name, v.value);
        if (value !== undefined) {
          out[name] = { value: value as Scalar, confidence: clamp(v.confidence), ...why(v) };
        }
      }
      if (out.description) draft.lines.push(out);
    }
  }
  for (const [field, party] of Object.entries(raw.parties ?? {})) {
    const ref = def.fields.find((f) => f.name === field && f.kind === "ref");
    const target = ref?.ref;
    if (!target || !["suppliers", "customers", "carriers", "plants"].includes(target)) continue;
    const clean: PartyDraft = {
      collection: target as PartyDraft["collection"],
      name: typeof party.name === "string" ? party.name.trim().slice(0, 200) || null : null,
      est_number: cleanId(party.est_number),
      mc_number: cleanId(party.mc_number),
      dot_number: cleanId(party.dot_number),
      confidence: clamp(party.confidence),
      match: null,
    };
    if (!clean.name && !clean.est_number && !clean.mc_number && !clean.dot_number) continue;
    clean.match = await matchParty(db, clean);
    draft.parties[field] = clean;
  }
  for (const [field, ref] of Object.entries(raw.refs ?? {})) {
    const refField = def.fields.find((f) => f.name === field && f.kind === "ref");
    const target = refField?.ref;
    if (!target || !["purchase-orders", "sales-orders", "loads"].includes(target)) continue;
    const number = String(ref?.number ?? "").trim().slice(0, 60);
    if (!number) continue;
    draft.refs[field] = {
      collection: target as OrderRefDraft["collection"],
      number,
      confidence: clamp(ref.confidence),
      match: await matchOrder(db, target, number),
    };
  }
  // The guarantee: whatever the provider said, the draft fits the record's schema.
  const check = draftSchema(def).safeParse(draftInput(draft));
  if (!check.success) {
    throw new Error(`Draft does not fit ${def.collection}: ${check.error.message}`);
  }
  return draft;
}

/** A provider's reason for a lowered confidence, kept short and as text only. */
function why(v: DraftValue): { why?: string } {
  return typeof v.why === "string" && v.why ? { why: v.why.slice(0, 200) } : {};
}

function cleanId(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const t = v.trim().toUpperCase().replace(/^(MC|US\s?DOT|DOT|EST\.?)[\s#:.-]*/i, "");
  return /^[A-Z0-9]{1,12}$/.test(t) ? t : null;
}

async function optionLists(db: Executor): Promise<Map<string, Map<string, string>>> {
  const rs = await db.execute("SELECT list, value FROM option_values WHERE archived_at IS NULL");
  const out = new Map<string, Map<string, string>>();
  for (const r of rs.rows) {
    const list = String(r.list);
    if (!out.has(list)) out.set(list, new Map());
    out.get(list)!.set(String(r.value).toLowerCase(), String(r.value));
  }
  return out;
}
