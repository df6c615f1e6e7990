/**
 * @module assistant/intents
 * The offline assistant's understanding: a question in plain words becomes one of a fixed set of
 * read-only questions with parameters (a period, a number of days, an EST number, a name).
 * Nothing in the message can become SQL or a write: it only selects and fills one of these.
 */

import { fromSpanish } from "./spanish.ts";

export type Intent =
  | { kind: "overdue_invoices"; minDays: number }
  | { kind: "aging" }
  | { kind: "margin"; from: string; to: string; label: string }
  | {
    kind: "top_parties";
    by: "customer" | "supplier";
    measure: "margin" | "sales";
    from: string;
    to: string;
    label: string;
  }
  | { kind: "supplier_by_est"; est: string; protein: string | null }
  | { kind: "carrier_open_loads"; carrier: string }
  | { kind: "customer_balance"; customer: string }
  | { kind: "vendor_payables"; vendor: string | null }
  | { kind: "open_purchase_orders" }
  | { kind: "expiring_insurance" }
  | { kind: "search"; text: string };

export const PROTEINS = ["beef", "pork", "chicken", "turkey", "lamb", "fish", "horse"];

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/**
 * The month a question names, by index (0 = January), or -1. "May" is also a verb: "May I see my
 * margin this quarter?" names no month, so "may" before a pronoun or opening the question is not
 * one.
 */
function monthNamed(t: string): number {
  return MONTHS.findIndex((m) =>
    m === "may"
      ? /\bmay\b/.test(t.replace(/^\W*may\b|\bmay\s+(i|we|you|they|he|she|it)\b/g, ""))
      : new RegExp(`\\b${m}\\b`).test(t)
  );
}

/** The last day of a month (1-12) of a year. */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period a question names ("last week", "this month", "in October", "last 30 days"). */
export function periodOf(text: string, today: string): { from: string; to: string; label: string } {
  const t = text.toLowerCase();
  const monday = (() => {
    const d = new Date(`${today}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return iso(d);
  })();
  const lastN = /last\s+([1-9]\d{0,2})\s+days?/.exec(t);
  if (lastN) {
    return {
      from: addDays(today, -Number(lastN[1]) + 1),
      to: today,
      label: `the last ${lastN[1]} days`,
    };
  }
  if (/last week/.test(t)) {
    return { from: addDays(monday, -7), to: addDays(monday, -1), label: "last week" };
  }
  if (/this week/.test(t)) return { from: monday, to: today, label: "this week" };
  if (/last month/.test(t)) {
    const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
    const to = addDays(iso(d), -1);
    return { from: `${to.slice(0, 7)}-01`, to, label: "last month" };
  }
  if (/this month/.test(t)) {
    return { from: `${today.slice(0, 7)}-01`, to: today, label: "this month" };
  }
  const since = new RegExp(`since (${MONTHS.join("|")}) (\\d{1,2})\\b`).exec(t);
  if (since) {
    const m = MONTHS.indexOf(since[1]!) + 1;
    const named = Math.max(1, Number(since[2]));
    const md = `${String(m).padStart(2, "0")}-${String(named).padStart(2, "0")}`;
    const year = Number(today.slice(0, 4)) - (md > today.slice(5) ? 1 : 0);
    // "Since February 29" in a year without one starts on the 28th, not on March 1.
    const day = Math.min(named, daysIn(year, m));
    const from = iso(new Date(Date.UTC(year, m - 1, day)));
    const label = `since ${since[1]![0]!.toUpperCase()}${since[1]!.slice(1)} ${day}`;
    return { from, to: today, label };
  }
  const quarter = /(last|this) quarter/.exec(t);
  if (quarter) {
    const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
    const start = new Date(Date.UTC(Number(today.slice(0, 4)), q * 3, 1));
    if (quarter[1] === "last") start.setUTCMonth(start.getUTCMonth() - 3);
    const from = iso(start);
    const end = new Date(start);
    end.setUTCMonth(end.getUTCMonth() + 3);
    const to = quarter[1] === "last" ? addDays(iso(end), -1) : today;
    return { from, to, label: `${quarter[1]} quarter` };
  }
  if (/this year|ytd|year to date/.test(t)) {
    return { from: `${today.slice(0, 4)}-01-01`, to: today, label: "this year" };
  }
  const month = monthNamed(t);
  if (month >= 0) {
    const year = Number(today.slice(0, 4)) - (month + 1 > Number(today.slice(5, 7)) ? 1 : 0);
    const from = `${year}-${String(month + 1).padStart(2, "0")}-01`;
    const next = new Date(`${from}T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const label = MONTHS[month]![0]!.toUpperCase() + MONTHS[month]!.slice(1) + ` ${year}`;
    return { from, to: addDays(iso(next), -1), label };
  }
  return { from: addDays(today, -29), to: today, label: "the last 30 days" };
}

/** A name after "for", "of", "to" or "from", up to the question mark ("open loads for Acme?"). */
function nameAfter(text: string, words: string[]): string | null {
  for (const w of words) {
    const m = new RegExp(`\\b${w}\\s+(.+?)\\s*[?.!]*$`, "i").exec(text.trim());
    if (m && m[1]!.trim().length >= 2) {
      return m[1]!.replace(/^(the|carrier|customer)\s+/i, "").trim();
    }
  }
  return null;
}

/** Whether a question names a period (otherwise periodOf gives the last 30 days). */
function namesPeriod(t: string): boolean {
  return /last|this|since|ytd|year to date/.test(t) || monthNamed(t) >= 0;
}

/** Reads a question, in English or in Spanish (spanish.ts). */
export function understand(message: string, today: string): Intent {
  const asked = message.normalize("NFKC").slice(0, 500);
  const intent = understandEnglish(fromSpanish(asked), today);
  // A search looks for what was typed, in its own words.
  return intent.kind === "search" ? { kind: "search", text: asked } : intent;
}

function understandEnglish(text: string, today: string): Intent {
  const t = text.toLowerCase();

  const est = /\best\.?\s*#?\s*([mpvg]?\d{1,5}[a-z]?)\b/i.exec(text);
  if (est && /(who|which|what).*(suppl|ship|pack|plant)|supplies|ships/.test(t)) {
    const protein = PROTEINS.find((p) => t.includes(p)) ?? null;
    return { kind: "supplier_by_est", est: est[1]!.toUpperCase(), protein };
  }
  // What the broker owes: "what do we owe Polar Haul?", "bills from Prairie Packers", "payables".
  const owe = /\b(?:we|i)\s+owe\s+(?:to\s+)?(.+?)\s*[?.!]*$/i.exec(text.trim());
  if (owe && !/^(the most|most|anyone|anybody|everyone)$/i.test(owe[1]!.trim())) {
    return {
      kind: "vendor_payables",
      vendor: owe[1]!.replace(/^(the\s+)?(carrier|supplier)\s+/i, "").trim(),
    };
  }
  if (/\bbills?\b|\bpayables?\b|owed to|\bap\b|do we owe/.test(t)) {
    return { kind: "vendor_payables", vendor: nameAfter(text, ["from", "to", "for", "of"]) };
  }
  if (/\binvoices?\b/.test(t) && /(overdue|past due|late|over \d+ days|unpaid)/.test(t)) {
    const days = /(?:over|more than|>\s*|at least)\s*(\d{1,3})\s*days/.exec(t);
    return { kind: "overdue_invoices", minDays: days ? Number(days[1]) : 0 };
  }
  if (/\baging\b|ageing|receivables?|who owes|owes? (us )?the most|\bar\b/.test(t)) {
    return { kind: "aging" };
  }
  // "Best customers this month", "top 5 suppliers by sales last quarter", "who do we buy most from".
  const party = /\b(customers?|buyers?|accounts?|suppliers?|packers?|vendors?)\b/.exec(t) ??
    (/\bbuy (the )?most\b/.test(t) ? ["supplier"] : null) ??
    (/\bsell (the )?most\b/.test(t) ? ["customer"] : null);
  if (party && /\b(top|best|biggest|largest|most|leading|rank)/.test(t) && !/\bowe/.test(t)) {
    return {
      kind: "top_parties",
      by: /suppl|packer|vendor/.test(party[0]!) ? "supplier" : "customer",
      measure: /\b(sales|revenue|volume|spend|bought|sold|buy|sell)\b/.test(t) &&
          !/margin|profit/.test(t)
        ? "sales"
        : "margin",
      ...periodOf(t, today),
    };
  }
  if (/\bmargins?\b|profit/.test(t)) {
    return { kind: "margin", ...periodOf(t, today) };
  }
  // "Open loads for Arctic Haulers", "show me loads with Polar Freight", "what is Frostline hauling?"
  if (/\bloads?\b/.test(t)) {
    const carrier = nameAfter(text, ["for", "of", "with", "by", "on"]);
    if (carrier) return { kind: "carrier_open_loads", carrier };
    // "Loads delivered this week": the loads of that period, with their margin.
    if (namesPeriod(t)) return { kind: "margin", ...periodOf(t, today) };
  }
  const hauling =
    /^(?:what|which loads?)\s+(?:is|are|does)\s+(.+?)\s+(?:hauling|carrying|moving)\b/i
      .exec(text.trim());
  if (hauling) return { kind: "carrier_open_loads", carrier: hauling[1]! };
  if (/(balance|owe|outstanding|credit)/.test(t)) {
    const customer = nameAfter(text, ["for", "of", "does", "is"]);
    if (customer) return { kind: "customer_balance", customer: customer.replace(/\s+owe.*$/i, "") };
  }
  if (/insurance/.test(t)) return { kind: "expiring_insurance" };
  if (/(open|pending|unapproved).*(purchase orders?|pos?\b)/.test(t)) {
    return { kind: "open_purchase_orders" };
  }
  return { kind: "search", text };
}
