/**
 * @module domain/clock
 * "Today" is a business fact, not a database function. One clock lives in `Services`; every due
 * date, aging bucket, overdue status, trial end and grace period asks it, and a business day is
 * the clock's instant read in the tenant's time zone (an invoice due on the 1st is overdue from
 * midnight on the 2nd in Chicago, not from 6 pm on the 1st, when UTC's date changes).
 *
 * Tests set the clock: a fixed one for a test that needs a given day, or `TEST_TODAY` for the
 * whole suite, which moves the clock to that day and lets it run on from there, so a test that
 * quietly depends on the calendar fails in CI rather than on a customer's day.
 */

/** Where the time comes from. */
export interface Clock {
  now(): Date;
}

/** The time zone a tenant gets when nothing else was chosen (the demo's and most brokers'). */
export const DEFAULT_TIME_ZONE = "America/Chicago";

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The system clock moved so that it reads `today` (a YYYY-MM-DD day) now, at the current UTC time
 * of day; it runs on from there, so timeouts and expiries still behave.
 */
export function shiftedClock(today: string): Clock {
  const ms = Date.parse(`${today}T00:00:00Z`);
  // Round-tripped: Date would run "2027-02-30" as March 2 without a word.
  if (
    !DAY_PATTERN.test(today) || Number.isNaN(ms) ||
    new Date(ms).toISOString().slice(0, 10) !== today
  ) {
    throw new Error(`Not a day: ${today} (use YYYY-MM-DD).`);
  }
  const real = new Date();
  const target = Date.parse(`${today}T${real.toISOString().slice(11)}`);
  const offset = target - real.getTime();
  return { now: () => new Date(Date.now() + offset) };
}

/** A clock that stands still at `instant` until moved: for tests of a particular day. */
export class FixedClock implements Clock {
  #ms: number;

  constructor(instant: string | Date) {
    this.#ms = new Date(instant).getTime();
    if (Number.isNaN(this.#ms)) throw new Error(`Not an instant: ${String(instant)}`);
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves the clock to `instant`. */
  set(instant: string | Date): void {
    this.#ms = new Date(instant).getTime();
  }

  /** Moves the clock on by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** The clock the environment asks for: `TEST_TODAY` when set, else the system clock. */
export function clockFromSetting(testToday: string | undefined): Clock {
  return testToday ? shiftedClock(testToday) : systemClock;
}

// Intl.DateTimeFormat costs ~20 µs to build and ~1 µs to use: one per time zone, kept.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats a date as YYYY-MM-DD.
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormats.set(timeZone, format);
  }
  return format;
}

// Every request asks for its tenant's day, and formatting one is most of a cached list's own
// time: the last answer per zone is kept for its minute. Days turn on whole minutes in every
// zone in use (offsets are whole quarter hours), so a minute never straddles two days.
const lastDay = new Map<string, { minute: number; day: string }>();

/** The calendar day (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function dayIn(instant: Date, timeZone: string): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  const last = lastDay.get(timeZone);
  if (last && last.minute === minute) return last.day;
  const day = dayFormat(timeZone).format(instant);
  lastDay.set(timeZone, { minute, day });
  return day;
}

const minuteFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock minute (YYYY-MM-DDTHH:MM) that `instant` shows in `timeZone`: the form a broker
 * types an appointment in, so an instant can be compared with one ("delivered 07:30 against an
 * 08:00 appointment" is on time in Chicago, though 13:30 UTC sorts after "08:00").
 */
export function minuteIn(instant: Date, timeZone: string): string {
  let format = minuteFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    minuteFormats.set(timeZone, format);
  }
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(instant)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/** The UTC instant at which `day` begins in `timeZone`. */
export function dayStartIn(day: string, timeZone: string): Date {
  const guess = Date.parse(`${day}T00:00:00Z`);
  const offsetAt = (ms: number) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(new Date(ms));
    const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const local = Date.UTC(
      n("year"),
      n("month") - 1,
      n("day"),
      n("hour"),
      n("minute"),
      n("second"),
    );
    return local - ms;
  };
  const first = guess - offsetAt(guess);
  const start = guess - offsetAt(first);
  if (dayIn(new Date(start), timeZone) === day) return new Date(start);
  // Midnight does not exist that day (clocks jumped from 23:59 to 01:00, as in Santiago): the day
  // begins at the jump, the first minute whose local day is `day`, at most a few hours on.
  let before = start;
  let after = start + 4 * 3_600_000;
  while (after - before > 60_000) {
    const mid = before + Math.floor((after - before) / 120_000) * 60_000;
    if (dayIn(new Date(mid), timeZone) < day) before = mid;
    else after = mid;
  }
  return new Date(after);
}

/** Today's business day in `timeZone` by `clock`. */
export function businessDay(clock: Clock, timeZone: string): string {
  return dayIn(clock.now(), timeZone);
}

/** Whether `name` is an IANA time zone this runtime knows (e.g. "America/Chicago"). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && name !== "UTC") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The time zones offered in forms: the runtime's list, or a short one if it has none. */
export function timeZoneChoices(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported("timeZone") : [];
  return zones.length ? zones : [DEFAULT_TIME_ZONE, "America/New_York", "UTC"];
}
