/**
 * @module domain/documents/accept
 * What a reviewer decides about a document. Accepting creates its record (a purchase order, a
 * load, an invoice) from the corrected draft, first creating the parties it names that do not
 * exist yet (after matching by MC/DOT/EST number and name), links the document to the record and
 * stores every field the reviewer changed. All of it is one transaction: a refusal writes
 * nothing. Attaching links a document (a BOL or POD) to an existing record instead; rejecting
 * keeps the document and marks it rejected. Each of them first asks `./access.ts` whether the
 * caller's role may write what it would write.
 */
import { z } from "zod";
import { inWriteTransaction } from "../../db/transaction.ts";
import type { Executor } from "../../db/transaction.ts";
import { RECORD_TYPES, recordType } from "../catalog.ts";
import { ConflictError, InvalidError, NotFoundError } from "../errors.ts";
import type { RecordDef } from "../records/definition.ts";
import { createSchema, issuesByField, updateSchema } from "../records/schema.ts";
import {
  conflictFrom,
  createRecordIn,
  getRecord,
  type RecordContext,
  updateRecord,
} from "../records/repository.ts";
import type { RecordValues } from "../records/rows.ts";
import {
  assertMayAccept,
  assertMayAttach,
  assertMayCreateParty,
  assertMayHandleDocuments,
} from "./access.ts";
import { type Draft, type PartyDraft, TARGET_COLLECTION } from "./draft.ts";
import { matchParty } from "./parties.ts";
import {
  type DocumentRecord,
  getDocument,
  insertCorrections,
  linkRecord,
  setStatus,
} from "./repository.ts";
import { learnFromCorrections } from "./layout_memory.ts";
import { systemClock } from "../clock.ts";

const ID = z.string().regex(/^[0-9a-hjkmnp-tv-z]{26}$/, "Not an id.");

/** The body of an accept: corrected values, and what to do about each party. */
export const AcceptSchema = z.strictObject({
  collection: z.enum(["purchase-orders", "sales-orders", "loads", "invoices", "bills"]).optional(),
  values: z.record(z.string(), z.unknown()).default({}),
  parties: z.record(
    z.string(),
    z.union([
      z.strictObject({ id: ID }),
      z.strictObject({
        create: z.strictObject({
          name: z.string().trim().min(1).max(200),
          est_number: z.string().trim().max(20).nullish(),
          mc_number: z.string().trim().max(16).nullish(),
          dot_number: z.string().trim().max(16).nullish(),
        }),
      }),
    ]),
  ).default({}),
});
export type AcceptInput = z.infer<typeof AcceptSchema>;

export const AttachSchema = z.strictObject({
  collection: z.enum(["purchase-orders", "sales-orders", "loads", "invoices", "bills"]),
  id: ID,
});

const REVIEWABLE = new Set(["review", "needs_ocr", "failed", "rejected"]);

function assertOpen(doc: DocumentRecord) {
  if (!REVIEWABLE.has(doc.status)) {
    throw new ConflictError(
      doc.status === "accepted"
        ? "This document was already accepted."
        : "This document is still being read. Try again in a moment.",
      { status: doc.status },
    );
  }
}

function partyInput(
  def: RecordDef,
  party: Omit<PartyDraft, "match" | "confidence">,
  supplierId?: string,
) {
  const input: RecordValues = { name: party.name };
  if (def.collection === "carriers") {
    if (party.mc_number) input.mc_number = party.mc_number;
    if (party.dot_number) input.dot_number = party.dot_number;
  }
  if (def.collection === "plants") {
    input.est_number = party.est_number ?? null;
    input.supplier_id = supplierId ?? null;
  }
  return input;
}

/**
 * Resolves each party reference: an explicit id, a match, or a new record (created in `tx`). A
 * new party needs its own type's permission; the dry run meets that check before any write.
 */
async function resolveParties(
  tx: Executor,
  ctx: RecordContext,
  def: RecordDef,
  draft: Draft,
  input: AcceptInput,
  values: RecordValues,
  dryRun: boolean,
): Promise<void> {
  // Suppliers first: a new plant needs its supplier.
  const order = Object.keys({ ...draft.parties, ...input.parties }).sort((a, b) =>
    (a === "supplier_id" ? 0 : 1) - (b === "supplier_id" ? 0 : 1)
  );
  for (const field of order) {
    const ref = def.fields.find((f) => f.name === field && f.kind === "ref");
    if (!ref || values[field]) continue;
    const target = recordType(ref.ref!)!;
    const choice = input.parties[field];
    if (choice && "id" in choice) {
      values[field] = choice.id;
      continue;
    }
    const described = choice && "create" in choice
      ? { collection: target.collection as PartyDraft["collection"], ...choice.create }
      : draft.parties[field];
    if (!described) continue;
    const party = {
      collection: target.collection as PartyDraft["collection"],
      name: described.name ?? null,
      est_number: described.est_number ?? null,
      mc_number: described.mc_number ?? null,
      dot_number: described.dot_number ?? null,
    };
    const match = await matchParty(tx, party);
    if (match) {
      values[field] = match.id;
      continue;
    }
    // A plant known only by its establishment number is named by it.
    if (!party.name && party.collection === "plants" && party.est_number) {
      party.name = `EST ${party.est_number}`;
    }
    if (!party.name) continue;
    assertMayCreateParty(ctx.role, target, party.name);
    const partyValues = partyInput(target, party, values.supplier_id as string | undefined);
    const parsed = createSchema(target).safeParse(partyValues);
    if (!parsed.success) {
      if (!ref.required) continue; // an optional party that cannot be created is left out
      const details = Object.fromEntries(
        Object.entries(issuesByField(parsed.error)).map(([k, v]) => [`parties.${field}.${k}`, v]),
      );
      throw new InvalidError(
        `The new ${target.singular.toLowerCase()} needs attention.`,
        details,
        422,
      );
    }
    values[field] = dryRun
      ? "0".repeat(26)
      : (await createRecordIn(tx, ctx, target, parsed.data)).id as string;
  }
  for (const [field, ref] of Object.entries(draft.refs)) {
    if (!values[field] && ref.match) values[field] = ref.match.id;
  }
}

function flatten(values: RecordValues): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(values)) {
    if (k === "lines" && Array.isArray(v)) {
      v.forEach((line, i) => {
        for (const [lk, lv] of Object.entries(line as RecordValues)) {
          out.set(`lines.${i}.${lk}`, lv);
        }
      });
    } else out.set(k, v);
  }
  return out;
}

/** Fields whose accepted value differs from the extracted one. */
function corrections(draft: Draft, accepted: RecordValues) {
  const extracted = new Map<string, { value: unknown; confidence: number }>();
  for (const [k, v] of Object.entries(draft.fields)) extracted.set(k, v);
  draft.lines.forEach((line, i) => {
    for (const [k, v] of Object.entries(line)) extracted.set(`lines.${i}.${k}`, v);
  });
  const final = flatten(accepted);
  const keys = new Set([
    ...extracted.keys(),
    ...[...final.keys()].filter((k) => !k.endsWith("_id")),
  ]);
  const out: Array<{ field: string; extracted: unknown; corrected: unknown; confidence: number }> =
    [];
  for (const key of keys) {
    const before = extracted.get(key);
    const after = final.get(key) ?? null;
    if ((before?.value ?? null) === null && (after === null || after === "")) continue;
    if (JSON.stringify(before?.value ?? null) !== JSON.stringify(after)) {
      out.push({
        field: key,
        extracted: before?.value ?? null,
        corrected: after,
        confidence: before?.confidence ?? 0,
      });
    }
  }
  return { reviewed: [...keys].sort(), changed: out };
}

/** A record of `def` that already carries `number` (order, load and invoice numbers are unique). */
export async function recordWithNumber(
  db: Executor,
  def: RecordDef,
  number: unknown,
): Promise<{ collection: string; id: string; number: string } | null> {
  if (!def.fields.some((f) => f.name === "number")) return null;
  const text = typeof number === "string" ? number.trim() : "";
  if (!text) return null;
  const rs = await db.execute({
    sql: `SELECT id, number FROM ${def.table} WHERE number = ? COLLATE NOCASE`,
    args: [text],
  });
  const row = rs.rows[0];
  return row
    ? { collection: def.collection, id: String(row.id), number: String(row.number) }
    : null;
}

/** The 409 for a draft whose number another record already has: link to it instead. */
export function duplicateNumberError(
  def: RecordDef,
  existing: { collection: string; id: string; number: string },
): ConflictError {
  const what = `${def.singular} ${existing.number}`;
  return new ConflictError(
    `${what} already exists. Link this document to it, or change the number.`,
    {
      number: [`Already used by ${what.toLowerCase()}.`],
      existing: { collection: existing.collection, id: existing.id, number: existing.number },
    },
  );
}

/**
 * Accepts a document as a new record; returns the record's collection and id. `typeFor` gives
 * the tenant's description of the record type (its custom fields), so their values are written.
 */
export async function acceptDocument(
  ctx: RecordContext,
  documentId: string,
  input: AcceptInput,
  typeFor: (def: RecordDef) => RecordDef | Promise<RecordDef> = (def) => def,
): Promise<{ collection: string; id: string; record: RecordValues }> {
  const doc = await getDocument(ctx.db, documentId);
  assertOpen(doc);
  const draft: Draft = doc.draft ??
    { collection: null, fields: {}, lines: [], parties: {}, refs: {}, warnings: [] };
  const collection = input.collection ?? draft.collection ??
    TARGET_COLLECTION[(doc.classification ?? "other") as keyof typeof TARGET_COLLECTION];
  const builtIn = collection ? recordType(collection) : undefined;
  const def = builtIn ? await typeFor(builtIn) : undefined;
  if (!def) {
    throw new InvalidError(
      "This kind of document does not make a record. Attach it to a record instead.",
      { collection: ["Choose purchase-orders, sales-orders, loads, invoices or bills."] },
      422,
    );
  }
  assertMayAccept(ctx.role, def);
  // A party named by anything but one of the record's reference fields ("supplier" for
  // "supplier_id") would be dropped without a word, and the record then refused for the party it
  // lacks: say which names are taken instead.
  const partyFields = def.fields.filter((f) => f.kind === "ref").map((f) => f.name);
  const strangers = Object.keys(input.parties).filter((k) => !partyFields.includes(k));
  if (strangers.length) {
    throw new InvalidError(
      "Some parties are not fields of this record.",
      Object.fromEntries(
        strangers.map((k) => [`parties.${k}`, [`Use one of: ${partyFields.join(", ")}.`]]),
      ),
      422,
    );
  }
  const given = { ...input.values } as RecordValues;
  // Check the record's own fields before creating any party, so a refusal creates nothing.
  const known = new Set([...Object.keys(createSchema(def).shape)]);
  const unknown = Object.keys(given).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new InvalidError(
      "Some fields need attention.",
      Object.fromEntries(unknown.map((k) => [k, ["This field cannot be set."]])),
      422,
    );
  }
  // A bill's number is unique per vendor only: its own rule checks it once the vendor is known.
  const duplicate = def.collection === "bills"
    ? null
    : await recordWithNumber(ctx.db, def, given.number);
  if (duplicate) throw duplicateNumberError(def, duplicate);
  try {
    const accepted = await acceptInTransaction(ctx, doc, def, draft, input, given);
    // Notices and jobs the tenant's rules asked for, now that the record is committed.
    const effects = ctx.ruleEffects?.pending.splice(0) ?? [];
    if (effects.length) await ctx.ruleEffects!.deliver(effects);
    return accepted;
  } catch (err) {
    ctx.ruleEffects?.pending.splice(0);
    // A number taken meanwhile, or a new party's EST or MC number that another party has.
    const table = /UNIQUE constraint failed: (\w+)\./.exec(String(err))?.[1];
    conflictFrom(RECORD_TYPES.find((d) => d.table === table) ?? def, err);
  }
}

async function acceptInTransaction(
  ctx: RecordContext,
  doc: Awaited<ReturnType<typeof getDocument>>,
  def: RecordDef,
  draft: Draft,
  input: AcceptInput,
  given: RecordValues,
): Promise<{ collection: string; id: string; record: RecordValues }> {
  return await inWriteTransaction(ctx.db, async (tx) => {
    const values = { ...given };
    await resolveParties(tx, ctx, def, draft, input, values, true);
    const check = createSchema(def).safeParse(values);
    if (!check.success) {
      throw new InvalidError("Some fields need attention.", issuesByField(check.error), 422);
    }
    const final = { ...given };
    await resolveParties(tx, ctx, def, draft, input, final, false);
    const parsed = createSchema(def).parse(final) as RecordValues;
    // The tenant's rules on "document_accepted" run for a record made from a document.
    const record = await createRecordIn(tx, { ...ctx, source: "document" }, def, parsed);
    const { reviewed, changed } = corrections(draft, given);
    const clock = ctx.clock ?? systemClock;
    await insertCorrections(tx, doc.id, doc.classification, ctx.userId, changed, clock);
    await learnFromCorrections(tx, doc, changed, clock);
    await tx.execute({
      sql:
        "UPDATE documents SET draft = json_set(draft, '$.reviewed_fields', json(?)) WHERE id = ?",
      args: [JSON.stringify(reviewed), doc.id],
    });
    await linkRecord(tx, doc.id, {
      collection: def.collection,
      recordId: String(record.id),
      userId: ctx.userId,
      status: "accepted",
    }, clock);
    return { collection: def.collection, id: String(record.id), record };
  });
}

/**
 * Attaches a document to an existing record (a BOL or POD to its load). A proof of delivery
 * moves its load to "POD received"; a bill of lading fills the load's empty BOL and seal numbers.
 */
export async function attachDocument(
  ctx: RecordContext,
  documentId: string,
  target: z.infer<typeof AttachSchema>,
): Promise<{ collection: string; id: string }> {
  const doc = await getDocument(ctx.db, documentId);
  if (doc.status === "queued" || doc.status === "processing") assertOpen(doc);
  const def = recordType(target.collection)!;
  assertMayAttach(ctx.role, def);
  const record = await getRecord(ctx.db, def, target.id).catch(() => {
    throw new NotFoundError(`No such ${def.singular.toLowerCase()}.`);
  });
  if (def.collection === "loads") {
    const patch: RecordValues = {};
    const fields = doc.draft?.fields ?? {};
    if (doc.classification === "proof_of_delivery" && record.status !== "pod_received") {
      patch.status = "pod_received";
    }
    for (const name of ["bol_number", "seal_number", "delivery_temp_f", "pickup_temp_f"]) {
      if ((record[name] === null || record[name] === undefined) && fields[name]?.value != null) {
        patch[name] = fields[name]!.value;
      }
    }
    if (Object.keys(patch).length) {
      const parsed = updateSchema(def).safeParse({ ...patch, version: record.version });
      if (parsed.success) await updateRecord(ctx, def, target.id, parsed.data as RecordValues);
    }
  }
  await linkRecord(ctx.db, doc.id, {
    collection: def.collection,
    recordId: target.id,
    userId: ctx.userId,
    status: "accepted",
  }, ctx.clock);
  return { collection: def.collection, id: target.id };
}

/** Rejects a document: it is kept, marked rejected, and makes no record. */
export async function rejectDocument(ctx: RecordContext, documentId: string, reason?: string) {
  assertMayHandleDocuments(ctx.role);
  const doc = await getDocument(ctx.db, documentId);
  assertOpen(doc);
  await setStatus(ctx.db, doc.id, "rejected", reason?.slice(0, 300) || null, ctx.clock);
}
