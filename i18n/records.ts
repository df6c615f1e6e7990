/**
 * @module i18n/records
 * Record definitions in the reader's language: the record type's names, field labels, groups,
 * choice labels and related-list labels translated from the catalogue (`label.*` keys), while a
 * label the workspace renamed (customization/terms.ts) stays as the workspace wrote it, in every
 * language. Custom fields are the workspace's own words and stay as written.
 */
import { recordType } from "../domain/catalog.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import type { FieldDef } from "../domain/records/fields.ts";
import type { HistoryWords } from "../domain/records/history.ts";
import type { Translate } from "./format.ts";
import { hintKey, type Language, shownLabel, translator } from "./mod.ts";

const translated = new WeakMap<RecordDef, Map<Language, RecordDef>>();

/** A built-in hint in the reader's language (itself when the catalogue has none). */
function translatedHint(t: (key: string) => string, hint: string): string {
  const key = hintKey(hint);
  const text = t(key);
  return text === key ? hint : text;
}

/** A field as the reader reads it; `builtIn` is the catalog's field of the same name. */
export function translateField(
  field: FieldDef,
  builtIn: FieldDef | undefined,
  language: Language,
): FieldDef {
  if (language === "en") return field;
  const t = translator(language);
  // A custom field: its label and help are the workspace's words; the section they sit in when
  // no layout places them is the built-in "More".
  if (!builtIn) return field.group === "More" ? { ...field, group: shownLabel(t, "More") } : field;
  const group = field.group !== undefined && builtIn.group !== undefined
    ? shownLabel(t, builtIn.group, field.group)
    : field.group;
  const values = field.values?.map((v) => {
    const original = builtIn.values?.find((b) => b.value === v.value);
    return original ? { ...v, label: shownLabel(t, original.label, v.label) } : v;
  });
  const hint = field.hint !== undefined && field.hint === builtIn.hint
    ? (translatedHint(t, field.hint))
    : field.hint;
  return { ...field, label: shownLabel(t, builtIn.label, field.label), group, values, hint };
}

/**
 * The fields of a record type (a layout's, say) in the reader's language; `lines` for the fields
 * of its lines (a line field may share a name with a header field).
 */
export function translateFields(
  collection: string,
  fields: readonly FieldDef[],
  language: Language,
  lines = false,
): FieldDef[] {
  if (language === "en") return [...fields];
  const builtIn = recordType(collection);
  const own = lines ? builtIn?.lines?.fields : builtIn?.fields;
  return fields.map((f) => translateField(f, own?.find((b) => b.name === f.name), language));
}

/** A record type (as the workspace names it) in the reader's language; English unchanged. */
export function translateRecordType(def: RecordDef, language: Language): RecordDef {
  if (language === "en") return def;
  let byLanguage = translated.get(def);
  const found = byLanguage?.get(language);
  if (found) return found;
  const builtIn = recordType(def.collection);
  if (!builtIn) return def;
  const t = translator(language);
  const out: RecordDef = {
    ...def,
    singular: shownLabel(t, builtIn.singular, def.singular),
    plural: shownLabel(t, builtIn.plural, def.plural),
    fields: translateFields(def.collection, def.fields, language),
    ...(def.lines
      ? {
        lines: {
          ...def.lines,
          fields: translateFields(def.collection, def.lines.fields, language, true),
        },
      }
      : {}),
    references: def.references.map((r, i) => {
      const original = builtIn.references[i];
      return original ? { ...r, label: shownLabel(t, original.label, r.label) } : r;
    }),
  };
  if (!byLanguage) translated.set(def, byLanguage = new Map());
  byLanguage.set(language, out);
  return out;
}

/** A change list's own words (yes, no, a deleted record, "2 lines") in `t`'s language. */
export function historyWords(t: Translate): HistoryWords {
  return {
    yes: t("list.yes"),
    no: t("list.no"),
    deletedRecord: t("history.deleted_record"),
    lines: (count, formatted) => t("history.lines", { count, formatted }),
    linesLabel: t("label.lines"),
    archivedLabel: t("phrase.archived"),
  };
}
