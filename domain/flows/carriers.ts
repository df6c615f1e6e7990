/**
 * @module domain/flows/carriers
 * The carrier picker of "book a load": each active carrier with its insurance standing on the
 * business day, the rate of its latest load (the usual starting point of a rate talk) and its
 * next pickup appointment, so the broker sees who is insured and busy before booking.
 */
import type { Executor } from "../../db/transaction.ts";

export type InsuranceStatus = "current" | "expiring" | "expired" | "unknown";

export interface CarrierChoice {
  id: string;
  name: string;
  mc_number: string | null;
  insurance_expires: string | null;
  insurance_status: InsuranceStatus;
  last_rate_cents: number | null;
  open_loads: number;
  next_appointment: string | null;
}

/** Insurance on `today`: expired before it, expiring within 30 days, current, or not on file. */
export function insuranceStatus(expires: string | null, today: string): InsuranceStatus {
  if (!expires) return "unknown";
  if (expires < today) return "expired";
  const soon = new Date(`${today}T00:00:00Z`);
  soon.setUTCDate(soon.getUTCDate() + 30);
  return expires <= soon.toISOString().slice(0, 10) ? "expiring" : "current";
}

/** Active carriers whose name, code or MC number contains `q`, by name; at most `limit`. */
export async function carrierChoices(
  db: Executor,
  today: string,
  q = "",
  limit = 50,
): Promise<CarrierChoice[]> {
  const like = `%${q.trim().replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
  const rs = await db.execute({
    sql: `SELECT c.id, c.name, c.mc_number, c.insurance_expires,
      (SELECT l.freight_cents FROM loads l WHERE l.carrier_id = c.id AND l.archived_at IS NULL
        AND l.freight_cents > 0 ORDER BY l.created_at DESC, l.id DESC LIMIT 1) AS last_rate_cents,
      (SELECT COUNT(*) FROM loads l WHERE l.carrier_id = c.id AND l.archived_at IS NULL
        AND l.status IN ('booked', 'dispatched', 'picked_up')) AS open_loads,
      (SELECT MIN(l.pickup_appointment) FROM loads l WHERE l.carrier_id = c.id
        AND l.archived_at IS NULL AND l.pickup_appointment >= ?) AS next_appointment
      FROM carriers c
      WHERE c.archived_at IS NULL AND (c.name LIKE ? ESCAPE '\\' OR c.code LIKE ? ESCAPE '\\'
        OR c.mc_number LIKE ? ESCAPE '\\')
      ORDER BY c.name COLLATE NOCASE LIMIT ?`,
    args: [today, like, like, like, Math.min(Math.max(limit, 1), 200)],
  });
  return rs.rows.map((r) => {
    const expires = r.insurance_expires === null ? null : String(r.insurance_expires);
    return {
      id: String(r.id),
      name: String(r.name),
      mc_number: r.mc_number === null ? null : String(r.mc_number),
      insurance_expires: expires,
      insurance_status: insuranceStatus(expires, today),
      last_rate_cents: r.last_rate_cents === null ? null : Number(r.last_rate_cents),
      open_loads: Number(r.open_loads),
      next_appointment: r.next_appointment === null ? null : String(r.next_appointment),
    };
  });
}
