/**
 * @module domain/format
 * How numbers, money, weights, quantities and dates read to a person: the one place pages, lists,
 * record history, search, the assistant and PDFs take them from, so "$202,800.00" never reads as
 * "202800.00" on one page and "$202,800.00" on the next. Built on `Intl` with the tenant's locale
 * and currency (defaults en-US and USD). Pure: no database, runs in islands too.
 *
 * Machine-readable forms (the API's decimal strings, CSV cells) come from `decimalAmount`, which
 * never groups digits, so a spreadsheet or a client reads them back exactly.
 */
import type { Executor } from "../db/transaction.ts";

/** Date formats a tenant may choose (`formats.date_format` of its configuration). */
export const DATE_FORMATS = ["medium", "long", "iso", "day_month_year", "month_day_year"] as const;
export type DateFormat = typeof DATE_FORMATS[number];

/** Digit grouping and decimal mark, each read through the locale that writes it so. */
export const NUMBER_FORMATS = {
  "1,234.56": "en-US",
  "1.234,56": "de-DE",
  "1 234,56": "fr-FR",
  "1'234.56": "de-CH",
} as const;
export type NumberFormat = keyof typeof NUMBER_FORMATS;

export const CURRENCY_DISPLAYS = ["symbol", "narrow_symbol", "code", "name"] as const;
export type CurrencyDisplay = typeof CURRENCY_DISPLAYS[number];

/**
 * The tenant's formatting settings: `locale` and `currency` from Settings → Company, the rest
 * from the `formats` section of its configuration (customization/), absent for the built-in ones.
 */
export interface FormatSettings {
  locale: string;
  currency: string;
  dateFormat?: DateFormat;
  numberFormat?: NumberFormat;
  currencyDisplay?: CurrencyDisplay;
  /** The unit weights totals read in (`formats.weight_unit`); LB when absent. */
  weightUnit?: "LB" | "KG";
}

export const DEFAULT_FORMAT: FormatSettings = { locale: "en-US", currency: "USD" };

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let found = cache.get(key) as T | undefined;
  if (!found) {
    found = make();
    cache.set(key, found);
  }
  return found;
}

/** The locale numbers are written in: the configured number format's, or the tenant's locale. */
function numbersLocale(settings: FormatSettings): string {
  return settings.numberFormat ? NUMBER_FORMATS[settings.numberFormat] : settings.locale;
}

function currencyOptions(settings: FormatSettings): Intl.NumberFormatOptions {
  const display = settings.currencyDisplay;
  return {
    style: "currency",
    currency: settings.currency,
    ...(display && display !== "symbol"
      ? { currencyDisplay: display === "narrow_symbol" ? "narrowSymbol" : display }
      : {}),
  };
}

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cached(`n|${locale}|${JSON.stringify(options)}`, () => {
    try {
      return new Intl.NumberFormat(locale, options);
    } catch {
      // A locale or currency the runtime does not know reads as the default's.
      return new Intl.NumberFormat(DEFAULT_FORMAT.locale, {
        ...options,
        ...(options.currency ? { currency: DEFAULT_FORMAT.currency } : {}),
      });
    }
  });
}

function numeric(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Money from integer minor units: 20280000 -> "$202,800.00", -500 -> "-$5.00"; "" for none. */
export function money(cents: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const n = numeric(cents);
  if (n === null) return "";
  return numberFormat(numbersLocale(settings), currencyOptions(settings))
    .format(Math.round(n) / 100);
}

/** Integer minor units as a plain decimal for machines (CSV, forms): 20280000 -> "202800.00". */
export function decimalAmount(cents: unknown): string {
  const n = numeric(cents);
  if (n === null) return "";
  const abs = Math.abs(Math.round(n));
  return `${n < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Minor units grouped without a currency sign: 123456 -> "1,234.56" (form inputs, totals). */
export function groupedAmount(cents: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const n = numeric(cents);
  if (n === null) return "";
  return numberFormat(numbersLocale(settings), {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })
    .format(Math.round(n) / 100);
}

/**
 * A unit price (a decimal of the currency, up to four places) with what it is per:
 * (3.1275, "weight", "LB") -> "$3.1275/LB", (9.1, "case") -> "$9.10/case"; without a basis just
 * "$9.10". "" for none.
 */
export function unitPrice(
  price: unknown,
  basis?: unknown,
  weightUnit?: unknown,
  settings: FormatSettings = DEFAULT_FORMAT,
): string {
  const n = numeric(price);
  if (n === null) return "";
  const text = numberFormat(numbersLocale(settings), {
    ...currencyOptions(settings),
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(n);
  if (basis === undefined || basis === null || basis === "") return text;
  return `${text}/${basis === "case" ? "case" : String(weightUnit || "LB")}`;
}

/** Kilograms in a pound, exactly (the international pound of 1959). */
export const KG_PER_LB = 0.45359237;

/** A weight converted between LB and KG (exact factor; no rounding here). */
export function convertWeight(value: number, from: unknown, to: unknown): number {
  if (from === to) return value;
  return to === "KG" ? value * KG_PER_LB : value / KG_PER_LB;
}

/**
 * A total kept in pounds (`total_weight_lb`) as the tenant reads weights: (40000) -> "40,000 LB",
 * or with KG as the tenant's unit "18,143.695 KG" (three places at most); "" for none or zero.
 */
export function poundsAs(pounds: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const n = numeric(pounds);
  if (!n) return "";
  const unit = settings.weightUnit ?? "LB";
  return weight(convertWeight(n, "LB", unit), unit, settings);
}

/** A weight with its unit: (40000, "LB") -> "40,000 LB"; "" for none or zero. */
export function weight(
  value: unknown,
  unit?: unknown,
  settings: FormatSettings = DEFAULT_FORMAT,
): string {
  const n = numeric(value);
  if (!n) return "";
  const text = numberFormat(numbersLocale(settings), { maximumFractionDigits: 3 }).format(n);
  return unit ? `${text} ${String(unit)}` : text;
}

/** A count (cases, pieces): 800 -> "800", 1200 -> "1,200"; "" for none or zero. */
export function quantity(value: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const n = numeric(value);
  if (!n) return "";
  return numberFormat(numbersLocale(settings), { maximumFractionDigits: 0 }).format(n);
}

/** A plain number (temperatures, rates, decimals): 1234.5 -> "1,234.5"; "" for none. */
export function decimal(
  value: unknown,
  maximumFractionDigits = 4,
  settings: FormatSettings = DEFAULT_FORMAT,
): string {
  const n = numeric(value);
  if (n === null) return "";
  return numberFormat(numbersLocale(settings), { maximumFractionDigits }).format(n);
}

/** A temperature in °F: 28 -> "28°F"; "" for none. */
export function fahrenheit(value: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const text = decimal(value, 1, settings);
  return text ? `${text}°F` : "";
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * A business date `YYYY-MM-DD` written out: "2026-10-05" -> "Oct 5, 2026" (en-US), never
 * ambiguous between US and European order. "" when the value is not a date.
 */
export function date(iso: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const m = DAY.exec(String(iso ?? ""));
  if (!m) return "";
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(at.getTime())) return "";
  const style = settings.dateFormat ?? "medium";
  if (style === "iso") return at.toISOString().slice(0, 10);
  if (style === "day_month_year") return `${m[3]}/${m[2]}/${m[1]}`;
  if (style === "month_day_year") return `${m[2]}/${m[3]}/${m[1]}`;
  const fmt = cached(`d|${settings.locale}|${style}`, () => {
    try {
      return new Intl.DateTimeFormat(settings.locale, { dateStyle: style, timeZone: "UTC" });
    } catch {
      return new Intl.DateTimeFormat(DEFAULT_FORMAT.locale, { dateStyle: style, timeZone: "UTC" });
    }
  });
  return fmt.format(at);
}

/**
 * A local date and time `YYYY-MM-DDTHH:MM` (an appointment, in the broker's time) as
 * "Oct 7, 2026 08:00"; a bare date as `date()` writes it. "" when it is not a date.
 */
export function dateTime(value: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const text = String(value ?? "");
  const day = date(text, settings);
  if (!day) return "";
  const time = /T(\d{2}:\d{2})/.exec(text)?.[1];
  return time ? `${day} ${time}` : day;
}

/** An instant (ISO-8601 UTC, such as a history entry's time) as "Dec 6, 2026 06:47 UTC". */
export function instant(iso: unknown, settings: FormatSettings = DEFAULT_FORMAT): string {
  const text = String(iso ?? "");
  const at = new Date(text);
  if (!text || Number.isNaN(at.getTime())) return "";
  const utc = at.toISOString();
  return `${date(utc, settings)} ${utc.slice(11, 16)} UTC`;
}

/** A count with its noun: (1, "line") -> "1 line", (2, "line") -> "2 lines". */
export function counted(
  n: number,
  noun: string,
  settings: FormatSettings = DEFAULT_FORMAT,
): string {
  const text = numberFormat(numbersLocale(settings), { maximumFractionDigits: 0 }).format(n);
  return `${text} ${noun}${n === 1 ? "" : "s"}`;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return allowed.includes(value as T) ? value as T : undefined;
}

/**
 * The `formats` section of a configuration (already validated when it was stored) as format
 * settings; values the default already means are left out, so built-in output stays the same.
 */
export function configuredFormats(formats: unknown): Partial<FormatSettings> {
  const f = (formats ?? {}) as Record<string, unknown>;
  const out: Partial<FormatSettings> = {};
  const dateFormat = oneOf(DATE_FORMATS, f.date_format);
  if (dateFormat && dateFormat !== "medium") out.dateFormat = dateFormat;
  const numberFormat = oneOf(Object.keys(NUMBER_FORMATS) as NumberFormat[], f.number_format);
  if (numberFormat && numberFormat !== "1,234.56") out.numberFormat = numberFormat;
  const display = oneOf(CURRENCY_DISPLAYS, f.currency_display);
  if (display && display !== "symbol") out.currencyDisplay = display;
  if (f.weight_unit === "KG") out.weightUnit = "KG";
  return out;
}

/**
 * Reads the tenant's settings rows (`locale`, `currency`, and `formats`: the configuration's
 * section as JSON) into format settings, with defaults.
 */
export function formatSettingsOf(
  rows: Iterable<{ key: unknown; value: unknown }>,
): FormatSettings {
  const out: FormatSettings = { ...DEFAULT_FORMAT };
  for (const { key, value } of rows) {
    if (key === "locale" && typeof value === "string" && value) out.locale = value;
    if (key === "currency" && typeof value === "string" && /^[A-Z]{3}$/.test(value)) {
      out.currency = value;
    }
    if (key === "formats" && typeof value === "string") {
      try {
        Object.assign(out, configuredFormats(JSON.parse(value)));
      } catch {
        // A section that does not read is the built-in formats.
      }
    }
  }
  return out;
}

/**
 * The tenant's format settings: its `settings` table and the `formats` section of its
 * configuration, in one query (defaults for what was never saved). A page that already holds the
 * configuration passes its `formats` section and spares the JSON read (about 60 µs on a 5 KB
 * document).
 */
export async function loadFormatSettings(
  db: Executor,
  formats?: unknown,
): Promise<FormatSettings> {
  const known = formats !== undefined && formats !== null;
  const rs = await db.execute(
    known
      ? "SELECT key, value FROM settings WHERE key IN ('locale', 'currency')"
      : `SELECT key, value FROM settings WHERE key IN ('locale', 'currency')
     UNION ALL SELECT 'formats', json_extract(document, '$.formats') FROM configuration WHERE id = 1`,
  );
  const settings = formatSettingsOf(rs.rows as unknown as Array<{ key: unknown; value: unknown }>);
  return known ? { ...settings, ...configuredFormats(formats) } : settings;
}
