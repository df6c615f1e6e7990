/**
 * @module notifications/events
 * The events a member can be told about, with the words the preferences page shows and the
 * channels each starts with. Pure data: islands and pages may import it.
 */

/** Ways a notification reaches a member. */
export const CHANNELS = ["in_app", "email", "digest"] as const;
export type Channel = typeof CHANNELS[number];

export const CHANNEL_LABELS: Record<Channel, string> = {
  in_app: "In the app",
  email: "E-mail at once",
  digest: "Daily digest e-mail",
};

/** Every event kind, in the order the preferences page lists them. */
export const EVENT_KINDS = [
  "document_read",
  "document_failed",
  "load_picked_up",
  "load_delivered",
  "load_late",
  "temperature_out_of_range",
  "invoice_overdue",
  "customer_over_credit",
  "payment_received",
  "invoice_disputed",
  "carrier_insurance_expiring",
  "mention",
] as const;
export type EventKind = typeof EVENT_KINDS[number];

export interface EventInfo {
  label: string;
  /** Channels on until the member chooses otherwise. */
  defaults: readonly Channel[];
}

/** What each event is called and where it goes by default. */
export const EVENTS: Record<EventKind, EventInfo> = {
  document_read: { label: "A document finished reading", defaults: ["in_app"] },
  document_failed: { label: "A document could not be read", defaults: ["in_app", "email"] },
  load_picked_up: { label: "A load was picked up", defaults: ["in_app"] },
  load_delivered: { label: "A load was delivered", defaults: ["in_app"] },
  load_late: { label: "A load is late against its appointment", defaults: ["in_app", "email"] },
  temperature_out_of_range: {
    label: "A load's temperature is out of range",
    defaults: ["in_app", "email"],
  },
  invoice_overdue: { label: "An invoice went overdue", defaults: ["in_app", "digest"] },
  customer_over_credit: {
    label: "A customer is over its credit limit",
    defaults: ["in_app", "email"],
  },
  payment_received: { label: "A payment was received", defaults: ["in_app"] },
  invoice_disputed: {
    label: "A customer disputed an invoice line in the portal",
    defaults: ["in_app", "email"],
  },
  carrier_insurance_expiring: {
    label: "A carrier's insurance is expiring",
    defaults: ["in_app", "digest"],
  },
  mention: { label: "Someone mentioned you in a note", defaults: ["in_app", "email"] },
};

/** Whether `value` names an event kind. */
export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}
