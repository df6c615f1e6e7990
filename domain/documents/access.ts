/**
 * @module domain/documents/access
 * Who may do what with a document, and which actions a document offers. The rule: a document
 * action needs the permission of every record it writes, exactly as the records API asks for it
 * (`def.permission` in domain/catalog.ts), so documents are never a way around the role matrix.
 *
 * - Uploading and rejecting write no business record: any role that may change some record type
 *   may do them (broker, accounting, admin, owner), a viewer may not.
 * - Accepting needs the permission of the record it creates (an invoice: money) and, for each
 *   party it would create because none matches, that party type's permission (records). Both are
 *   checked before anything is written, so a refusal leaves no partial records.
 * - Attaching needs the permission to change the record it is attached to (a load: records).
 */
import { can, type Permission, type Role, rolesWith } from "../../auth/roles.ts";
import { RECORD_TYPES } from "../catalog.ts";
import { ForbiddenError } from "../errors.ts";
import type { RecordDef } from "../records/definition.ts";
import { type Classification, TARGET_COLLECTION } from "./draft.ts";

/** Every permission that lets a role change some record type, as the catalog assigns them. */
export const RECORD_WRITE_PERMISSIONS: readonly Permission[] = [
  ...new Set(RECORD_TYPES.map((def) => def.permission)),
];

/** True when `role` may create and change records of `def`: the records API's own check. */
export function mayWrite(role: Role | null, def: RecordDef): boolean {
  return role !== null && can(role, def.permission);
}

/** True when `role` may change at least one record type: the bar to upload and reject. */
export function mayHandleDocuments(role: Role | null): boolean {
  return role !== null && RECORD_WRITE_PERMISSIONS.some((p) => can(role, p));
}

/** "owner, admin or accounting": the roles that grant `permission`, for refusal messages. */
export function rolesGranting(permission: Permission): string {
  const roles = rolesWith(permission);
  return roles.length > 1 ? `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}` : roles.join("");
}

/** Refuses a role that may change no records (a viewer) from uploading or reviewing documents. */
export function assertMayHandleDocuments(role: Role | null): void {
  if (mayHandleDocuments(role)) return;
  throw new ForbiddenError(
    "Your role can only read records. Uploading and reviewing documents needs permission to " +
      "change records; ask an owner or admin to change your role.",
    { permissions: RECORD_WRITE_PERMISSIONS },
  );
}

/** The one-line reason `role` cannot accept a document as a record of `def`, or null if it can. */
export function acceptRefusal(role: Role | null, def: RecordDef): string | null {
  if (mayWrite(role, def)) return null;
  return `Your role cannot create ${def.plural.toLowerCase()}, so it cannot accept this document: ` +
    `that needs the ${def.permission} permission (${rolesGranting(def.permission)}).`;
}

/** Refuses accepting a document as a record of `def` without that record type's permission. */
export function assertMayAccept(role: Role | null, def: RecordDef): void {
  const refusal = acceptRefusal(role, def);
  if (refusal) forbid(refusal, def);
}

/** Refuses creating the new party `name` of type `party` while accepting, without its permission. */
export function assertMayCreateParty(role: Role | null, party: RecordDef, name: string): void {
  if (mayWrite(role, party)) return;
  const singular = party.singular.toLowerCase();
  forbid(
    `Accepting this document would create the new ${singular} "${name}", and your role cannot ` +
      `create ${party.plural.toLowerCase()}: that needs the ${party.permission} permission ` +
      `(${rolesGranting(party.permission)}). Choose an existing ${singular}, or ask one of them ` +
      `to add it first. Nothing was saved.`,
    party,
  );
}

/** Refuses attaching a document to a record of `def` without the permission to change it. */
export function assertMayAttach(role: Role | null, def: RecordDef): void {
  if (mayWrite(role, def)) return;
  forbid(
    `Your role cannot change ${def.plural.toLowerCase()}, so it cannot attach documents to them: ` +
      `that needs the ${def.permission} permission (${rolesGranting(def.permission)}).`,
    def,
  );
}

function forbid(message: string, def: RecordDef): never {
  throw new ForbiddenError(message, { permissions: [def.permission], collection: def.collection });
}

/**
 * Whether "Attach to a load" suits a document: a load's own paperwork (bill of lading, proof of
 * delivery, rate confirmation), whose fields `attachDocument` copies to the load, or a file that
 * could not be read at all (a scanned BOL without OCR), whose kind is unknown.
 */
export function attachesToLoad(doc: { classification: string | null; status: string }): boolean {
  if (doc.status === "needs_ocr" || doc.status === "failed") return true;
  return TARGET_COLLECTION[(doc.classification ?? "other") as Classification] === "loads";
}
