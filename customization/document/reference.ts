/**
 * @module customization/document/reference
 * The configuration reference, generated from the schema alone: `docs/configuration.md` for
 * developers and `docs/help/13_configuration_and_branding.md` for the tenant's admins, and the
 * key table of that article's translations (docs/help/<language>/, translated by hand around it).
 * Run `deno task config:docs` after changing the schema; reference_test.ts fails while the
 * committed files differ from what this module writes.
 */
import { z } from "zod";
import { stringify as stringifyYaml } from "yaml";
import { ConfigurationSchema, DEFAULT_CONFIGURATION } from "./schema.ts";
import { AA_NORMAL_TEXT, TEXT_PAIRS } from "./contrast.ts";
import type { Language } from "../../i18n/format.ts";

type Json = Record<string, unknown>;

/** One documented key of the document. */
export interface ReferenceKey {
  path: string;
  type: string;
  defaultValue: unknown;
  allowed: string;
  description: string;
  example: unknown;
}

function chars(n: number): string {
  return `${n} character${n === 1 ? "" : "s"}`;
}

function describeType(s: Json): { type: string; allowed: string } {
  if (Array.isArray(s.anyOf)) {
    const parts = (s.anyOf as Json[]).map(describeType);
    return {
      type: parts.map((p) => p.type).join(" or "),
      allowed: parts.map((p) => p.allowed).filter(Boolean).join("; "),
    };
  }
  if (Array.isArray(s.enum)) {
    return { type: "choice", allowed: (s.enum as unknown[]).map((v) => `\`${v}\``).join(", ") };
  }
  if (s.const !== undefined) return { type: String(s.type ?? "value"), allowed: `\`${s.const}\`` };
  if (s.type === "null") return { type: "null", allowed: "" };
  const limits = [
    s.pattern ? `matches \`${s.pattern}\`` : "",
    s.minLength !== undefined ? `at least ${chars(Number(s.minLength))}` : "",
    s.maxLength !== undefined ? `at most ${chars(Number(s.maxLength))}` : "",
  ].filter(Boolean);
  return { type: String(s.type ?? "value"), allowed: limits.join(", ") };
}

/** Every leaf key of the document, depth first, in schema order. */
export function referenceKeys(): ReferenceKey[] {
  const root = z.toJSONSchema(ConfigurationSchema, { io: "input" }) as Json;
  const out: ReferenceKey[] = [];
  const walk = (schema: Json, path: string[], defaults: unknown) => {
    const props = schema.properties as Record<string, Json> | undefined;
    if (schema.type === "object" && props) {
      for (const [key, child] of Object.entries(props)) {
        walk(child, [...path, key], (defaults as Record<string, unknown> | undefined)?.[key]);
      }
      return;
    }
    const { type, allowed } = describeType(schema);
    out.push({
      path: path.join("."),
      type,
      defaultValue: defaults,
      allowed,
      description: String(schema.description ?? ""),
      example: (schema.examples as unknown[] | undefined)?.[0],
    });
  };
  walk(root, [], DEFAULT_CONFIGURATION);
  return out;
}

function code(value: unknown): string {
  return value === undefined ? "" : `\`${JSON.stringify(value)}\``;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function table(keys: ReferenceKey[]): string {
  const rows = keys.map((k) =>
    `| \`${k.path}\` | ${k.type} | ${code(k.defaultValue)} | ${cell(k.allowed)} | ${
      code(k.example)
    } | ${cell(k.description)} |`
  );
  return [
    "| key | type | default | allowed | example | what it does |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** The help table's own words per language; the keys' descriptions (the schema's) stay English. */
const HELP_TABLE_WORDS = {
  en: {
    head: "| setting | default | choices | what it does |",
    object: "names and texts, written as in the example above",
    colour: "a colour such as #1f6f43",
    image: "an uploaded image, or none",
    text: "text",
    none: "none",
  },
  es: {
    head: "| ajuste | valor predeterminado | opciones | qué hace |",
    object: "nombres y textos, escritos como en el ejemplo de arriba",
    colour: "un color como #1f6f43",
    image: "una imagen subida, o ninguna",
    text: "texto",
    none: "ninguno",
  },
} as const;

/**
 * The help article's table: plain words, no patterns (the help renderer splits cells on "|"). In
 * another language the column names and the kinds of value are translated; each key's description
 * comes from the schema and stays English.
 */
export function helpTable(keys: ReferenceKey[], language: Language = "en"): string {
  const w = HELP_TABLE_WORDS[language];
  const rows = keys.filter((k) => k.path !== "format").map((k) => {
    const choices = k.allowed.startsWith("`")
      ? k.allowed
      : k.type === "object" || k.type === "array"
      ? w.object
      : k.path.includes("colors.")
      ? w.colour
      : k.type.includes("null")
      ? w.image
      : w.text;
    const shown = k.defaultValue === null
      ? w.none
      : typeof k.defaultValue === "object"
      ? `\`${JSON.stringify(k.defaultValue)}\``
      : `\`${String(k.defaultValue)}\``;
    return `| \`${k.path}\` | ${shown} | ${choices} | ${cell(k.description)} |`;
  });
  return [w.head, "| --- | --- | --- | --- |", ...rows].join("\n");
}

/**
 * A translation of docs/help/13_configuration_and_branding.md with its key table made from the
 * schema: the last table of the hand-translated article is replaced, the rest kept as written.
 */
export function translatedConfigurationHelp(translation: string, language: Language): string {
  const lines = translation.split("\n");
  let end = lines.length - 1;
  while (end >= 0 && !lines[end]!.trimStart().startsWith("|")) end--;
  if (end < 0) throw new Error(`The ${language} configuration article has no key table to fill.`);
  let start = end;
  while (start > 0 && lines[start - 1]!.trimStart().startsWith("|")) start--;
  lines.splice(start, end - start + 1, helpTable(referenceKeys(), language));
  return lines.join("\n");
}

const PAIRS = TEXT_PAIRS.map(([t, b]) => `\`${t}\` on \`${b}\``).join(", ");

const EXAMPLE = `format: 1
branding:
  product_name: Prairie Trade Desk
  appearance: light
  density: compact
  font: humanist
  colors:
    primary: "#1f6f43"
    primary_hover: "#17563a"
terminology:
  record_types:
    suppliers: { singular: Packer, plural: Packers }
    loads: { singular: Shipment, plural: Shipments, fields: { bol_number: "BOL #" } }
  phrases: { "Export CSV": Download spreadsheet }
formats: { date_format: day_month_year, number_format: "1.234,56", weight_unit: KG }
layouts:
  dashboard_cards:
    broker: [open_purchase_orders, loads_by_status, top_suppliers]
features: { assistant: false }
`;

/** docs/configuration.md. */
export function configurationReference(): string {
  const keys = referenceKeys();
  return `<!-- Generated by \`deno task config:docs\` from customization/document/schema.ts. Do not edit. -->

# Tenant configuration reference

Each workspace has one configuration document: branding and theme, terminology, formats,
layouts and feature switches, and the sections that follow below as they are built. It is stored in the workspace's own database with every earlier
version (who, when, the whole document and what changed), applied atomically and rolled back to any
earlier version (a rollback is a new version). Change it in **Settings → Configuration** (export and
import as YAML or JSON, with a preview of what changes) or through the API:

| call | what it does |
| --- | --- |
| \`GET /api/v1/config\` | the document as JSON, or YAML with \`Accept: application/yaml\`; the \`ETag\` is its version |
| \`PUT /api/v1/config\` | replace it (JSON or YAML by \`Content-Type\`); \`If-Match\` with the version you read is required, a stale one answers 412 |
| \`POST /api/v1/config/validate\` | the errors by path and the changes it would make; nothing is applied |
| \`GET /api/v1/config/history\` | every version, newest first |
| \`POST /api/v1/config/rollback\` | \`{"version": N}\`: make version N's document current again, as a new version |
| \`POST /api/v1/config/assets\` | upload a logo or favicon (PNG or JPEG body); put the answered name in the document |

Scoped API tokens need \`config:read\` or \`config:write\`; changing the configuration needs an owner
or admin. Each change is logged in the security log as \`configuration.changed\` or
\`configuration.rolled_back\`.

Every key is optional: a key left out takes its default, and an empty document is the built-in
product (version 0). Unknown keys are refused, so a misspelt key is an error rather than silently
ignored. A bad document is answered with 400 and an error per path that names the allowed values,
and changes nothing.

## Example

\`\`\`yaml
${EXAMPLE}\`\`\`

## Keys

${table(keys)}

## Rules across keys

- **Contrast.** In \`branding.colors\` and \`branding.dark_colors\`, each text colour must reach WCAG
  AA (${AA_NORMAL_TEXT}:1) on the background it is read on: ${PAIRS}. A pair below it is refused
  with both colours and the ratio in the message.
- **Images.** \`branding.logo\` and \`branding.favicon\` name an image uploaded first: PNG or JPEG,
  checked by content (SVG is refused), at most 512 KiB and 2048 pixels a side.

## How it reaches every page

The theme is a stylesheet of CSS custom properties (the tokens of \`static/app.css\`) served at
\`/theme/<version>.css\` and linked by every page of the workspace after the app's own stylesheet;
no inline style is used, so the content security policy stays strict. The URL changes with each
version, so browsers cache it forever. PDFs of a workspace that changed its branding carry the logo
in the top margin, a band of the primary colour and the product name as their producer; invitation
e-mails name the product name.

Each process keeps the current document in its read cache, checked against the workspace's change
counter, which every configuration change bumps in its own transaction: the change is seen at once
by the process that made it, within 100 ms by other processes and machines, and at once with
\`REDIS_URL\` (the change notice). See [operations/redis.md](operations/redis.md). A page pays about
8 µs for it on a cache hit (measured over 50,000 reads), well under 1% of a list page.

## Changing the schema

A stored document is read through the schema on every load, so a change must keep every stored
document valid: add keys with defaults that keep today's behaviour, never make an existing key
stricter in place; a change that cannot be made so raises \`format\` and converts older documents
on read. Run \`deno task config:docs\` afterwards.

## Words, formats, layouts and switches

\`terminology\`, \`formats\`, \`layouts\` and \`features\` are applied by one resolver,
\`customization/terms.ts\`: pages, the navigation, forms, lists, CSV headers, PDFs and the dashboard
ask it for a record type as the workspace names it (\`recordTypeFor\`), a label (\`label\`), free
text in the workspace's words (\`words\`), the navigation, the form and detail layout, the list
columns and default filters of a role, and the dashboard's cards. A renamed record type also
renames the labels that use its built-in name as a word ("Supplier confirmation number", "Top
suppliers"). Fixed phrases of the interface are written \`<T>Export CSV</T>\`
(\`components/Words.tsx\`) and follow \`terminology.phrases\`. Formats go through
\`domain/format.ts\`, read with the Settings locale and currency in one query. A switched-off feature
(\`customization/features.ts\`) leaves the navigation and its pages answer 404; a plan without the
feature keeps it off whatever the switch says.

## Sections still to come

These keys will be added as sections of this document, each with defaults that keep today's
behaviour, so a stored document stays valid:

- \`custom_fields\`: fields per record type (text, number, money, date, choice, yes/no, link).
- \`rules\`: conditions and actions on record events and schedules, interpreted in the domain layer.
`;
}

/** docs/help/13_configuration_and_branding.md. */
export function configurationHelp(): string {
  const keys = referenceKeys();
  const yaml = stringifyYaml({ branding: { product_name: "Prairie Trade Desk" } });
  return `# Configuration and branding

Make the workspace your own: your product name, logo, colours, light or dark appearance, density
and font, your words for records and fields, formats, screens per role and the features you use,
kept as one configuration with its history.

## Where to change it

Owners and admins open **Settings → Configuration**. **Save branding** applies the product name,
appearance, density, font and colours at once; the preview beside the colours shows them before you
save and warns when a text colour is hard to read on its background. **Upload** sets a logo or a
favicon (PNG or JPEG, at most 512 KiB; SVG files are refused).

## Export and import

**Export** downloads the whole configuration as YAML or JSON. To import, choose a file or paste the
text and press **Preview changes**: the page lists each setting that would change, before and after.
Nothing changes until you press **Apply these changes**. A file with mistakes is refused with a line
for each one, naming the setting and the values it accepts. For example:

\`\`\`yaml
${yaml}\`\`\`

## Your words, formats and screens

Import a file to make the workspace speak your language and show what your team needs:

- **Words**: call suppliers "Packers" and loads "Shipments" (\`terminology.record_types\`), rename
  any field, the navigation entries and their order, and buttons and tabs such as "Export CSV"
  (\`terminology.phrases\`). The new words show on every page, form, list, CSV export, PDF and
  in the navigation; labels that contain the old name ("Supplier confirmation number") follow.
  Members who read Spanish see the names you give a type in Spanish (\`languages: es\`, with
  its gender, so that "Nueva carga" becomes "Nuevo envío"), or else your English names.
- **Formats**: dates (Oct 5, 2026, 05/10/2026 or 2026-10-05), numbers (1,234.56 or 1.234,56),
  money with a symbol, a code or the currency's name, the first day of the week, and the weight
  unit new lines start with (\`formats\`).
- **Screens**: sections and order of a form and record page, fields to hide or to require, the
  columns and filters a list opens with per role, and the dashboard cards each role sees, in
  order (\`layouts\`). A member's own column choice (**Columns** on a list) still wins. Custom
  fields are placed there by their key like built-in ones; a custom field removed from
  \`custom_fields\` leaves the layout in the same import, or the import is refused.
- **Features**: turn off the assistant, documents, reports, CSV import or export or PDFs
  (\`features\`); they leave the menus and their pages. A feature your plan does not include stays
  off.

\`\`\`yaml
terminology:
  record_types:
    suppliers: { singular: Packer, plural: Packers }
    loads:
      singular: Shipment
      plural: Shipments
      languages: { es: { singular: Envío, plural: Envíos, gender: masculine } }
layouts:
  dashboard_cards:
    broker: [open_purchase_orders, loads_by_status]
\`\`\`

## History and rollback

Every change is a new version: the history shows who made it, when, and what changed. **Roll back to
version N** makes an earlier configuration current again, as a new version, so you can undo the
undo.

## Readable colours

Text must stand out from its background by a contrast of at least ${AA_NORMAL_TEXT} to 1 (the WCAG
AA level). A colour pair below it is refused, with the pair and its contrast named.

## Every setting

${helpTable(keys)}

This list is made from the configuration itself, so it always shows every setting there is.
`;
}
