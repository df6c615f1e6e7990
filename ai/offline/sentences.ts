/**
 * @module ai/offline/sentences
 * Dates a document gives in its running text rather than beside a label: "the balance is due by
 * Jan. 14th", "please pay on or before 14 January 2027", "pickup scheduled for Tuesday, March 3rd
 * at 6 AM", "Delivered 12/09 @ 0615". A clerk reads them as the due date or the appointment when
 * the form has no field of its own for that date; so does the reader, and only then (a labelled
 * value, or one found by position, always wins, except a date read under the page's bare "Date"
 * label, which says nothing of which date it is: a sentence naming the event replaces it).
 *
 * A sentence gives a date to a field when, in one sentence, a word of what happens (paying;
 * picking up, loading, shipping; delivering, arriving, unloading) comes before the date and a word
 * that fixes a day comes just before it (by, on, before, no later than, for, until; antes del, le,
 * avant le): "due within 30 days of 01/05/2027" names no due date. The event's own word right
 * before the date fixes the day too, in a sentence or in a note of its own ("the driver loads
 * Tuesday, March 3rd", "Pickup 12/08 at 0900"). A month and day with a slash and no year ("12/08")
 * counts when a time, a stop or the next clause follows it, not a noun ("1/2 pallet" is a
 * fraction). A date without its year ("Jan. 14th", "12/08") takes the year that puts it nearest
 * the earliest full date on the page (the document's own date: a delivery noted the day before a
 * receipt printed in January is December's, a payment asked for in February on a December invoice
 * is next year's), and the weekday, when printed, must agree; with no full date on the page it is
 * left alone. A time after the date ("at 6 AM", "@ 0600", "by 1600") is the appointment's time.
 * Found so, a value is at 0.65, under the highlight threshold, with the reason "read from a
 * sentence".
 */
import type { Classification, DraftValue } from "../../domain/documents/draft.ts";
import type { Line } from "./layout.ts";
import { findDate, monthOf, parseDate, parseTime } from "./values.ts";

type Event = "due" | "pickup" | "delivery";

/** Per kind, the field each event's date fills. */
const FIELD: Partial<Record<Classification, Partial<Record<Event, string>>>> = {
  purchase_order: { pickup: "pickup_date" },
  sales_confirmation: { pickup: "pickup_date" },
  bill_of_lading: { pickup: "pickup_appointment" },
  proof_of_delivery: { delivery: "delivery_appointment" },
  rate_confirmation: { pickup: "pickup_appointment", delivery: "delivery_appointment" },
  invoice: { due: "due_date", pickup: "ship_date" },
  carrier_invoice: { due: "due_date" },
  supplier_invoice: { due: "due_date" },
};

/** Words of what happens on the day, English, Spanish and French (stems). */
const EVENTS: Array<[Event, RegExp]> = [
  [
    "due",
    /\b(due|payable|pay|paid|payment|remit|remittance|settle|settled|settlement|vence|vencimiento|pago|pagar|pagadero|payer|paiement|payable|echeance|regler|reglement)\b/gi,
  ],
  [
    "pickup",
    /\b(pick\s*-?\s*up|picked|collect|collection|load|loads|loaded|loading|ship|ships|shipped|shipping|dispatch|recoger|recogida|recoleccion|carga|cargar|embarque|enlevement|chargement|ramassage)\b/gi,
  ],
  [
    "delivery",
    /\b(deliver|delivers|delivered|delivering|delivery|arrive|arrives|arrived|arriving|arrival|unload|unloading|drop|entrega|entregar|llegada|livraison|livrer|arrivee)\b/gi,
  ],
];

/** Words that fix a day, right before the date. */
const FIXES =
  /\b(by|on|before|for|until|till|than|latest|no later than|el|le|antes del?|hasta el|para el|avant le|au plus tard le|d'ici le|jusqu'au)\s*[,:]?\s*$/i;

const WEEKDAY =
  "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche";
const WEEKDAYS: Array<[RegExp, number]> = [
  [/^(sun|domingo|dimanche)/i, 0],
  [/^(mon|lunes|lundi)/i, 1],
  [/^(tue|martes|mardi)/i, 2],
  [/^(wed|mi[eé]rcoles|mercredi)/i, 3],
  [/^(thu|jueves|jeudi)/i, 4],
  [/^(fri|viernes|vendredi)/i, 5],
  [/^(sat|s[aá]bado|samedi)/i, 6],
];

const ORD = "(?:st|nd|rd|th|er|o|º)?";
const DATES = new RegExp(
  [
    // A full numeric date.
    String.raw`(?<num>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))`,
    // A month and day with a slash and no year ("12/08"), not part of a longer number or date.
    String.raw`(?<![\d/.,])(?<nmd>\d{1,2}\/\d{1,2})(?![\d/]|[.,]\d)`,
    // "Tuesday, March 3rd", "Jan. 14th, 2027".
    String
      .raw`(?:(?<wd1>${WEEKDAY})\.?,?\s+)?(?<mon1>\p{L}{3,10})\.?\s+(?<day1>\d{1,2})${ORD}(?:,?\s+(?<yr1>(?:19|20)\d{2}))?`,
    // "14 January 2027", "jeudi 4 mars", "3 de marzo de 2027".
    String
      .raw`(?:(?<wd2>${WEEKDAY})\.?,?\s+)?(?<day2>\d{1,2})${ORD}\s+(?:de\s+)?(?<mon2>\p{L}{3,10})\.?(?:,?\s+(?:de\s+)?(?<yr2>(?:19|20)\d{2}))?`,
  ].map((s) => `(?:${s})`).join("|"),
  "giu",
);

export const MONTH_NAMES = (
  "january february march april may june july august september october november december " +
  "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre " +
  "diciembre janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
).split(" ");

/** A sentence's end: a stop after a word that is no abbreviation ("Jan.", "Inc."), or a gap. */
const SENTENCE_END =
  /(?<!\b(?:[a-z]|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|no|nr|inc|co|ltd|mr|mrs|ms|dr|st|ave))[.!?;]\s+|\s{3,}/i;

interface Said {
  event: Event;
  /** YYYY-MM-DD, or MM-DD when no year was printed. */
  date: string;
  weekday: number | null;
  time: string | null;
}

/** The date a sentence gives at match `m` of `text`, or null (see the module header). */
function saidAt(text: string, m: RegExpExecArray, opts: { dayFirst?: boolean }): Said | null {
  const g = m.groups!;
  let date: string | null = null;
  if (g.num) date = parseDate(g.num, opts);
  else if (g.nmd) {
    const [a, b] = g.nmd.split("/").map(Number) as [number, number];
    // Month first as in the US, unless the document is day-first or the first number is no month.
    const [month, day] = opts.dayFirst || a > 12 ? [b, a] : [a, b];
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    // A fraction is followed by what it counts ("1/2 pallet"); a date by a time, a stop, or
    // the sentence's next clause.
    const next = text.slice(m.index + m[0].length);
    if (!/^\s*(?:$|[,;.)@\-–]|(?:at|by|from|between|to|and|a las|à)\b|\d)/i.test(next)) {
      return null;
    }
    date = `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  } else {
    const word = g.mon1 ?? g.mon2 ?? "";
    const day = Number(g.day1 ?? g.day2);
    // A month's name or its abbreviation, not a word that begins like one ("Augusta", "mardi").
    const bare = word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    const month = monthOf(word);
    if (!month || !MONTH_NAMES.some((n) => n.startsWith(bare)) || day < 1 || day > 31) {
      return null;
    }
    const year = g.yr1 ?? g.yr2;
    const md = `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    date = year ? parseDate(`${year}-${md}`) : md;
  }
  if (!date) return null;
  // The sentence so far: from the last full stop (not an abbreviation's) before the date.
  const sentence = text.slice(0, m.index).split(SENTENCE_END).pop()!;
  // The event named last before the date is the one the date is for.
  let event: Event | null = null;
  let at = -1;
  let end = -1;
  const plain = sentence.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  for (const [name, words] of EVENTS) {
    for (const e of plain.matchAll(words)) {
      if (e.index! > at) [event, at, end] = [name, e.index!, e.index! + e[0].length];
    }
  }
  if (!event) return null;
  // A word fixing the day right before the date, or the event's own word right before it, in a
  // sentence ("the driver loads Tuesday, March 3rd") or a note of its own ("Delivered 12/09 @
  // 0615", "Pickup 12/08 at 0900"): the event names which date it is.
  const eventLast = !plain.slice(end).trim();
  if (!FIXES.test(sentence) && !eventLast) return null;
  const wd = g.wd1 ?? g.wd2;
  const weekday = wd ? WEEKDAYS.find(([day]) => day.test(wd))?.[1] ?? null : null;
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 24);
  const time = /^\s*(?:at|@|by|from|between|a las|à|,)?\s*\d/i.test(after)
    ? parseTime(after.replace(/[.,;!?]+(?=\s|$)/g, " "), { afterDate: true })
    : null;
  return { event, date, weekday, time };
}

/** The dates a line's sentences give for an event, in reading order. */
export function datesSaid(text: string, opts: { dayFirst?: boolean } = {}): Said[] {
  const out: Said[] = [];
  const re = new RegExp(DATES.source, DATES.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const said = saidAt(text, m, opts);
    if (said) out.push(said);
    // A word before a number was tried as a month ("before 3"): the scan goes on from the next
    // character, so that "3 February" is still found.
    else re.lastIndex = m.index + 1;
  }
  return out;
}

/**
 * A month and day with no year, in the year that puts it nearest the document's date `near`
 * (a delivery noted the day before a receipt was printed is that year's, a payment asked for in
 * January on a December invoice next year's); a printed weekday must agree.
 */
export function withYear(md: string, near: string, weekday: number | null): string | null {
  const year = Number(near.slice(0, 4));
  const days = (d: string) =>
    Math.abs(Date.parse(`${d}T00:00:00Z`) - Date.parse(`${near}T00:00:00Z`));
  const d = [year - 1, year, year + 1].map((y) => parseDate(`${y}-${md}`))
    .filter((x): x is string => x !== null).sort((a, b) => days(a) - days(b))[0];
  if (!d) return null;
  if (weekday !== null && new Date(`${d}T00:00:00Z`).getUTCDay() !== weekday) return null;
  return d;
}

/**
 * The fields of kind `type` still empty in `fields` that a sentence of the document gives a date
 * for (see the module header).
 */
export function sentenceDates(
  type: Classification,
  lines: Line[],
  fields: Record<string, DraftValue>,
  opts: { dayFirst?: boolean } = {},
): Record<string, DraftValue & { why: string }> {
  const map = FIELD[type] ?? {};
  const out: Record<string, DraftValue & { why: string }> = {};
  // A date read under the page's bare "Date" label says nothing of which date it is: a sentence
  // naming the event ("Delivered 12/09 @ 0615") is the better reading of that field.
  const free = (f: string) => !fields[f] || /generic label/.test(fields[f]!.why ?? "");
  const open = Object.values(map).filter(free);
  if (!open.length) return out;
  // The earliest full date on the page (the document's own date): the year of a date printed
  // without one is the one nearest it.
  const full = lines.map((l) => findDate(l.text)).filter((d): d is string => d !== null).sort();
  for (const line of lines) {
    for (const said of datesSaid(line.text, opts)) {
      const field = map[said.event];
      if (!field || !free(field) || out[field]) continue;
      let date: string | null = said.date;
      let why = "read from a sentence";
      if (date.length === 5) {
        date = full[0] ? withYear(date, full[0], said.weekday) : null;
        why += "; year from the document's dates";
      }
      if (!date) continue;
      const value = field.endsWith("appointment") ? `${date}T${said.time ?? "00:00"}` : date;
      out[field] = { value, confidence: 0.65, why };
    }
  }
  return out;
}
