/**
 * @module notifications/from_changes
 * The notifications that changes to records raise, worked out after the write commits (the live
 * hub's commit watchers): a load picked up or delivered (and late against its appointment), a
 * load's temperature out of range of its set-point, a payment received, a customer over its
 * credit limit after an order or invoice, a carrier's insurance about to expire; and a document's
 * reading finished or failed (the document job asks, documentOutcome below). Each carries a dedupe
 * key, so the same fact is told once however many times it is heard.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { businessDay, minuteIn } from "../domain/clock.ts";
import { creditStanding } from "../domain/rules/credit.ts";
import type { LiveEvent } from "./changes_since.ts";
import { type NotificationEvent, notify } from "./mod.ts";

/** Degrees (°F) a load may read away from its reefer set-point before anyone is told. */
export const TEMPERATURE_TOLERANCE_F = 5;
/** Days ahead of its expiry that a carrier's insurance counts as expiring. */
export const INSURANCE_NOTICE_DAYS = 30;

type Row = Record<string, unknown>;
type Changes = Record<string, [unknown, unknown]>;

async function one(db: Client, sql: string, args: Array<string | null>): Promise<Row | null> {
  const rs = await db.execute({ sql, args });
  return (rs.rows[0] as Row | undefined) ?? null;
}

/**
 * Whether a load moved at `at` (an instant) is late against `appointment`, which is the wall clock
 * of the workspace's time zone as the broker typed it ("2026-11-21T08:00", or a day alone). The
 * instant is read on that wall clock first: 13:30 UTC is 07:30 in Chicago, on time for 08:00.
 */
function late(appointment: unknown, at: string, timeZone: string): boolean {
  if (typeof appointment !== "string" || appointment === "") return false;
  const instant = new Date(at);
  if (Number.isNaN(instant.getTime())) return false;
  const local = minuteIn(instant, timeZone);
  return local.slice(0, appointment.length) > appointment;
}

/**
 * Events of a load change: picked up, delivered, late, temperature. `at` is the change's instant,
 * `timeZone` the workspace's (appointments are its wall-clock times).
 */
export function loadEvents(
  load: Row,
  changes: Changes,
  at: string,
  timeZone: string,
): NotificationEvent[] {
  const id = String(load.id);
  const number = String(load.number);
  const link = `/loads/${id}`;
  const entity = { collection: "loads", id };
  const out: NotificationEvent[] = [];
  const status = changes.status?.[1];
  if (status === "picked_up" || status === "delivered") {
    const pickedUp = status === "picked_up";
    out.push({
      kind: pickedUp ? "load_picked_up" : "load_delivered",
      title: {
        key: pickedUp ? "notice.load_picked_up" : "notice.load_delivered",
        args: { number },
      },
      link,
      entity,
      dedupeKey: `${status}:${id}`,
    });
    const appointment = pickedUp ? load.pickup_appointment : load.delivery_appointment;
    if (late(appointment, at, timeZone)) {
      out.push({
        kind: "load_late",
        title: {
          key: pickedUp ? "notice.load_picked_up_late" : "notice.load_delivered_late",
          args: { number },
        },
        body: {
          key: pickedUp ? "notice.pickup_appointment_was" : "notice.delivery_appointment_was",
          args: { appointment: { dateTime: String(appointment) } },
        },
        link,
        entity,
        dedupeKey: `late:${status}:${id}`,
      });
    }
  }
  const setpoint = load.setpoint_temp_f;
  for (const field of ["pickup_temp_f", "delivery_temp_f"] as const) {
    const value = load[field];
    if (!(field in changes) || value === null || setpoint === null) continue;
    if (Math.abs(Number(value) - Number(setpoint)) <= TEMPERATURE_TOLERANCE_F) continue;
    out.push({
      kind: "temperature_out_of_range",
      title: {
        key: field === "pickup_temp_f"
          ? "notice.temperature_at_pickup"
          : "notice.temperature_at_delivery",
        args: { number, value: Number(value) },
      },
      body: {
        key: "notice.set_point",
        args: { setpoint: Number(setpoint), tolerance: TEMPERATURE_TOLERANCE_F },
      },
      link,
      entity,
      dedupeKey: `temperature:${id}:${field}:${value}`,
    });
  }
  return out;
}

/** Whether an insurance expiry date falls within the notice window of `today`. */
export function insuranceExpiring(expires: unknown, today: string): boolean {
  if (typeof expires !== "string" || !expires) return false;
  const limit = new Date(Date.parse(`${today}T00:00:00Z`) + INSURANCE_NOTICE_DAYS * 86_400_000);
  return expires <= limit.toISOString().slice(0, 10);
}

async function eventsOf(
  db: Client,
  event: LiveEvent,
  today: string,
  timeZone: string,
): Promise<NotificationEvent[]> {
  if (event.kind !== "record" || event.action === "delete") return [];
  const audit = await one(db, "SELECT changes FROM audit_log WHERE id = ?", [event.key.slice(2)]);
  const changes = JSON.parse(String(audit?.changes ?? "{}")) as Changes;
  switch (event.collection) {
    case "loads": {
      const load = await one(
        db,
        `SELECT id, number, pickup_appointment, delivery_appointment, setpoint_temp_f,
           pickup_temp_f, delivery_temp_f FROM loads WHERE id = ?`,
        [event.id],
      );
      return load ? loadEvents(load, changes, event.at, timeZone) : [];
    }
    case "payments": {
      if (event.action !== "create") return [];
      const p = await one(
        db,
        "SELECT id, direction, amount_cents, reference FROM payments WHERE id = ?",
        [event.id],
      );
      if (!p || p.direction !== "receivable") return [];
      return [{
        kind: "payment_received",
        title: {
          key: "notice.payment_received",
          args: { amount: { money: Number(p.amount_cents) } },
        },
        body: p.reference
          ? { key: "notice.payment_reference", args: { reference: String(p.reference) } }
          : "",
        link: `/payments/${p.id}`,
        entity: { collection: "payments", id: String(p.id) },
        dedupeKey: `payment:${p.id}`,
      }];
    }
    case "sales-orders":
    case "invoices": {
      const table = event.collection === "invoices" ? "invoices" : "sales_orders";
      const row = await one(db, `SELECT customer_id FROM ${table} WHERE id = ?`, [event.id]);
      if (!row?.customer_id) return [];
      const standing = await creditStanding(db, String(row.customer_id), null);
      if (standing.limitCents === null || standing.exposureCents <= standing.limitCents) return [];
      return [{
        kind: "customer_over_credit",
        title: { key: "notice.over_credit", args: { name: String(standing.name) } },
        body: {
          key: "notice.over_credit_exposure",
          args: {
            amount: { money: standing.exposureCents },
            limit: { money: standing.limitCents },
          },
        },
        link: `/customers/${row.customer_id}`,
        entity: { collection: "customers", id: String(row.customer_id) },
        dedupeKey: `credit:${row.customer_id}:${today}`,
      }];
    }
    case "carriers": {
      if (!("insurance_expires" in changes)) return [];
      const c = await one(db, "SELECT id, name, insurance_expires FROM carriers WHERE id = ?", [
        event.id,
      ]);
      if (!c || !insuranceExpiring(c.insurance_expires, today)) return [];
      return [insuranceEvent(c)];
    }
    default:
      return [];
  }
}

/** The notification of a carrier whose insurance expires soon (or has expired). */
export function insuranceEvent(carrier: Row): NotificationEvent {
  return {
    kind: "carrier_insurance_expiring",
    title: {
      key: "notice.insurance_expires",
      args: { name: String(carrier.name), date: { date: String(carrier.insurance_expires) } },
    },
    body: { key: "notice.insurance_body" },
    link: `/carriers/${carrier.id}`,
    entity: { collection: "carriers", id: String(carrier.id) },
    dedupeKey: `insurance:${carrier.id}:${carrier.insurance_expires}`,
  };
}

/** The commit watcher that raises these notifications (services.ts adds it to the live hub). */
export function notifyFromChanges(services: Services) {
  return async (tenantId: string, events: LiveEvent[]): Promise<void> => {
    const lease = services.pool.tryAcquire(tenantId);
    if (!lease) return; // evicted meanwhile: nobody is working in this workspace right now
    try {
      const timeZone = services.registry.timeZoneOf(tenantId);
      const today = businessDay(services.clock, timeZone);
      for (const event of events) {
        for (const raised of await eventsOf(lease.db, event, today, timeZone)) {
          await notify({ services, tenantId, db: lease.db }, { ...raised, actorId: event.userId });
        }
      }
    } finally {
      lease.release();
    }
  };
}

/** Tells members a document finished reading or failed (the document job calls it after a run). */
export async function documentOutcome(
  services: Services,
  tenantId: string,
  db: Client,
  documentId: string,
): Promise<void> {
  const doc = await one(db, "SELECT id, name, status, status_message FROM documents WHERE id = ?", [
    documentId,
  ]);
  if (!doc) return;
  const failed = doc.status === "failed" || doc.status === "needs_ocr";
  if (!failed && doc.status !== "review") return;
  await notify({ services, tenantId, db }, {
    kind: failed ? "document_failed" : "document_read",
    title: {
      key: failed ? "notice.document_failed" : "notice.document_read",
      args: { name: String(doc.name) },
    },
    body: failed ? String(doc.status_message ?? "") : "",
    link: `/documents/${doc.id}`,
    entity: { collection: "documents", id: String(doc.id) },
    dedupeKey: `document:${doc.id}:${doc.status}`,
  });
}
