/**
 * @module integrations/webhooks/payload_scope
 * A delivery log shows the event that was sent, and a record event carries the record's fields.
 * A token made to watch webhooks (`webhooks:read`) is not thereby one that may read invoices: the
 * delivery's payload keeps its type and time but withholds `data` from a scoped token that lacks
 * the read scope of the record type the event is about (documents: `documents:read`).
 */
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { recordEventName } from "./events.ts";

/** The scope reading an event of `type` needs, or null when it is about no record type. */
export function scopeForEvent(type: string): string | null {
  const subject = type.split(".")[0] ?? "";
  if (subject === "document") return "documents:read";
  const def = RECORD_TYPES.find((d) => recordEventName(d.collection) === subject);
  return def ? `${def.table}:read` : null;
}

/**
 * The payload as the caller may see it. `mayRead` answers for a scope (always true for sessions
 * and full-access tokens); a withheld payload says which scope would show it.
 */
export function payloadFor(
  payload: { type?: unknown; data?: unknown } & Record<string, unknown>,
  mayRead: (scope: string) => boolean,
): Record<string, unknown> {
  const needs = scopeForEvent(String(payload.type ?? ""));
  if (!needs || mayRead(needs)) return payload;
  return { ...payload, data: null, data_withheld: `This token needs ${needs} to see the data.` };
}
