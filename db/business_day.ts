/**
 * @module db/business_day
 * SQL that needs "today" (an invoice's overdue status, days past due, a customer's oldest unpaid
 * invoice) writes `{{business_day}}` where SQLite's `date('now')` would go. The tenant's database
 * handle replaces it with the tenant's business day as a date literal on every statement, so the
 * day follows the clock in Services and the tenant's time zone, never the database server's UTC.
 * A statement that reaches a database with no business day bound fails on the placeholder (a
 * syntax error) instead of silently using another day.
 */
import type { InStatement } from "@libsql/client";

/** What SQL writes for the tenant's business day (a quoted 'YYYY-MM-DD' once bound). */
export const BUSINESS_DAY = "{{business_day}}";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `stmt` with the business day put in for the placeholder (unchanged when it has none). */
export function withBusinessDay<T extends InStatement | string>(stmt: T, day: () => string): T {
  const sql = typeof stmt === "string" ? stmt : stmt.sql;
  if (!sql.includes(BUSINESS_DAY)) return stmt;
  const today = day();
  // The day is spliced into SQL text, so it must be exactly a date and nothing else.
  if (!DAY.test(today)) throw new Error(`Bad business day: ${today}`);
  const bound = sql.replaceAll(BUSINESS_DAY, `'${today}'`);
  return (typeof stmt === "string" ? bound : { ...(stmt as object), sql: bound }) as T;
}
