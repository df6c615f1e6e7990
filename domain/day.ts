/**
 * @module domain/day
 * A calendar day as the API and forms take it: YYYY-MM-DD, and a day that exists. The pattern
 * alone lets 2027-02-30 or 0000-00-00 through, which `Date` would roll over into another day (or
 * nothing) and a report would then bucket by: such a day is refused instead.
 */
import { z } from "zod";

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a YYYY-MM-DD day of the calendar (2028-02-29 yes, 2027-02-29 no). */
export function isRealDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/** The zod schema of such a day, with the API's wording. */
export function daySchema() {
  return z.string().regex(DAY_PATTERN, "Use a date like 2026-03-31.").refine(
    isRealDay,
    "That date does not exist.",
  );
}
