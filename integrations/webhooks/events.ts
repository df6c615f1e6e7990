/**
 * @module integrations/webhooks/events
 * The events a workspace can subscribe an endpoint to. Record events are named by the record
 * type's API name and what happened (`purchase_order.created`, `load.updated`); the rest are the
 * business facts members are also told about (`invoice.overdue`, `payment.received`,
 * `document.read`). Pure data, for the API, the settings page and the docs alike; descriptions in
 * the reader's language (the API's in English unless the client asks with Accept-Language).
 */
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { type Language, translator } from "../../i18n/mod.ts";
import { translateRecordType } from "../../i18n/records.ts";

/** What happened to a record, as record events name it. */
export const RECORD_ACTIONS = ["created", "updated", "archived", "deleted"] as const;

/** The singular API name of a record type: "purchase-orders" → "purchase_order". */
export function recordEventName(collection: string): string | null {
  const def = RECORD_TYPES.find((d) => d.table === collection || d.collection === collection);
  if (!def) return null;
  return def.table.replace(/s$/, "").replace(/ie$/, "y");
}

/** Events that are not about one record's fields. */
export const BUSINESS_EVENTS: Record<string, string> = {
  "document.read": "A document finished reading and waits for review",
  "document.failed": "A document could not be read",
  "invoice.overdue": "An invoice went overdue",
  "payment.received": "A payment was received",
  "load.delivered": "A load was delivered",
  "load.picked_up": "A load was picked up",
};

/**
 * Every event type an endpoint may subscribe to, with what it means in `language` (English by
 * default, as the API has always answered): a business event through `webhooks.business.*`, a
 * record event through `webhooks.record_event.<action>` with the record type's translated name.
 */
export function eventCatalog(
  language: Language = "en",
): Array<{ type: string; description: string }> {
  const t = translator(language);
  const records = RECORD_TYPES.flatMap((def) => {
    const name = recordEventName(def.table)!;
    const shown = translateRecordType(def, language).singular.toLowerCase();
    return RECORD_ACTIONS.map((action) => ({
      type: `${name}.${action}`,
      description: language === "en"
        ? `A ${shown} was ${action}`
        : t(`webhooks.record_event.${action}`, { type: shown }),
    }));
  });
  const business = Object.entries(BUSINESS_EVENTS).map(([type, english]) => {
    const key = `webhooks.business.${type.replace(".", "_")}`;
    const text = language === "en" ? english : t(key);
    return { type, description: text === key ? english : text };
  });
  return [...records, ...business];
}

/** Whether `type` is an event an endpoint can subscribe to. */
export function isEventType(type: string): boolean {
  return type === "*" || eventCatalog().some((e) => e.type === type);
}

/** Whether an endpoint subscribed to `events` hears `type`. */
export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes("*") || events.includes(type);
}
