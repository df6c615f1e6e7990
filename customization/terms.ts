/**
 * @module customization/terms
 * The one resolver of what a tenant's users read: record type names, field labels, navigation
 * labels and order, form and detail layouts, list columns and default filters per role, and the
 * dashboard's cards, all from the configuration document (`terminology` and `layouts`). Pages,
 * forms, lists, CSV, PDFs, e-mails and search ask here instead of reading the catalog's labels,
 * so a rename is made once and shows everywhere.
 *
 * A renamed record type also renames the labels that use its built-in name as a word ("Supplier"
 * on a PO, "Loads picked up here", "Top suppliers"): `words()` replaces whole words, plural
 * first, keeping the first letter's case. A label set in `terminology.record_types.*.fields`
 * is taken as written. Resolved record types are kept per document (a WeakMap on the parsed
 * configuration, which customization/cache.ts keeps while it is current), so a page pays for
 * a rename once per configuration version.
 */
import { RECORD_TYPES, recordType } from "../domain/catalog.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import type { FieldDef } from "../domain/records/fields.ts";
import type { Role } from "../auth/roles.ts";
import { withCustomFields } from "./fields.ts";
import { CATALOGUES, type Language } from "../i18n/mod.ts";
import { formatMessage, type MessageArgs } from "../i18n/format.ts";
import { translateRecordType } from "../i18n/records.ts";
import { type Configuration, DEFAULT_CONFIGURATION } from "./document/schema.ts";
import {
  DASHBOARD_CARDS,
  type DashboardCard,
  NAVIGATION_KEYS,
  type NavigationKey,
} from "./document/shaping.ts";

/** A navigation entry as the tenant names it. */
export interface NavigationEntry {
  key: NavigationKey;
  href: string;
  label: string;
}

const BUILT_IN_NAV: Record<NavigationKey, string> = {
  dashboard: "Dashboard",
  documents: "Documents",
  approvals: "Approvals",
  reports: "Reports",
  assistant: "Assistant",
  settings: "Settings",
  help: "Help",
  ...Object.fromEntries(RECORD_TYPES.map((def) => [def.collection, def.plural])),
} as Record<NavigationKey, string>;

interface Resolved {
  replace: (text: string) => string;
  /** `replace` for an ICU message's source: the tenant's words go in as literals (`icuLiteral`). */
  replaceMessage: (text: string) => string;
  types: Map<string, RecordDef>;
  /** The same without the English word renames inside labels, for translating. */
  forTranslation: Map<string, RecordDef>;
  /** A renamed type's or reworded phrase's built-in English text -> the tenant's. */
  named: Map<string, string>;
  /** The renamed type a built-in English text names first, and whether in its plural. */
  mentions: (text: string) => Mention | null;
  /** Record types with the tenant's names in another language, by language. */
  inLanguage: Map<Language, Map<string, RecordDef>>;
}

interface Mention {
  collection: string;
  plural: boolean;
  /** The word as the text writes it ("load", "Loads"), for its first letter's case. */
  word: string;
}

function mentionsOf(config: Configuration): (text: string) => Mention | null {
  const forms: Array<[string, Omit<Mention, "word">]> = [];
  for (const collection of Object.keys(config.terminology.record_types)) {
    const def = recordType(collection);
    if (!def) continue;
    forms.push([def.plural, { collection, plural: true }], [def.singular, {
      collection,
      plural: false,
    }]);
  }
  if (forms.length === 0) return () => null;
  forms.sort((a, b) => b[0].length - a[0].length);
  const byWord = new Map(forms.map(([word, m]) => [word.toLowerCase(), m]));
  const pattern = new RegExp(`\\b(${forms.map(([w]) => escape(w)).join("|")})\\b`, "i");
  return (text) => {
    const word = pattern.exec(text)?.[1];
    return word ? { ...byWord.get(word.toLowerCase())!, word } : null;
  };
}

const resolved = new WeakMap<Configuration, Resolved>();

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The first letter in the case of `like`'s first letter. */
function caseLike(text: string, like: string): string {
  const first = like.charAt(0);
  return first === first.toLowerCase() && first !== first.toUpperCase()
    ? text.charAt(0).toLowerCase() + text.slice(1)
    : text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A tenant's text as a literal inside an ICU message's source: `{`, `}`, `<` and `>` quoted, an
 * apostrophe doubled. A renamed type or reworded phrase goes into catalogue messages that are
 * then parsed as ICU ("New {name}"); "Load</T>" or "{x}" written there as it is made every page
 * fail to render (INVALID_TAG, the command palette's messages), the settings page included.
 */
export function icuLiteral(text: string): string {
  return text.replace(
    /[{}<>']+/g,
    (run) => /[{}<>]/.test(run) ? `'${run.replaceAll("'", "''")}'` : run.replaceAll("'", "''"),
  );
}

/** Texts remembered per configuration document once put in its words (bounded). */
const MAX_REMEMBERED = 4000;

function replacerOf(
  config: Configuration,
  literal: (text: string) => string = (text) => text,
): (text: string) => string {
  const phrases = new Map(
    Object.entries(config.terminology.phrases).map(([from, to]) => [from, literal(to)]),
  );
  const renames = renamerOf(config, literal);
  if (phrases.size === 0 && renamesOf(config).length === 0) return renames; // nothing to replace
  // A page puts the same few hundred catalogue texts through here on every request (the shell,
  // the palette's messages, <T> phrases): each is replaced once per configuration version and
  // then read from memory, instead of running the renames' regular expression every time.
  const remembered = new Map<string, string>();
  return (text) => {
    let out = remembered.get(text);
    if (out === undefined) {
      out = phrases.get(text) ?? renames(text);
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(text, out);
    }
    return out;
  };
}

/** Built-in and tenant names of every renamed record type, plural and singular. */
function renamesOf(config: Configuration): Array<{ builtIn: string; named: string }> {
  const out: Array<{ builtIn: string; named: string }> = [];
  for (const [collection, entry] of Object.entries(config.terminology.record_types)) {
    const def = recordType(collection);
    if (!def || !entry) continue;
    if (entry.plural) out.push({ builtIn: def.plural, named: entry.plural });
    if (entry.singular) out.push({ builtIn: def.singular, named: entry.singular });
  }
  return out;
}

function renamerOf(
  config: Configuration,
  literal: (text: string) => string = (text) => text,
): (text: string) => string {
  return wordReplacer(renamesOf(config).map((r) => [r.builtIn, r.named]), literal);
}

/** Replaces whole words (case-insensitive, the first letter's case kept), longest first. */
function wordReplacer(
  pairs: Array<[string, string]>,
  literal: (text: string) => string = (text) => text,
): (text: string) => string {
  if (pairs.length === 0) return (text) => text;
  pairs.sort((a, b) => b[0].length - a[0].length); // "Purchase orders" before "Purchase order"
  const byWord = new Map(pairs.map(([from, to]) => [from.toLowerCase(), to]));
  const pattern = new RegExp(`\\b(${pairs.map(([from]) => escape(from)).join("|")})\\b`, "gi");
  return (text) =>
    text.replace(pattern, (match) => literal(caseLike(byWord.get(match.toLowerCase())!, match)));
}

function resolve(config: Configuration): Resolved {
  let found = resolved.get(config);
  if (found) return found;
  const replace = replacerOf(config);
  const types = typesOf(config, replace);
  // For other languages: the labels the tenant set (and reworded phrases) as written, every
  // other label built-in, so that the catalogue translates it ("Payment terms" reads "Términos
  // de pago", not an English "Remittance terms" the English word renames made).
  const phrases = new Map(Object.entries(config.terminology.phrases));
  const forTranslation = typesOf(config, (text) => phrases.get(text) ?? text);
  const named = new Map<string, string>(Object.entries(config.terminology.phrases));
  for (const r of renamesOf(config)) named.set(r.builtIn, r.named);
  found = {
    replace,
    replaceMessage: replacerOf(config, icuLiteral),
    types,
    forTranslation,
    named,
    mentions: mentionsOf(config),
    inLanguage: new Map(),
  };
  resolved.set(config, found);
  return found;
}

/** Every record type with the tenant's names, custom fields and labels put through `replace`. */
function typesOf(config: Configuration, replace: (text: string) => string) {
  const types = new Map<string, RecordDef>();
  for (const def of RECORD_TYPES) {
    const terms = config.terminology.record_types[def.collection];
    const required = new Set(config.layouts.record_types[def.collection]?.required ?? []);
    const field = (f: FieldDef): FieldDef => {
      const label = terms?.fields[f.name] ?? replace(f.label);
      const group = f.group === undefined ? undefined : replace(f.group);
      // A hint names record types too ("a supplier's invoice is matched against it").
      const hint = f.hint === undefined ? undefined : replace(f.hint);
      const needed = f.required || required.has(f.name);
      // New lines and products start in the tenant's weight unit (formats.weight_unit).
      const defaultValue = f.name === "weight_unit" ? config.formats.weight_unit : f.defaultValue;
      const values = f.values?.map((v) => ({ value: v.value, label: replace(v.label) }));
      return label === f.label && group === f.group && hint === f.hint &&
          needed === Boolean(f.required) &&
          defaultValue === f.defaultValue && values?.every((v, i) =>
            v.label === f.values![i]!.label
          ) !== false
        ? f
        : { ...f, label, group, hint, required: needed || undefined, defaultValue, values };
    };
    types.set(def.collection, {
      ...def,
      singular: terms?.singular ?? def.singular,
      plural: terms?.plural ?? def.plural,
      // The tenant's custom fields follow the built-in ones (customization/fields.ts).
      fields: withCustomFields(def, config.custom_fields).fields.map(field),
      ...(def.lines ? { lines: { ...def.lines, fields: def.lines.fields.map(field) } } : {}),
      references: def.references.map((r) => ({ ...r, label: replace(r.label) })),
    });
  }
  return types;
}

function documentOf(config: Configuration | undefined | null): Configuration {
  return config ?? DEFAULT_CONFIGURATION;
}

/** A record type as the tenant names it: singular, plural, field and related-list labels. */
export function recordTypeFor(config: Configuration | undefined | null, def: RecordDef): RecordDef {
  return resolve(documentOf(config)).types.get(def.collection) ?? def;
}

/** A renamed record type's names in one language, and the gender its sentences agree with. */
export interface TermsIn {
  singular: string;
  plural: string;
  /** Null: the sentence keeps the built-in word's gender. */
  gender: "masculine" | "feminine" | null;
}

/**
 * A record type's names as the tenant gave them for `language` (`languages`), else its English
 * rename (taken as written in every language); null when the tenant kept the built-in names.
 */
export function termsIn(
  config: Configuration | undefined | null,
  collection: string,
  language: Language,
): TermsIn | null {
  const entry = documentOf(config).terminology.record_types[collection];
  const def = recordType(collection);
  if (!entry || !def) return null;
  const own = language === "en" ? undefined : entry.languages[language];
  if (own) return own;
  if (!entry.singular && !entry.plural) return null;
  return {
    singular: entry.singular ?? def.singular,
    plural: entry.plural ?? def.plural,
    gender: null,
  };
}

/**
 * A record type as a reader of `language` reads it: renamed by the tenant, translated from the
 * catalogue (i18n/records.ts), and named with the tenant's own words for that language.
 */
export function recordTypeIn(
  config: Configuration | undefined | null,
  def: RecordDef,
  language: Language,
): RecordDef {
  const doc = documentOf(config);
  const shown = language === "en"
    ? recordTypeFor(doc, def)
    : translateRecordType(resolve(doc).forTranslation.get(def.collection) ?? def, language);
  const own = language === "en"
    ? undefined
    : doc.terminology.record_types[def.collection]?.languages[language];
  if (!own) return shown;
  const byType = resolve(doc).inLanguage;
  let types = byType.get(language);
  if (!types) byType.set(language, types = new Map());
  let out = types.get(def.collection);
  if (!out) {
    out = { ...shown, singular: own.singular, plural: own.plural };
    types.set(def.collection, out);
  }
  return out;
}

/** A field's label as the tenant reads it; the record type's singular without a field. */
export function label(
  config: Configuration | undefined | null,
  collection: string,
  field?: string,
): string {
  const def = recordType(collection);
  if (!def) return field ?? collection;
  const named = recordTypeFor(config, def);
  if (!field) return named.singular;
  return [...named.fields, ...(named.lines?.fields ?? [])].find((f) => f.name === field)?.label ??
    field;
}

/**
 * Free text in the tenant's words: a reworded phrase (`terminology.phrases`) as the tenant wrote
 * it, otherwise the built-in record type names replaced by the tenant's ("Top suppliers").
 */
export function words(config: Configuration | undefined | null, text: string): string {
  return resolve(documentOf(config)).replace(text);
}

/**
 * Text in the tenant's words read back into the built-in ones ("packer" -> "supplier"), so that
 * searching the help for a renamed record type finds the articles that use its built-in name.
 */
export function builtInWords(config: Configuration | undefined | null, text: string): string {
  return wordReplacer(renamesOf(documentOf(config)).map((r) => [r.named, r.builtIn]))(text);
}

/**
 * The navigation as the tenant orders and names it (every entry; the caller drops switched off);
 * a record type named in `language` (`languages`) reads so there.
 */
export function navigation(
  config: Configuration | undefined | null,
  language: Language = "en",
): NavigationEntry[] {
  const doc = documentOf(config);
  const first = doc.terminology.navigation_order;
  const keys = [...first, ...NAVIGATION_KEYS.filter((k) => !first.includes(k))];
  return keys.map((key) => {
    const def = recordType(key);
    const own = language === "en"
      ? undefined
      : doc.terminology.record_types[key]?.languages[language]?.plural;
    const builtIn = def ? own ?? recordTypeFor(doc, def).plural : BUILT_IN_NAV[key];
    return {
      key,
      href: key === "dashboard" ? "/" : `/${key}`,
      label: doc.terminology.navigation_labels[key] ?? builtIn,
    };
  });
}

/**
 * The fields the form and detail page show, in the tenant's sections and order: the listed
 * sections first, then every other field in its built-in place; hidden fields left out. With a
 * `language` other than English, labels are left for `translateFields` (renamed word inside a
 * label only in English).
 */
export function layoutFields(
  config: Configuration | undefined | null,
  def: RecordDef,
  language: Language = "en",
): FieldDef[] {
  // For another language, the labels to translate: the built-in ones and those the tenant set.
  const named = language === "en"
    ? recordTypeFor(config, def)
    : resolve(documentOf(config)).forTranslation.get(def.collection) ?? def;
  const layout = documentOf(config).layouts.record_types[def.collection];
  if (!layout) return [...named.fields];
  const hidden = new Set(layout.hidden);
  const byName = new Map(named.fields.map((f) => [f.name, f]));
  const placed = new Set<string>();
  const out: FieldDef[] = [];
  for (const section of layout.sections) {
    for (const name of section.fields) {
      const f = byName.get(name);
      if (!f || placed.has(name) || hidden.has(name)) continue;
      placed.add(name);
      out.push({ ...f, group: section.title });
    }
  }
  for (const f of named.fields) if (!placed.has(f.name) && !hidden.has(f.name)) out.push(f);
  return out;
}

function forRole<T>(byRole: Partial<Record<string, T>>, role: Role | null | undefined): T | null {
  return (role ? byRole[role] : undefined) ?? byRole.default ?? null;
}

/** The list columns a role sees by default (field names), or null for the built-in ones. */
export function listColumns(
  config: Configuration | undefined | null,
  def: RecordDef,
  role: Role | null | undefined,
): string[] | null {
  const layout = documentOf(config).layouts.record_types[def.collection];
  return layout ? forRole(layout.list_columns, role) : null;
}

/** The filters a role's list opens with when the address names none. */
export function defaultFilters(
  config: Configuration | undefined | null,
  def: RecordDef,
  role: Role | null | undefined,
): Record<string, string> {
  const layout = documentOf(config).layouts.record_types[def.collection];
  return (layout ? forRole(layout.default_filters, role) : null) ?? {};
}

/** The dashboard cards a role sees, in order. */
export function dashboardCards(
  config: Configuration | undefined | null,
  role: Role | null | undefined,
): DashboardCard[] {
  return forRole(documentOf(config).layouts.dashboard_cards, role) ?? [...DASHBOARD_CARDS];
}

/**
 * A sentence whose fixed words follow the tenant's terms while its values stay as written:
 * phrase`Load ${number} was delivered` renames "Load" and never touches the number or a name
 * ("Prairie Supplier Co" stays). Notifications and e-mails are built this way.
 */
export interface Phrase {
  readonly parts: readonly string[];
  readonly values: readonly unknown[];
}

/** The tagged template that builds a `Phrase`. */
export function phrase(
  parts: TemplateStringsArray | readonly string[],
  ...values: unknown[]
): Phrase {
  return { parts: [...parts], values };
}

/** Fixed words (a record type's name in a sentence) as a phrase value that is renamed too. */
export function term(text: string): Phrase {
  return { parts: [text], values: [] };
}

/** A phrase (or plain text, taken as written) in the tenant's words. */
export function phraseIn(config: Configuration | undefined | null, text: string | Phrase): string {
  if (typeof text === "string") return text;
  let out = "";
  text.parts.forEach((part, i) => {
    out += words(config, part);
    if (i < text.values.length) {
      const value = text.values[i];
      out += isPhrase(value) ? phraseIn(config, value) : String(value);
    }
  });
  return out;
}

function isPhrase(value: unknown): value is Phrase {
  return typeof value === "object" && value !== null && Array.isArray((value as Phrase).parts);
}

/**
 * An island's message catalogue (i18n `messagesFor`) in the tenant's words: every message's text
 * through `words`, so "New load" reads "New shipment" in the command palette and the record
 * form as on the server-rendered page. Placeholders (`{section}`) are not words and stay.
 *
 * In another language, pass the same keys' English messages as `english` and the `language`:
 * a message whose English text is a renamed record type's name ("Loads") reads as the tenant
 * named it there (`languages`, else its English name); a sentence that names one ("New load")
 * is written from the catalogue's `<key>.renamed` message with the name as `{name}` and its
 * `{gender}` (`select`; the built-in word's gender when the tenant gave none), so a rename wins
 * in every language: "Nuevo envío", or "Nueva shipment" without Spanish names. A sentence
 * without a `.renamed` message stays as the catalogue has it.
 */
export function messagesInWords<M extends Record<string, string>>(
  config: Configuration | undefined | null,
  messages: M,
  english?: Readonly<Record<string, string>>,
  language?: Language,
): M {
  const doc = documentOf(config);
  if (
    !Object.keys(doc.terminology.record_types).length &&
    !Object.keys(doc.terminology.phrases).length
  ) {
    return messages;
  }
  const { replaceMessage, named, mentions } = resolve(doc);
  const other = language && language !== "en" ? language : null;
  const out: Record<string, string> = {};
  for (const key in messages) {
    const text = messages[key]!;
    const source = english?.[key] ?? text;
    if (source === text) {
      out[key] = replaceMessage(text);
      continue;
    }
    // Each of these is plain text (the tenant's words, or a message already formatted), and
    // the island parses what it is handed as an ICU message.
    const own = (other ? inLanguage(doc, other, key, source, mentions(source)) : null) ??
      named.get(source);
    out[key] = own === undefined ? text : icuLiteral(own);
  }
  return out as M;
}

/** A translated message that names a renamed type, in the tenant's words; null to keep it. */
function inLanguage(
  doc: Configuration,
  language: Language,
  key: string,
  source: string,
  mention: Mention | null,
): string | null {
  const phrase = doc.terminology.phrases[source as keyof typeof doc.terminology.phrases];
  if (phrase !== undefined || !mention) return phrase ?? null;
  const terms = termsIn(doc, mention.collection, language);
  if (!terms) return null;
  const name = mention.plural ? terms.plural : terms.singular;
  if (source.toLowerCase() === mention.word.toLowerCase()) return name; // the name alone
  const template = CATALOGUES[language][`${key}.renamed`];
  if (template === undefined) return null;
  return formatMessage(language, template, {
    name: caseLike(name, mention.word),
    gender: terms.gender ?? "other",
  });
}

/** Every built-in record type name, plural and singular, as the English catalogue writes it. */
let builtInNames:
  | { pattern: RegExp; byWord: Map<string, { def: RecordDef; plural: boolean }> }
  | null = null;

function builtInNamesOf() {
  if (builtInNames) return builtInNames;
  const byWord = new Map<string, { def: RecordDef; plural: boolean }>();
  for (const def of RECORD_TYPES) {
    byWord.set(def.plural.toLowerCase(), { def, plural: true });
    byWord.set(def.singular.toLowerCase(), { def, plural: false });
  }
  const names = [...byWord.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`\\b(${names.map(escape).join("|")})\\b`, "gi");
  return builtInNames = { pattern, byWord };
}

/** A record type's argument name in a `.renamed` message: "Purchase order" -> "purchase_order". */
export function typeArgument(def: RecordDef): string {
  return def.singular.toLowerCase().replace(/[^a-z0-9]+/g, "_");
}

/**
 * The record types an English message names, as a reader of `language` names them: for each, its
 * name (`{load}`, lower case) and the gender a sentence agrees with (`{load_gender}`, "other"
 * for the built-in word's); null when the tenant renamed none of them.
 */
function typeArguments(
  doc: Configuration,
  language: Language,
  english: string,
): Record<string, string> | null {
  const { pattern, byWord } = builtInNamesOf();
  const out: Record<string, string> = {};
  let renamed = false;
  for (const m of english.matchAll(pattern)) {
    const { def, plural } = byWord.get(m[1]!.toLowerCase())!;
    const slot = typeArgument(def);
    if (slot in out) continue;
    const terms = termsIn(doc, def.collection, language);
    if (terms) renamed = true;
    const shown = terms ?? recordTypeIn(doc, def, language);
    out[slot] = caseLike(plural ? shown.plural : shown.singular, "a");
    out[`${slot}_gender`] = terms?.gender ?? "other";
  }
  return renamed ? out : null;
}

/**
 * A catalogue message as a workspace's reader reads it, with its arguments: a phrase the tenant
 * reworded (`terminology.phrases`) as written; in English the renamed record types replace the
 * built-in words of the message; in another language a message that names a renamed type is
 * written from its `<key>.renamed` message, which takes each type the English names as
 * `{load}` (the tenant's name for that language, else its English rename, else the translation)
 * with `{load_gender}` for the articles and endings (`select`, `other` being the built-in word's
 * gender): "La carga L-7 fue entregada" reads "El envío L-7 fue entregado". A message without a
 * `.renamed` one reads as translated. Notifications, their e-mails and the preferences page use
 * it; the palette's `messagesInWords` is the same idea for an island's messages.
 */
export function messageInWords(
  config: Configuration | undefined | null,
  language: Language,
  key: string,
  args: MessageArgs = {},
): string {
  const doc = documentOf(config);
  const english = CATALOGUES.en[key];
  if (english === undefined) return key;
  const phrases = doc.terminology.phrases as Readonly<Record<string, string>>;
  if (Object.keys(phrases).length) {
    const reworded = phrases[formatMessage("en", english, args)];
    if (reworded !== undefined) return reworded;
  }
  const own = CATALOGUES[language][key];
  if (language === "en" || own === undefined) {
    // An argument's name ("{load}") is not a word to rename.
    const { replaceMessage } = resolve(doc);
    const named = english.split(/(\{\s*\w+)/).map((part, i) => i % 2 ? part : replaceMessage(part));
    return formatMessage("en", named.join(""), args);
  }
  const renamed = CATALOGUES[language][`${key}.renamed`];
  const types = renamed === undefined ? null : typeArguments(doc, language, english);
  return formatMessage(language, types ? renamed! : own, types ? { ...args, ...types } : args);
}
