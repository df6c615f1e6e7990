/**
 * @module domain/local_day_sql
 * The day a stored instant (an ISO timestamp in UTC such as `created_at`) falls on in the
 * workspace's time zone, as an SQL expression. SQLite knows no time zones, only fixed offsets,
 * and a zone's offset changes at its daylight-saving transitions; so the expression applies, for
 * each stretch between two transitions of the period asked about, that stretch's offset. A load
 * booked at 20:30 on March 31 in Chicago is a March load, though it is April 1 in UTC.
 *
 * Exact for instants from two days before `from` to two days after `to`. Outside that window the
 * nearest stretch's offset applies, which is off by at most a transition's hour: such an instant is
 * more than a day away from the period either way, so whether it is in it is still right.
 */

const DAY_MS = 86_400_000;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes `timeZone` is ahead of UTC at `ms` (Chicago in winter: -360). */
export function offsetMinutes(ms: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0; // "GMT": UTC itself
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}

interface Transition {
  /** The first millisecond at the new offset. */
  at: number;
  offset: number;
}

// A zone's transitions of a year, found once: ~365 offsets read and each change narrowed down.
const yearTransitions = new Map<string, Transition[]>();

function transitionsOf(timeZone: string, year: number): Transition[] {
  const key = `${timeZone}\u0000${year}`;
  const known = yearTransitions.get(key);
  if (known) return known;
  const found: Transition[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  let before = Date.UTC(year, 0, 1);
  let offset = offsetMinutes(before, timeZone);
  while (before < end) {
    const after = Math.min(before + DAY_MS, end);
    const next = offsetMinutes(after, timeZone);
    if (next !== offset) {
      // The change lies in (before, after]: narrow it to the minute (transitions fall on minutes).
      let lo = before;
      let hi = after;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetMinutes(mid, timeZone) === offset) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi, offset: next });
      offset = next;
    }
    before = after;
  }
  yearTransitions.set(key, found);
  return found;
}

/**
 * SQL giving the day (YYYY-MM-DD) in `timeZone` of `column`, a UTC ISO timestamp, for a period
 * from `from` to `to` (days). The text depends only on the zone's offsets over the period, so a
 * handful of texts serve all periods (prepared statements are kept by their text).
 */
export function localDaySql(column: string, timeZone: string, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`) - 2 * DAY_MS;
  const end = Date.parse(`${to}T00:00:00Z`) + 3 * DAY_MS;
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
    throw new RangeError(`Not a period: ${from} to ${to}`);
  }
  const shifted = (offset: number) =>
    `date(${column}, '${offset >= 0 ? "+" : ""}${offset} minutes')`;
  const changes: Transition[] = [];
  for (
    let year = new Date(start).getUTCFullYear();
    year <= new Date(end).getUTCFullYear();
    year++
  ) {
    for (const t of transitionsOf(timeZone, year)) if (t.at > start && t.at < end) changes.push(t);
  }
  const first = offsetMinutes(start, timeZone);
  if (!changes.length) return first === 0 ? `substr(${column}, 1, 10)` : shifted(first);
  let sql = "CASE";
  let offset = first;
  for (const t of changes) {
    sql += ` WHEN ${column} < '${new Date(t.at).toISOString()}' THEN ${shifted(offset)}`;
    offset = t.offset;
  }
  return `${sql} ELSE ${shifted(offset)} END`;
}
