/**
 * @module notifications/messages
 * A notification's words as catalogue keys with their arguments (`{ key: "notice.load_delivered",
 * args: { number: "L-1042" } }`), stored beside its English text (`notifications.message`, JSON,
 * tenant 0127) and rendered in the reader's language whenever it is read: the bell, the page, the
 * e-mail at once and the digest. A member who switches language sees their old notifications in
 * the new one. Rows stored before keep their English title and body (`message` NULL); so does a
 * notification written as free text (a rule's message, a note).
 *
 * Arguments are values, never words: a date (`{ date: "2026-12-06" }`), a time or an amount
 * (`{ money: 125000, currency: "CAD" }`) is formatted at read time in the reader's locale, a
 * record type's name (`{ label: "Load" }`) is named in the reader's words; text arguments (a
 * number, a name) are shown as written. The workspace's words (customization/terms.ts)
 * rename the fixed words of the English message, never a value.
 */
import { formatsFor, type Language, shownLabel, type Translate, translator } from "../i18n/mod.ts";
import * as fmt from "../domain/format.ts";
import { inCurrency } from "../domain/currency.ts";
import type { Configuration } from "../customization/document/schema.ts";
import { messageInWords, recordTypeIn, words } from "../customization/terms.ts";
import { RECORD_TYPES } from "../domain/catalog.ts";

/** A value a message is formatted with. */
export type MessageArg =
  | string
  | number
  | { date: string }
  | { dateTime: string }
  | { money: number; currency?: string }
  /** A built-in record type's name ("Load"), in the reader's words, lower case in a sentence. */
  | { label: string };

/** One text of a notification as a catalogue key and its arguments. */
export interface NotificationMessage {
  key: string;
  args?: Record<string, MessageArg>;
}

/** The stored form: the title's message and, when it has one, the body's. */
export interface StoredMessage {
  title: NotificationMessage;
  body?: NotificationMessage;
}

/** Whether a notification text is a catalogue message (not free text or a phrase). */
export function isMessage(value: unknown): value is NotificationMessage {
  return typeof value === "object" && value !== null &&
    typeof (value as NotificationMessage).key === "string";
}

/** The `message` column of a notification, or null when its texts are free text. */
export function encodeMessage(title: unknown, body: unknown): string | null {
  if (!isMessage(title)) return null;
  const stored: StoredMessage = { title };
  if (isMessage(body)) stored.body = body;
  return JSON.stringify(stored);
}

/** The stored message of a row, or null (an older row, free text, or unreadable JSON). */
export function decodeMessage(value: unknown): StoredMessage | null {
  if (typeof value !== "string" || !value) return null;
  try {
    const parsed = JSON.parse(value) as StoredMessage;
    return isMessage(parsed?.title) ? parsed : null;
  } catch {
    return null;
  }
}

/** Who reads a notification: their language, the workspace's configuration and formats. */
export interface Reader {
  language: Language;
  config?: Configuration | null;
  format?: fmt.FormatSettings;
}

/** Renders one message for a reader: the arguments formatted in their locale. */
export function renderMessage(reader: Reader, message: NotificationMessage): string {
  const format = formatsFor(reader.format ?? fmt.DEFAULT_FORMAT, reader.language);
  const args: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(message.args ?? {})) {
    args[name] = typeof value !== "object"
      ? value
      : "date" in value
      ? fmt.date(value.date, format)
      : "dateTime" in value
      ? fmt.dateTime(value.dateTime, format)
      : "label" in value
      ? labelFor(reader, value.label).toLowerCase()
      : fmt.money(value.money, inCurrency(format, value.currency));
  }
  return readerTranslator(reader)(message.key, args);
}

/**
 * A built-in label for a reader: a record type as the workspace names it in their language
 * (`languages`, else its rename, else translated); another label renamed, else translated.
 */
function labelFor(reader: Reader, label: string): string {
  const def = RECORD_TYPES.find((d) => d.singular === label);
  if (def) return recordTypeIn(reader.config, def, reader.language).singular;
  const named = words(reader.config, label);
  return shownLabel(translator(reader.language), label, named);
}

/**
 * `t` for a reader: the catalogue in their language, in the workspace's words: in English the
 * renamed record types replace the message's fixed words before its values go in ("Shipment
 * L-1042 was delivered"); in Spanish a message naming a renamed type is written from its
 * `.renamed` message with the type's Spanish name and gender ("El envío L-1042 fue entregado").
 */
export function readerTranslator(reader: Reader): Translate {
  return (key, args) => messageInWords(reader.config, reader.language, key, args);
}

/** A notification's title and body as the reader reads them (stored English when no message). */
export function shownTexts(
  reader: Reader,
  item: { title: string; body: string; message?: StoredMessage | null },
): { title: string; body: string } {
  const message = item.message;
  if (!message) return { title: item.title, body: item.body };
  return {
    title: renderMessage(reader, message.title),
    body: message.body ? renderMessage(reader, message.body) : item.body,
  };
}
