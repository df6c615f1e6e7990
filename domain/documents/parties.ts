/**
 * @module domain/documents/parties
 * Finds the existing supplier, plant, customer or carrier a document names, before anyone
 * creates a new one: carriers by MC then DOT number, plants by USDA establishment number, then
 * every party by its name compared without case, punctuation or company suffixes. Orders are
 * found by their number (a PO also by the supplier's confirmation number).
 */
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";

/** A party (supplier, customer, carrier, plant) as read from a document. */
export interface PartyDraft {
  collection: "suppliers" | "customers" | "carriers" | "plants";
  name: string | null;
  est_number?: string | null;
  mc_number?: string | null;
  dot_number?: string | null;
  confidence: number;
  /** The existing record this party matched, and by what. */
  match: { id: string; title: string; by: "mc" | "dot" | "est" | "name" } | null;
}

const SUFFIXES =
  /\b(inc|incorporated|llc|l\.l\.c|ltd|limited|co|corp|corporation|company|the|lp|llp)\b/g;

/** A name reduced for comparison: "Prairie Packing Co., Inc." -> "prairie packing". */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/&/g, " and ").replace(/[.,'"()]/g, " ").replace(SUFFIXES, " ")
    .replace(/[^a-z0-9]+/g, " ").trim();
}

/** The existing party a draft names, or null. */
export async function matchParty(
  db: Executor,
  party: Pick<PartyDraft, "collection" | "name" | "est_number" | "mc_number" | "dot_number">,
): Promise<PartyDraft["match"]> {
  const def = recordType(party.collection)!;
  const byColumn = async (
    column: string,
    value: string | null | undefined,
    by: "mc" | "dot" | "est",
  ) => {
    if (!value) return null;
    const rs = await db.execute({
      sql: `SELECT id, name FROM ${def.table} WHERE upper(${column}) = ? AND archived_at IS NULL
            ORDER BY created_at, id LIMIT 1`,
      args: [value.toUpperCase()],
    });
    const row = rs.rows[0];
    return row ? { id: String(row.id), title: String(row.name), by } : null;
  };
  if (party.collection === "carriers") {
    const found = await byColumn("mc_number", party.mc_number, "mc") ??
      await byColumn("dot_number", party.dot_number, "dot");
    if (found) return found;
  }
  if (party.collection === "plants") {
    const found = await byColumn("est_number", party.est_number, "est");
    if (found) return found;
  }
  if (!party.name) return null;
  const wanted = normalizeName(party.name);
  if (!wanted) return null;
  const rs = await db.execute(
    `SELECT id, name FROM ${def.table} WHERE archived_at IS NULL ORDER BY created_at, id`,
  );
  for (const row of rs.rows) {
    if (normalizeName(String(row.name)) === wanted) {
      return { id: String(row.id), title: String(row.name), by: "name" };
    }
  }
  return null;
}

/** The order (or load) with this number, or null. */
export async function matchOrder(
  db: Executor,
  collection: string,
  number: string,
): Promise<{ id: string; title: string } | null> {
  const def = recordType(collection);
  if (!def) return null;
  const extra = collection === "purchase-orders"
    ? " OR upper(supplier_confirmation) = ?1"
    : collection === "loads"
    ? " OR upper(bol_number) = ?1"
    : "";
  const rs = await db.execute({
    sql: `SELECT id, number FROM ${def.table} WHERE (upper(number) = ?1${extra})
          ORDER BY archived_at IS NOT NULL, created_at DESC, id DESC LIMIT 1`,
    args: [number.trim().toUpperCase()],
  });
  const row = rs.rows[0];
  return row ? { id: String(row.id), title: String(row.number) } : null;
}
