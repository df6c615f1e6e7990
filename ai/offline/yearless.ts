/**
 * @module ai/offline/yearless
 * Labelled dates printed without their year: a load sheet's "Pickup: 12/08 0800", an order's
 * "Ship: Dec 15", a confirmation's "Delivery Date: 10 Dec 1400". The value is no full date, so the
 * labelled reading (fields.ts) leaves the field empty; a clerk gives it the year that puts it
 * nearest the document's own date (the earliest full date on the page), as for dates in sentences
 * (sentences.ts). Only fields still empty, only under a label naming that field (not the bare
 * "Date"), and never with no full date on the page. Found so, a value is at 0.7 (a loose label
 * 0.6), under the highlight threshold, with the reason "year from the document's dates".
 */
import type { Classification, DraftValue } from "../../domain/documents/draft.ts";
import type { Candidate } from "./pairs.ts";
import type { Line } from "./layout.ts";
import { FIELD_CONCEPTS } from "./fields.ts";
import { CONCEPTS } from "./vocabulary.ts";
import { findDate, monthOf, parseTime } from "./values.ts";
import { MONTH_NAMES, withYear } from "./sentences.ts";

const APPOINTMENT = /appointment$/;
/** A year right after a month and day: then the date is a full one, read elsewhere. */
const YEAR_NEXT = /^\.?,?\s*(?:19|20)\d{2}\b/;

/** A month and day at the start of `value` with no year after it, as MM-DD, and what follows. */
export function monthDay(
  value: string,
  opts: { dayFirst?: boolean } = {},
): { md: string; rest: string } | null {
  const t = value.trim().replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+/i, "");
  let month: number | undefined;
  let day: number;
  let rest: string;
  let m = /^(\d{1,2})\/(\d{1,2})(?![\d/])/.exec(t);
  if (m) {
    const [a, b] = [+m[1]!, +m[2]!];
    [month, day] = opts.dayFirst || a > 12 ? [b, a] : [a, b];
  } else if ((m = /^(\p{L}{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b/u.exec(t))) {
    [month, day] = [monthOf(m[1]!), +m[2]!];
  } else if ((m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-](\p{L}{3,9})\b\.?/u.exec(t))) {
    [month, day] = [monthOf(m[2]!), +m[1]!];
  } else return null;
  rest = t.slice(m[0].length);
  if (!month || month > 12 || day < 1 || day > 31 || YEAR_NEXT.test(rest)) return null;
  // A month's name or its abbreviation, not a word that begins like one ("Marks 12").
  const word = (/\p{L}+/u.exec(m[0])?.[0] ?? "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  if (word && !MONTH_NAMES.some((n) => n.startsWith(word))) return null;
  rest = rest.trim();
  return { md: `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`, rest };
}

/**
 * The date fields of kind `type` still empty in `fields` that a labelled date without its year
 * gives (see the module header).
 */
export function yearlessDates(
  type: Classification,
  lines: Line[],
  candidates: Candidate[],
  fields: Record<string, DraftValue>,
  opts: { dayFirst?: boolean } = {},
): Record<string, DraftValue & { why: string }> {
  const out: Record<string, DraftValue & { why: string }> = {};
  const near = lines.map((l) => findDate(l.text)).filter((d): d is string => d !== null).sort()[0];
  if (!near) return out;
  for (const [field, concepts] of Object.entries(FIELD_CONCEPTS[type] ?? {})) {
    // The field's own label only: the bare "Date" names no particular date.
    const concept = concepts[0]!;
    if (fields[field] || CONCEPTS[concept].kind !== "date") continue;
    for (const c of candidates) {
      if (!c.concepts.includes(concept)) continue;
      const found = monthDay(c.value, opts);
      const date = found ? withYear(found.md, near, null) : null;
      if (!found || !date) continue;
      const time = APPOINTMENT.test(field) ? parseTime(found.rest, { afterDate: true }) : null;
      out[field] = {
        value: APPOINTMENT.test(field) ? `${date}T${time ?? "00:00"}` : date,
        confidence: c.strength < 1 ? 0.6 : 0.7,
        why: "year from the document's dates",
      };
      break;
    }
  }
  return out;
}
