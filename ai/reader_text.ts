/**
 * @module ai/reader_text
 * The reader's notes on a document in the reviewer's language. Drafts keep the reader's English
 * (a warning such as "The carrier found beside its MC/DOT number, no label: check it.", a field's
 * reason such as "found by position, no label; read by OCR", a status message such as "No text
 * could be read from the image."), as the API returns them; the review page translates them when
 * it shows them, so a draft read before this module existed reads in Spanish too. Each known
 * sentence or reason is matched by its pattern at the start of what is left and replaced by its
 * `reader.*` message (i18n/messages/reader.*.json) with the values it carried; text no pattern
 * knows is kept as written, so a new note shows in English rather than disappearing.
 */
import type { Translate } from "../i18n/format.ts";
import { CATALOGUES, shownLabel } from "../i18n/mod.ts";
import { translateErrorText } from "../domain/error_text.ts";
import { CLASSIFICATION_LABELS } from "../domain/documents/draft.ts";

type Args = (m: RegExpExecArray, t: Translate) => Record<string, string | number>;

const NONE: Args = () => ({});
const kind = (t: Translate, english: string): string => {
  const key = Object.entries(CLASSIFICATION_LABELS)
    .find(([, l]) => l.toLowerCase() === english.toLowerCase())?.[0];
  const text = key ? t(`doc_kind.${key}`) : english;
  return key && text !== `doc_kind.${key}` ? text.toLowerCase() : english;
};

/** Sentences and reasons the reader writes, by their English pattern, with their catalogue key. */
const NOTES: Array<[RegExp, string, Args]> = [
  // A field's reasons, joined by "; " (ai/offline/fields.ts, custom.ts, tables.ts, unlabelled.ts).
  [/label matched loosely \("(.+?)" for (.+?)\)/, "reader.why.custom_loose", (m) => ({
    label: m[1]!,
    field: m[2]!,
  })],
  [/label "(.+?)" beside it/, "reader.why.custom_beside", (m) => ({ label: m[1]! })],
  [/label "(.+?)" above it/, "reader.why.custom_above", (m) => ({ label: m[1]! })],
  [/label matched loosely/, "reader.why.label_loose", NONE],
  [/value had to be cut from other text/, "reader.why.value_cut", NONE],
  [/OCR slip repaired/, "reader.why.ocr_repaired", NONE],
  [/generic label/, "reader.why.generic_label", NONE],
  [/read by OCR/, "reader.why.ocr", NONE],
  [/the page gives two values/, "reader.why.two_values", NONE],
  [/label shared with another field/, "reader.why.shared_label", NONE],
  [/label learned from a correction/, "reader.why.learned", NONE],
  [/price read from amount \/ quantity/, "reader.why.price_from_amount", NONE],
  [/price x quantity is not the amount/, "reader.why.price_mismatch", NONE],
  [/found by its pattern, no label/, "reader.why.pattern", NONE],
  [/found by position, no label/, "reader.why.position", NONE],
  [/the sum of the charges above it/, "reader.why.sum_of_charges", NONE],
  [/due = date \+ terms/, "reader.why.due_from_terms", NONE],
  [/read from a sentence/, "reader.why.sentence", NONE],
  [/year from the document's dates/, "reader.why.year_from_dates", NONE],
  [/read from the stop block/, "reader.why.stop_block", NONE],
  [/weight read from amount \/ price/, "reader.why.weight_from_amount", NONE],
  // A line priced per kilogram beside pounds (or per pound beside kilograms): ai/offline/table_row.ts.
  [
    /weight converted from (lb|kg) to (lb|kg), the price's unit/,
    "reader.why.weight_converted",
    (m) => ({ from: m[1]!, to: m[2]! }),
  ],
  // "the first number beside a date" is what drafts read before 2026-12-06 stored.
  [
    /the (?:first number beside|number nearest) a date of (\d+)/,
    "reader.why.first_number",
    (m) => ({
      count: Number(m[1]),
    }),
  ],
  // Warnings on the draft (ai/offline/, ai/openai.ts, ai/process.ts, domain/documents/draft.ts).
  [
    /The supplier found by position, no label: check it\./,
    "reader.warning.supplier_by_position",
    NONE,
  ],
  [
    /The customer found by position, no label: check it\./,
    "reader.warning.customer_by_position",
    NONE,
  ],
  [
    /The carrier found beside its MC\/DOT number, no label: check it\./,
    "reader.warning.carrier_by_mc",
    NONE,
  ],
  [
    /The load reference found by position, no label: check it\./,
    "reader.warning.load_ref_by_position",
    NONE,
  ],
  [
    /The order reference found by position, no label: check it\./,
    "reader.warning.order_ref_by_position",
    NONE,
  ],
  [
    /Unsure: (.+?) or (.+?)\? Check the type before accepting\./,
    "reader.warning.unsure",
    (m, t) => ({ first: kind(t, m[1]!), second: kind(t, m[2]!) }),
  ],
  [
    /Read by the built-in rules: the AI service did not answer \((.*)\)\./,
    "reader.warning.ai_no_answer",
    (m) => ({ why: m[1]! }),
  ],
  [
    /Read by the built-in rules: this month's AI allowance is used up\./,
    "reader.warning.ai_allowance",
    NONE,
  ],
  [/(.+?) "(.*)" is not in your (.+?) list\./, "reader.warning.not_in_list", (m, t) => ({
    field: shownLabel(t, m[1]!),
    value: m[2]!,
  })],
  [/(.+?): "(.*)" was not understood\./, "reader.warning.not_understood", (m, t) => ({
    field: shownLabel(t, m[1]!),
    value: m[2]!,
  })],
  // Why no text was read, or not all of it (ai/text.ts, domain/documents/image_size.ts).
  [/Some pages are scanned; OCR is off\./, "reader.reason.scanned_some_ocr_off", NONE],
  [/The PDF is scanned and OCR is switched off\./, "reader.reason.scanned_ocr_off", NONE],
  [/No text could be read from the scanned pages\./, "reader.reason.no_text_scanned", NONE],
  [/Images need OCR, which is switched off\./, "reader.reason.image_ocr_off", NONE],
  [/No text could be read from the image\./, "reader.reason.no_text_image", NONE],
  [/No text could be read\./, "reader.reason.no_text", NONE],
  [/Unsupported type (\S+?)\./, "reader.reason.unsupported", (m) => ({ type: m[1]! })],
  [
    /This PDF has (\d+) pages; only the first (\d+) were read \(the limit per document\)\. Upload the other pages as separate documents if they matter\./,
    "reader.reason.pages_cut",
    (m) => ({ total: Number(m[1]), read: Number(m[2]) }),
  ],
];

const ANCHORED = NOTES.map(([re, key, args]) =>
  [new RegExp(`^(?:${re.source})(?=; |\\s|$)`), key, args] as const
);

/** The reader's English note (`why`, a warning, a status message) in `t`'s language. */
export function readerText(text: string, t: Translate): string {
  let rest = text.trim();
  let out = "";
  while (rest) {
    const hit = ANCHORED.map(([re, key, args]) => ({ m: re.exec(rest), key, args }))
      .find((h) => h.m);
    // A refusal the domain words (an image too large to read) is translated like any other.
    if (!hit) return out + translateErrorText(rest, CATALOGUES.en, t);
    const shown = t(hit.key, hit.args(hit.m!, t));
    out += shown === hit.key ? hit.m![0] : shown;
    rest = rest.slice(hit.m![0].length);
    const gap = /^(; |\s+)/.exec(rest)?.[0] ?? "";
    out += gap.startsWith(";") ? "; " : gap ? " " : "";
    rest = rest.slice(gap.length);
  }
  return out;
}
