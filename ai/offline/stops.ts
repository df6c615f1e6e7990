/**
 * @module ai/offline/stops
 * Appointments from a rate confirmation's stop blocks: a heading naming a stop ("STOP 1 -
 * SHIPPER", "Pick-up", "Consignee", "Drop 2") with its facility, date and time printed under it
 * in its column, or a row of a stops table ("1  Pickup  <facility>  12 Dec 2026  07:00 - 09:00").
 * The first pickup's date and time is the pickup appointment, the last delivery's the delivery
 * appointment. One pass over the lines, a few lines read under each heading.
 */
import type { Line } from "./layout.ts";
import { findDate, parseDate, parseTime } from "./values.ts";

const PICKUP = /^(?:stop\s*#?\s*\d+\s*[-–:]?\s*)?(pick[\s-]?up|shipper|origin|loading|load at)\b/i;
const DELIVERY =
  /^(?:stop\s*#?\s*\d+\s*[-–:]?\s*)?(deliver(y|ies)?|consignee|receiver|destination|drop|unload(ing)?)\b/i;
const STOP_ONLY = /^stop\s*#?\s*(\d+)\b/i;
/**
 * The stop codes of carriers' and brokers' load sheets, a cell of their own in capitals ("PU",
 * "PU2", "P/U", "DEL", "DL 1", "CONS"): case kept, so that a name beginning "Del ..." is no code.
 */
const PICKUP_CODE = /^(PU|P\/U|PK|PKUP)\s*#?\s*\d{0,2}$/;
const DELIVERY_CODE = /^(DEL|DL|DLV|D\/O|CONS)\s*#?\s*\d{0,2}$/;

type Kind = "pickup" | "delivery";

/** The kind of stop a heading cell names, if it is a heading (short, no date in it). */
function stopKind(text: string): Kind | null {
  // A code with its stop's date in the same cell ("DEL 12/11/2026 1500"): a stops table's row.
  const rest = text.trim();
  const code = /^[A-Z/]+(?:\s*#\s*\d{1,2}|\d{1,2})?(?=\s)/.exec(rest)?.[0] ?? "";
  if (findDate(rest) && /^\s+\d/.test(rest.slice(code.length))) {
    if (PICKUP_CODE.test(code)) return "pickup";
    if (DELIVERY_CODE.test(code)) return "delivery";
  }
  if (text.length > 40 || /:\s*\S/.test(text) || findDate(text)) return null;
  if (PICKUP_CODE.test(text.trim())) return "pickup";
  if (DELIVERY_CODE.test(text.trim())) return "delivery";
  // A bilingual heading ("Livraison / Delivery:"): any of its parts.
  for (const part of text.split(/\s*\/\s*/)) {
    if (PICKUP.test(part)) return "pickup";
    if (DELIVERY.test(part)) return "delivery";
  }
  return null;
}

/** A date and its time in a short text ("Date: 12/07/2026  Time: 06:00-08:00"). */
function dateTime(text: string): { date: string; time: string | null } | null {
  const re =
    /(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}[ -][A-Za-z]{3,9}\.?[ -]\d{2,4})/;
  const m = re.exec(text);
  const date = m ? parseDate(m[1]!) : null;
  if (!m || !date) return null;
  const time = parseTime(text.slice(m.index + m[0].length), { afterDate: true });
  return { date, time };
}

export interface Stops {
  pickup?: string;
  delivery?: string;
}

/** The pickup and delivery appointments the stop blocks or rows give, as YYYY-MM-DDTHH:MM. */
export function readStops(lines: Line[]): Stops {
  const found: Array<{ kind: Kind; at: string }> = [];
  const stopNumbers: Array<{ n: number; at: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.cells;
    // A stops table's row: a cell naming the kind and a date on the same line.
    const rowKind = cells.slice(0, 3).map((c) => stopKind(c.text)).find(Boolean);
    const rowDate = rowKind ? dateTime(cells.map((c) => c.text).join("   ")) : null;
    if (rowKind && rowDate) {
      found.push({ kind: rowKind, at: `${rowDate.date}T${rowDate.time ?? "00:00"}` });
      continue;
    }
    // Headings: each reads the cells under it, in its column, up to the next heading.
    const heads = cells.map((c, k) => ({ c, k, kind: stopKind(c.text) }))
      .filter((h) => h.kind || STOP_ONLY.test(h.c.text) && h.c.text.length <= 30);
    if (!heads.length) continue;
    for (const [h, head] of heads.entries()) {
      const from = head.c.start - 2;
      const to = heads[h + 1]?.c.start ?? Infinity;
      let when: { date: string; time: string | null } | null = null;
      for (let j = i + 1; j < Math.min(lines.length, i + 7) && !when; j++) {
        const inColumn = lines[j]!.cells.filter((c) => c.start >= from && c.start < to - 1);
        if (inColumn.some((c) => stopKind(c.text) || STOP_ONLY.test(c.text))) break;
        when = dateTime(inColumn.map((c) => c.text).join("   "));
      }
      if (!when) continue;
      const at = `${when.date}T${when.time ?? "00:00"}`;
      if (head.kind) found.push({ kind: head.kind, at });
      else stopNumbers.push({ n: Number(STOP_ONLY.exec(head.c.text)![1]), at });
    }
  }
  const out: Stops = {};
  const pickups = found.filter((f) => f.kind === "pickup");
  const deliveries = found.filter((f) => f.kind === "delivery");
  if (pickups[0]) out.pickup = pickups[0].at;
  if (deliveries.length) out.delivery = deliveries[deliveries.length - 1]!.at;
  // Numbered stops alone: the first is the pickup, the last the delivery.
  if (!found.length && stopNumbers.length >= 2) {
    stopNumbers.sort((a, b) => a.n - b.n);
    out.pickup = stopNumbers[0]!.at;
    out.delivery = stopNumbers[stopNumbers.length - 1]!.at;
  }
  return out;
}
