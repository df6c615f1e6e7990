/**
 * @module paperwork/records
 * Reads what a document prints from the tenant's records, through the records repository: the
 * record itself (404 when its id is not in this tenant's database), the parties and places it
 * points at, and a customer's accounting contact.
 */
import type { Executor } from "../db/transaction.ts";
import { contacts, recordType } from "../domain/catalog.ts";
import { getRecord, listRecords } from "../domain/records/repository.ts";
import type { RecordValues } from "../domain/records/rows.ts";
import { toListQuery } from "../domain/records/query.ts";
import { NotFoundError } from "../domain/errors.ts";

/** A record of a collection by id, or null when the reference is empty or gone. */
export async function related(
  db: Executor,
  collection: string,
  id: unknown,
): Promise<RecordValues | null> {
  if (typeof id !== "string" || !id) return null;
  try {
    return await getRecord(db, recordType(collection)!, id);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** The record a document is drawn for; throws the repository's 404 for an unknown id. */
export function subject(db: Executor, collection: string, id: string): Promise<RecordValues> {
  return getRecord(db, recordType(collection)!, id);
}

/** The record's lines (POs, SOs and invoices have them). */
export function linesOf(record: RecordValues): RecordValues[] {
  return (record.lines as RecordValues[] | undefined) ?? [];
}

const ACCOUNTING = /accounting|accounts payable|\bA\/?P\b|billing/i;

/** The customer's accounting / accounts payable contact, if one is on file and not archived. */
export async function accountingContact(
  db: Executor,
  customerId: string,
): Promise<RecordValues | null> {
  const list = await listRecords(
    db,
    contacts,
    toListQuery({ customer_id: customerId, limit: 200 }),
  );
  return list.data.find((c) => ACCOUNTING.test(String(c.role ?? ""))) ?? null;
}

/** A contact's name, e-mail and best phone on one line: "Ann Lee, ann@x.com, 555-0100". */
export function contactLine(contact: RecordValues | null): string {
  if (!contact) return "";
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(" ");
  const phone = contact.direct_phone || contact.office_phone || contact.cell_phone;
  return [name, contact.email, phone].filter(Boolean).join(", ");
}
