/**
 * @module domain/records/history
 * A record's history as a person reads it: field labels, the referenced record's title instead of
 * its id ("Supplier: — → Heartland Pork Co.", never "01m94xb3…"), money, weights, dates and
 * counts through `domain/format.ts`. Pure: the caller looks the titles up (`historyRefIds`).
 */
import type { HistoryEntry } from "./audit.ts";
import { fieldOf, type RecordDef } from "./definition.ts";
import { enumLabel, type FieldDef } from "./fields.ts";
import * as fmt from "../format.ts";

/** Keys a person never needs to see in a change list (bookkeeping of every write). */
const HIDDEN = new Set(["version", "updated_at", "updated_by", "created_at", "created_by"]);

/**
 * The change list's own words in the reader's language (the page passes them from the catalogue);
 * English by default, so e-mails and tests need nothing.
 */
export interface HistoryWords {
  yes: string;
  no: string;
  deletedRecord: string;
  /** "2 lines": a count of lines, its number already formatted. */
  lines: (count: number, formatted: string) => string;
  /** Labels of keys that are not fields of the record type but are written to its history. */
  linesLabel: string;
  archivedLabel: string;
}

export const ENGLISH_HISTORY_WORDS: HistoryWords = {
  yes: "Yes",
  no: "No",
  deletedRecord: "a deleted record",
  lines: (count, formatted) => `${formatted} ${count === 1 ? "line" : "lines"}`,
  linesLabel: "Lines",
  archivedLabel: "Archived",
};

const ACTIONS: Record<string, string> = {
  create: "Created",
  update: "Changed",
  archive: "Archived",
  restore: "Restored",
  delete: "Deleted",
};

/** One changed field of a history entry, ready to show. */
export interface HistoryChangeText {
  key: string;
  label: string;
  before: string;
  after: string;
}

/** Ids of records that the entries' reference fields point at, by collection. */
export function historyRefIds(
  def: RecordDef,
  entries: readonly HistoryEntry[],
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const [key, pair] of Object.entries(entry.changes)) {
      const field = fieldOf(def, key);
      if (field?.kind !== "ref" || !field.ref) continue;
      const ids = out.get(field.ref) ?? new Set<string>();
      for (const value of pair) if (typeof value === "string" && value) ids.add(value);
      out.set(field.ref, ids);
    }
  }
  return out;
}

function extraLabel(key: string, say: HistoryWords): string | undefined {
  return key === "lines" ? say.linesLabel : key === "archived_at" ? say.archivedLabel : undefined;
}

/** What an action reads as: "create" -> "Created". */
export function actionLabel(action: string): string {
  return ACTIONS[action] ?? action.charAt(0).toUpperCase() + action.slice(1);
}

/**
 * A lines summary as stored ("1 line, $88,000.00"; older writes "2 lines, 38461.70") in the
 * reader's words and today's money format.
 */
function linesText(value: string, settings: fmt.FormatSettings, say: HistoryWords): string {
  const m = /^(\d+) lines?, (-?)\$?([\d,]+)\.(\d{2})$/.exec(value);
  if (!m) return value;
  const cents = (m[2] ? -1 : 1) * (Number(m[3]!.replaceAll(",", "")) * 100 + Number(m[4]));
  const count = Number(m[1]);
  return `${say.lines(count, fmt.decimal(count, 0, settings))}, ${fmt.money(cents, settings)}`;
}

/** One value of a change as text; `titles` maps referenced ids to their records' titles. */
export function describeValue(
  field: FieldDef | undefined,
  key: string,
  value: unknown,
  titles: ReadonlyMap<string, string>,
  settings: fmt.FormatSettings = fmt.DEFAULT_FORMAT,
  say: HistoryWords = ENGLISH_HISTORY_WORDS,
): string {
  if (value === null || value === undefined || value === "") return "—";
  if (key === "lines" && typeof value === "string") return linesText(value, settings, say);
  if (key === "archived_at") return fmt.instant(value, settings) || "—";
  if (!field) return typeof value === "object" ? JSON.stringify(value) : String(value);
  const text = (() => {
    switch (field.kind) {
      case "money":
        return fmt.money(value, settings);
      case "enum":
        return enumLabel(field, value);
      case "boolean":
        return value ? say.yes : say.no;
      case "ref":
        return titles.get(String(value)) ?? say.deletedRecord;
      case "date":
        return fmt.date(value, settings);
      case "datetime":
        return fmt.dateTime(value, settings);
      case "integer":
        return fmt.decimal(value, 0, settings);
      case "decimal":
        return fmt.decimal(value, 4, settings);
      case "options":
        return Array.isArray(value) ? value.join(", ") : String(value);
      default:
        return String(value);
    }
  })();
  return text || String(value);
}

/** The changed fields of one entry, labelled and formatted, bookkeeping keys left out. */
export function describeChanges(
  def: RecordDef,
  entry: HistoryEntry,
  titles: ReadonlyMap<string, string>,
  settings: fmt.FormatSettings = fmt.DEFAULT_FORMAT,
  say: HistoryWords = ENGLISH_HISTORY_WORDS,
): HistoryChangeText[] {
  return Object.entries(entry.changes)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, [before, after]]) => {
      const field = fieldOf(def, key);
      return {
        key,
        label: field?.label ?? extraLabel(key, say) ?? key.replaceAll("_", " "),
        before: describeValue(field, key, before, titles, settings, say),
        after: describeValue(field, key, after, titles, settings, say),
      };
    });
}
