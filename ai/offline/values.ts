/**
 * @module ai/offline/values
 * Reading values as brokers' paperwork writes them: dates (03/14/2026, 2026-03-14, Mar 14, 2026,
 * 14-MAR-26), times, money ($1,234.56), counts, weights with units (40,000 LB, 18 144 kg),
 * temperatures (-10°F) and identifiers. Each parser reads from the start of a string and
 * ignores what follows, so "4512 Date: 03/14/2026" reads as the identifier "4512".
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  // Spanish and French month names and their usual abbreviations (accents dropped before lookup).
  ene: 1,
  abr: 4,
  ago: 8,
  dic: 12,
  fev: 2,
  avr: 4,
  mai: 5,
  jui: 6,
  aou: 8,
};

/** A month name's number: English, Spanish or French, accents and case ignored. */
export function monthOf(word: string): number | undefined {
  const w = word.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  if (/^juil/.test(w)) return 7;
  if (/^marz/.test(w)) return 3;
  return MONTHS[w.slice(0, 3)];
}

function iso(y: number, m: number, d: number): string | null {
  // Two-digit years: 00-69 are this century's, 70-99 the last's ("1/5/99" is 1999, not 2099).
  if (y < 100) y += y < 70 ? 2000 : 1900;
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return date.toISOString().slice(0, 10);
}

/** OCR confuses these in digits: O->0, l/I->1, S->5 (only between digits or at the edges). */
export function fixDigits(s: string): string {
  return s.replace(/(?<=\d)[Oo](?=\d|\b)|(?<=\b)[Oo](?=\d)/g, "0").replace(
    /(?<=\d)[lI](?=\d)/g,
    "1",
  );
}

/**
 * A date at the start of `s` (US month-first for slashes, day-first for dots), as YYYY-MM-DD.
 * `dayFirst`: the document is written in a language whose dates are day-first (Spanish, French).
 */
export function parseDate(s: string, opts: { dayFirst?: boolean } = {}): string | null {
  // A weekday before the date says nothing more: "Fri, Mar 6, 2026", "Friday 6 March 2026".
  const t = fixDigits(s.trim()).replace(/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=\w)/i, "");
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/.exec(t);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})\b/.exec(t);
  if (m) {
    const [first, second, year] = [+m[1]!, +m[3]!, +m[4]!];
    // Slashes and dashes are US month-first, dots (06.12.2026) day-first as in Europe and Mexico;
    // a first number over 12 can only be a day, a second over 12 only a day either.
    const dayFirst = first > 12 || ((m[2] === "." || opts.dayFirst) && second <= 12);
    return dayFirst ? iso(year, second, first) : iso(year, first, second);
  }
  m = /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/.exec(t);
  if (m && monthOf(m[1]!)) return iso(+m[3]!, monthOf(m[1]!)!, +m[2]!);
  // "14-MAR-26", "10 déc. 2026", "3 de marzo de 2026".
  m = /^(\d{1,2})(?:[\s-]de)?[\s-](\p{L}{3,10})\.?(?:\s+de)?[\s-](\d{2}|\d{4})\b/u.exec(t);
  if (m && monthOf(m[2]!)) return iso(+m[3]!, monthOf(m[2]!)!, +m[1]!);
  return null;
}

/**
 * A time anywhere in `s` ("08:00", "8:30 AM", "1400 hrs", "14h30", "8am"), as HH:MM. With
 * `afterDate`, a bare four-digit military time ("0600") printed after a date counts too.
 */
export function parseTime(raw: string, opts: { afterDate?: boolean } = {}): string | null {
  // OCR reads a time's zeros as O ("O8:OO"): beside a colon between digits they are zeros.
  const s = raw.replace(
    /\b[0-9Oo]{1,2}:[0-9Oo]{2}\b/g,
    (t) => /\d/.test(t) ? t.replace(/[Oo]/g, "0") : t,
  );
  const m = /\b(\d{1,2}):(\d{2})\s*(am|pm|a\.m\.|p\.m\.)?/i.exec(s) ??
    /\b(\d{2})(\d{2})\s*(hrs|h)\b/i.exec(s) ??
    /\b(\d{1,2})\s?h\s?(\d{2})\b/i.exec(s) ??
    /\b(\d{1,2})()\s?(am|pm|a\.m\.|p\.m\.)(?![a-z])/i.exec(s) ??
    (opts.afterDate ? /(?:^|\s)([01]\d|2[0-3])([0-5]\d)(?:\s|$|-)/.exec(s) : null);
  if (!m) return null;
  let h = +m[1]!;
  const min = +(m[2] || "0");
  const ampm = m[3]?.toLowerCase() ?? "";
  if (ampm.startsWith("p") && h < 12) h += 12;
  if (ampm.startsWith("a") && h === 12) h = 0;
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

/** A date found anywhere in `s` (the first one). */
export function findDate(s: string): string | null {
  const re =
    /\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4})\b/g;
  for (const m of s.matchAll(re)) {
    const d = parseDate(m[1]!);
    if (d) return d;
  }
  return null;
}

/** A plain number at the start: "40,000.5" -> 40000.5; commas as thousands separators. */
export function parseNumber(s: string): number | null {
  const m = /^[-+]?\$?\s*(\d{1,3}(?:[, ]\d{3})+|\d+)(\.\d+)?/.exec(fixDigits(s.trim()));
  if (!m) return null;
  const n = Number(m[1]!.replace(/[, ]/g, "") + (m[2] ?? ""));
  const negative = s.trim().startsWith("-") || s.trim().startsWith("(");
  return Number.isFinite(n) ? (negative ? -n : n) : null;
}

/** Money at the start ("$1,234.56", "USD 1234.5", "(12.00)") as integer cents. */
export function parseMoney(s: string): number | null {
  const t = s.trim().replace(/^(USD|US\$|\$)\s*/i, "").replace(/^\$/, "");
  // European style: spaces or dots for thousands, a comma before the cents ("4 250,00").
  const eu = /^(\d{1,3}(?:[ .\u00a0]\d{3})+|\d{1,3}),(\d{2})(?!\d|,\d)/.exec(t);
  if (eu && (eu[1]!.length > 3 || !/^\d{1,3},\d{3}/.test(t))) {
    return Number(eu[1]!.replace(/\D/g, "")) * 100 + Number(eu[2]!);
  }
  const m = /^\(?-?\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\)?/.exec(fixDigits(t));
  if (!m) return null;
  const cents = Number(m[1]!.replace(/,/g, "")) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
  return Number.isSafeInteger(cents) ? cents : null;
}

/** A weight with its unit: "40,000 LB" -> { value: 40000, unit: "LB" } (unit null if absent). */
export function parseWeight(s: string): { value: number; unit: "LB" | "KG" | null } | null {
  const value = parseNumber(s);
  if (value === null) return null;
  const unit = /\b(kgs?|kilo(gram)?s?)\b/i.test(s)
    ? "KG"
    : /(\d|\s)(lbs?|[I1]bs?|pounds?|#)(\b|$)/i.test(s)
    ? "LB"
    : null;
  return { value, unit };
}

/** A temperature in °F ("-10°F", "28 F", "-2 °C" converted). */
export function parseTemperature(s: string): number | null {
  const t = s.trim().replace(/º/g, "°");
  let m = /^(-?\s?\d+(?:\.\d+)?)\s*°?\s*([FC])?\b/i.exec(t);
  let unit = m?.[2];
  // A length first ("53' reefer, 0°F"): the temperature is the one with its degree mark.
  if (m && /^\s*(['’"]|ft\b|feet\b)/i.test(t.slice(m[1]!.length))) {
    m = /(?:^|[\s,;(])(-?\d+(?:\.\d+)?)\s*(?:°\s*([FC])?|([FC])\b)/i.exec(t.slice(m[0].length));
    unit = m?.[2] ?? m?.[3];
  }
  if (!m) return null;
  const n = Number(m[1]!.replace(/\s/g, ""));
  if (!Number.isFinite(n)) return null;
  return unit?.toUpperCase() === "C" ? Math.round((n * 9 / 5 + 32) * 10) / 10 : n;
}

/** An identifier at the start (PO, BOL, seal, invoice numbers): letters, digits and - / . */
export function parseIdentifier(s: string): string | null {
  const m = /^[#:.\s]*([A-Z0-9][A-Z0-9\-/.]{0,39})/i.exec(s.trim());
  if (!m) return null;
  const id = m[1]!.replace(/[.\-/]+$/, "");
  return /\d/.test(id) ? id : null;
}

/** MC, DOT and EST numbers found anywhere in a text. */
export function findMc(s: string): string | null {
  return /\bMC\s*(?:No\.?|Number|#)?\s*[:#-]?\s*(\d{4,8})\b/i.exec(s)?.[1] ?? null;
}
export function findDot(s: string): string | null {
  return /\b(?:US\s?)?DOT\s*(?:No\.?|Number|#)?\s*[:#-]?\s*(\d{4,8})\b/i.exec(s)?.[1] ?? null;
}
export function findEst(s: string): string | null {
  const m =
    /\b(?:EST|Establishment)\.?\s*(?:No\.?|Number|#)?\s*[:#-]?\s*([MPVG]?[\s-]?\d{1,5}[A-Z]?)\b/i
      .exec(s);
  return m ? m[1]!.replace(/[\s-]/g, "").toUpperCase() : null;
}

/** A party name from a label's value: cut at the next label or identifier on the line. */
export function cleanPartyName(s: string): string | null {
  // A person's mailbox ("Ann Lee <ann@packer.com>") names a person, not a company.
  if (/<[^>]*@[^>]*>|\S+@\S+\.\w/.test(s)) return null;
  let cut = s.replace(
    /\s+[(\[]?(\bMC\b|\bDOT\b|\bUSDOT\b|\bEST\b|Establishment|Phone|Tel|Fax|Attn|E-?mail|Date|PO\b|P\.O\.|Address).*$/i,
    "",
  ).replace(/[,;:\-\s(\[]+$/, "").trim();
  // A comma followed by an address (a part with a number: street, box, zip) ends the name.
  const parts = cut.split(/,\s*/);
  const at = parts.findIndex((p, i) => i > 0 && /\d/.test(p));
  if (at > 0 && parts.slice(0, at).join(", ").split(/\s+/).length >= 2) {
    cut = parts.slice(0, at).join(", ");
  }
  if (!/[A-Za-z]{2}/.test(cut) || cut.length > 120 || /[:#]$/.test(s.trim())) return null;
  if (/^(MC|DOT|USDOT|EST|PO|BOL|SEAL|DATE)\b/i.test(cut)) return null;
  return cut;
}
