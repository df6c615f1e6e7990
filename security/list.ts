/**
 * @module security/list
 * Reading the audit log back: newest first, filtered by action, user and days, paged by position
 * (`seq`), and the same filtered set as CSV or JSON for export. One zod schema serves the
 * Settings → Security page, the API and its OpenAPI document.
 */
import { dayStartIn } from "../domain/clock.ts";
import { daySchema } from "../domain/day.ts";
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { csvLine } from "../domain/records/csv.ts";
import { eventFromRow, type SecurityEvent } from "./chain.ts";

/** Where a filter's day begins (domain/clock.ts); the tests of this module check it here. */
export { dayStartIn };

const DAY = daySchema();

/** The filters and paging the page and the API accept. */
export const SecurityEventQuery = z.strictObject({
  action: z.string().trim().max(80).optional().meta({
    description: "Exact action (`auth.sign_in_failed`) or a prefix ending in a dot (`auth.`).",
  }),
  user: z.string().trim().max(254).optional().meta({
    description: "The actor's e-mail address (part of it) or user id.",
  }),
  from: DAY.optional().meta({ description: "First day (YYYY-MM-DD, workspace time zone)." }),
  to: DAY.optional().meta({ description: "Last day (YYYY-MM-DD, workspace time zone)." }),
  cursor: z.string().regex(/^\d{1,15}$/, "Use the next_cursor of the previous page.").optional(),
  limit: z.coerce.number().int("Use a whole number.").min(1).max(200).default(50),
});
export type SecurityEventFilters = z.output<typeof SecurityEventQuery>;

/** One entry as the API and the export show it (details parsed back into an object). */
export const SecurityEventJson = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: z.string().meta({ description: "ISO-8601 UTC instant" }),
  actor_user_id: z.string().nullable(),
  actor_email: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});
export type SecurityEventView = z.output<typeof SecurityEventJson>;

/** The stored entry as plain JSON. */
export function eventJson(e: SecurityEvent): SecurityEventView {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(e.details);
  } catch { /* altered beyond JSON: shown empty, verification names it */ }
  return {
    seq: e.seq,
    id: e.id,
    at: e.at,
    actor_user_id: e.actorUserId,
    actor_email: e.actorEmail,
    ip: e.ip,
    user_agent: e.userAgent,
    action: e.action,
    target: e.target,
    details,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

function whereOf(f: SecurityEventFilters, timeZone: string): { sql: string; args: string[] } {
  const clauses: string[] = [];
  const args: string[] = [];
  if (f.action) {
    if (f.action.endsWith(".")) {
      clauses.push("substr(action, 1, ?) = ?"), args.push(String(f.action.length), f.action);
    } else clauses.push("action = ?"), args.push(f.action);
  }
  if (f.user) {
    clauses.push("(actor_user_id = ? OR instr(lower(actor_email), lower(?)) > 0)");
    args.push(f.user, f.user);
  }
  if (f.from) clauses.push("at >= ?"), args.push(dayStartIn(f.from, timeZone).toISOString());
  if (f.to) {
    const next = new Date(Date.parse(`${f.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    clauses.push("at < ?"), args.push(dayStartIn(next, timeZone).toISOString());
  }
  return { sql: clauses.length ? clauses.join(" AND ") : "1 = 1", args };
}

/** One page of entries, newest first, and the cursor of the next page (null at the end). */
export async function listSecurityEvents(
  db: Pick<Client, "execute">,
  filters: SecurityEventFilters,
  timeZone: string,
): Promise<{ data: SecurityEventView[]; next_cursor: string | null }> {
  const where = whereOf(filters, timeZone);
  const cursor = filters.cursor ? " AND seq < ?" : "";
  const rs = await db.execute({
    sql: `SELECT * FROM security_events WHERE ${where.sql}${cursor} ORDER BY seq DESC LIMIT ?`,
    args: [...where.args, ...(filters.cursor ? [filters.cursor] : []), filters.limit + 1],
  });
  const rows = rs.rows.map(eventFromRow);
  const page = rows.slice(0, filters.limit);
  const more = rows.length > filters.limit;
  return { data: page.map(eventJson), next_cursor: more ? String(page.at(-1)!.seq) : null };
}

/** Every entry the filters select (no paging), newest first, for export; at most `max`. */
export async function exportSecurityEvents(
  db: Pick<Client, "execute">,
  filters: SecurityEventFilters,
  timeZone: string,
  max = 100_000,
): Promise<SecurityEventView[]> {
  const where = whereOf(filters, timeZone);
  const rs = await db.execute({
    sql: `SELECT * FROM security_events WHERE ${where.sql} ORDER BY seq DESC LIMIT ?`,
    args: [...where.args, max],
  });
  return rs.rows.map(eventFromRow).map(eventJson);
}

const CSV_COLUMNS = [
  "seq",
  "id",
  "at",
  "actor_user_id",
  "actor_email",
  "ip",
  "user_agent",
  "action",
  "target",
  "details",
  "prev_hash",
  "hash",
] as const;

const cellText = (value: unknown) =>
  value === null || value === undefined
    ? ""
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);

/** The entries as CSV with a header row; details as JSON in one column. */
export function securityEventsCsv(events: SecurityEventView[]): string {
  const lines = [csvLine([...CSV_COLUMNS])];
  for (const e of events) lines.push(csvLine(CSV_COLUMNS.map((k) => cellText(e[k]))));
  return lines.join("");
}
