/**
 * @module customization/document/shaping
 * The sections of the configuration document that shape the product's words and screens:
 * `terminology` (names of record types, field labels, navigation), `formats` (dates, numbers,
 * currency, the default weight unit), `layouts` (form and detail sections, list columns and
 * default filters per role, dashboard cards per role) and `features` (switches per tenant).
 * Every default keeps the built-in product, so an empty document changes nothing. The resolver
 * that applies them is `terms.ts`; the schema only checks that each name it holds exists.
 */
import { z } from "zod";
import { RECORD_TYPES, recordType } from "../../domain/catalog.ts";
import { ROLES } from "../../auth/roles.ts";
import { LANGUAGES } from "../../i18n/format.ts";
import {
  CURRENCY_DISPLAYS,
  DATE_FORMATS,
  NUMBER_FORMATS,
  type NumberFormat,
} from "../../domain/format.ts";

const COLLECTIONS = RECORD_TYPES.map((def) => def.collection) as [string, ...string[]];
const CollectionKey = z.enum(COLLECTIONS);

/** Navigation entries, by key: `dashboard` for `/`, otherwise the path without its slash. */
export const NAVIGATION_KEYS = [
  "dashboard",
  "purchase-orders",
  "sales-orders",
  "loads",
  "invoices",
  "payments",
  "claims",
  "suppliers",
  "plants",
  "customers",
  "carriers",
  "contacts",
  "locations",
  "products",
  "documents",
  "approvals",
  "reports",
  "assistant",
  "settings",
  "help",
] as const;
export type NavigationKey = typeof NAVIGATION_KEYS[number];

/** The dashboard's cards, in their built-in order (components/Dashboard.tsx). */
export const DASHBOARD_CARDS = [
  "open_purchase_orders",
  "loads_by_status",
  "receivables_aging",
  "payables_this_week",
  "margin_weeks",
  "top_customers",
  "top_suppliers",
] as const;
export type DashboardCard = typeof DASHBOARD_CARDS[number];

/**
 * Fixed phrases of the interface a tenant may reword (`terminology.phrases`): buttons, menus,
 * tabs and headings that are not the name of a record type or field. Components write them as
 * `<T>…</T>` (components/Words.tsx).
 */
export const PHRASES = [
  "Export CSV",
  "Import CSV",
  "Columns",
  "Show these columns",
  "Save columns",
  "Edit",
  "Archive",
  "Restore",
  "Delete…",
  "Delete",
  "Download PDF",
  "Details",
  "Totals",
  "Lines",
  "History",
  "See all",
  "First page",
  "Next page",
  "Search",
  "Archived",
  "Apply",
  "Clear",
  "Profile",
  "Company",
  "Configuration",
  "Members",
  "API tokens",
  "Option lists",
  "Domain",
  "Billing",
  "Jobs",
  "Single sign-on",
  "Security",
  "Your data",
  "Sign out",
  "Ask",
  "Search everything",
  "Ask about your business",
  "Commands",
  "Webhooks",
  "Alerts",
  "Plugins",
  "Documents",
  "Payments",
  "Exchange rates",
  "Activity",
  "Add note",
  "Note",
  "Log a call…",
  "Log call",
  "Whom you called",
  "Outcome",
  "What was said",
  "Follow up on",
  "Save view",
  "Save this view as",
  "Add line",
  "Cancel",
] as const;
export type Phrase = typeof PHRASES[number];

/** Per-role keys of layouts: `default` for every role without its own entry. */
const RoleKey = z.enum(["default", ...ROLES] as [string, ...string[]]);

const Label = z.string().trim().min(1, "Enter a label.").max(60, "Use at most 60 characters.");

/** The languages besides English that a tenant may name its record types in. */
const OTHER_LANGUAGES = LANGUAGES.filter((l) => l !== "en") as [string, ...string[]];

/** A record type's names in one more language, and the grammatical gender its sentences need. */
const LanguageTerms = z.strictObject({
  singular: Label,
  plural: Label,
  gender: z.enum(["masculine", "feminine"]).nullable().default(null),
});

const RecordTerms = z.strictObject({
  singular: Label.nullable().default(null),
  plural: Label.nullable().default(null),
  fields: z.record(z.string(), Label).default({}),
  languages: z.partialRecord(z.enum(OTHER_LANGUAGES), LanguageTerms).default({}),
});

/** Names of record types and fields, navigation labels and order. */
export const TerminologySchema = z.strictObject({
  record_types: z.partialRecord(CollectionKey, RecordTerms).default({}).meta({
    description:
      'New names per record type (by its collection, such as `suppliers`): `singular`, `plural` and `fields` (a field\'s name to its label). A renamed type also renames the labels that use its built-in name (a PO\'s "Supplier" field, "Loads picked up here"), unless a label is set here. Shown on pages, navigation, forms, lists, CSV headers, PDFs, e-mails and in search. `languages` names the type in the other languages of the interface (`es`: `singular`, `plural` and `gender`, `masculine` or `feminine`, which sentences such as "Nuevo envío" agree with); without it, readers of another language read the English names given here, in sentences that keep the built-in word\'s gender ("Nueva shipment").',
    examples: [{
      suppliers: { singular: "Packer", plural: "Packers", fields: {}, languages: {} },
      loads: {
        singular: "Shipment",
        plural: "Shipments",
        fields: { bol_number: "BOL #" },
        languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
      },
    }],
  }),
  navigation_labels: z.partialRecord(z.enum(NAVIGATION_KEYS), Label).default({}).meta({
    description:
      "Labels of navigation entries by key (`dashboard`, a record type's collection, `documents`, `approvals` (shown while a rule requires approval), `reports`, `assistant`, `settings`, `help`); a record type's entry follows its plural unless set here.",
    examples: [{ dashboard: "Today", reports: "Numbers" }],
  }),
  phrases: z.partialRecord(z.enum(PHRASES), Label).default({}).meta({
    description:
      "Other words of the interface, reworded: buttons, menus, tabs and headings, by their built-in text. Allowed: " +
      PHRASES.map((p) => `\`${p}\``).join(", ") + ".",
    examples: [{ "Export CSV": "Download spreadsheet", "Sign out": "Log off" }],
  }),
  navigation_order: z.array(z.enum(NAVIGATION_KEYS)).max(NAVIGATION_KEYS.length).default([])
    .meta({
      description:
        "Navigation entries to show first, in this order; the others follow in their built-in order. Empty: the built-in order.",
      examples: [["dashboard", "loads", "purchase-orders", "sales-orders"]],
    }),
}).superRefine((terms, ctx) => {
  for (const [collection, entry] of Object.entries(terms.record_types)) {
    const def = recordType(collection)!;
    const names = new Set([...def.fields, ...(def.lines?.fields ?? [])].map((f) => f.name));
    for (const name of Object.keys(entry?.fields ?? {})) {
      if (names.has(name)) continue;
      ctx.addIssue({
        code: "custom",
        path: ["record_types", collection, "fields", name],
        message: `${def.plural} have no field "${name}". Allowed here: ${[...names].join(", ")}.`,
      });
    }
  }
}).prefault({}).meta({ description: "The words users read: record types, fields, navigation." });

/** How dates, numbers, money and weights read. */
export const FormatsSchema = z.strictObject({
  date_format: z.enum(DATE_FORMATS).default(
    "medium",
  ).meta({
    description:
      "Dates: `medium` Oct 5, 2026; `long` October 5, 2026; `iso` 2026-10-05; `day_month_year` 05/10/2026; `month_day_year` 10/05/2026.",
    examples: ["day_month_year"],
  }),
  first_day_of_week: z.enum(["monday", "sunday", "saturday"]).default("monday").meta({
    description:
      'The day a week starts on: the dashboard\'s "To pay this week" runs to the day before it.',
    examples: ["sunday"],
  }),
  number_format: z.enum(Object.keys(NUMBER_FORMATS) as [NumberFormat, ...NumberFormat[]]).default(
    "1,234.56",
  )
    .meta({
      description: "Digit grouping and decimal mark of numbers, money and weights on screen.",
      examples: ["1.234,56"],
    }),
  currency_display: z.enum(CURRENCY_DISPLAYS).default("symbol").meta({
    description:
      "Money as `$1.00` (symbol), `$1.00` (narrow_symbol), `USD 1.00` or `1.00 US dollars`.",
    examples: ["code"],
  }),
  weight_unit: z.enum(["LB", "KG"]).default("LB").meta({
    description: "The weight unit new order, invoice and product lines start with.",
    examples: ["KG"],
  }),
}).prefault({}).meta({ description: "Formats of dates, numbers, money and weights." });

const FieldList = z.array(z.string().min(1)).max(200);

const RecordLayout = z.strictObject({
  sections: z.array(z.strictObject({ title: Label, fields: FieldList })).max(20).default([]),
  hidden: FieldList.default([]),
  required: FieldList.default([]),
  list_columns: z.partialRecord(RoleKey, FieldList).default({}),
  default_filters: z.partialRecord(RoleKey, z.record(z.string(), z.string().max(200))).default(
    {},
  ),
});

const DashboardCards = z.array(z.enum(DASHBOARD_CARDS)).max(DASHBOARD_CARDS.length);

/** Which fields show where, per record type; dashboard cards per role. */
export const LayoutsSchema = z.strictObject({
  record_types: z.partialRecord(CollectionKey, RecordLayout).default({}).meta({
    description:
      "Per record type (by collection): `sections` (form and detail page sections, each a `title` and its `fields` in order; fields not listed keep their built-in section after them), `hidden` (fields not shown on the form or detail page; their values are kept), `required` (fields required beyond the built-in ones), `list_columns` and `default_filters` per role (`default` or a role: `owner`, `admin`, `broker`, `accounting`, `viewer`). Fields are named by their key: a built-in field or one of the type's `custom_fields`; a custom field removed from `custom_fields` must leave the layout in the same change. A default filter takes a list filter's name (a date as `<field>_from` or `<field>_to`; not a custom field whose `filter` is off).",
    examples: [{
      loads: {
        sections: [{
          title: "Shipping",
          fields: ["carrier_id", "pickup_date", "delivery_date", "container"],
        }],
        hidden: ["seal_number"],
        required: ["bol_number"],
        list_columns: { broker: ["status", "pickup_date", "carrier_id", "container"] },
        default_filters: { broker: { status: "booked" } },
      },
    }],
  }),
  dashboard_cards: z.partialRecord(RoleKey, DashboardCards).default({}).meta({
    description:
      "Dashboard cards shown, in order, per role (`default` or a role). A role without an entry sees `default`, or every card. Cards: " +
      DASHBOARD_CARDS.map((c) => `\`${c}\``).join(", ") + ".",
    examples: [{ broker: ["open_purchase_orders", "loads_by_status", "top_suppliers"] }],
  }),
}).prefault({}).meta({ description: "Fields, sections, list columns and dashboard cards." });

/** The switches a tenant may turn off; a feature its plan does not include stays off. */
export const FEATURE_SWITCHES = {
  assistant: "The assistant (navigation entry, Ask panel, pages); needs a plan with the assistant.",
  documents: "Documents: uploading and reading POs, BOLs and invoices into records.",
  reports: "The Reports page (margin, aging).",
  csv_import: "Importing records from CSV files.",
  csv_export: "Exporting lists as CSV files.",
  paperwork: "PDF paperwork (invoices, confirmations, purchase orders, rate confirmations).",
} as const;
export type FeatureSwitch = keyof typeof FEATURE_SWITCHES;

const switches: Record<string, z.ZodType> = {};
for (const [key, description] of Object.entries(FEATURE_SWITCHES)) {
  switches[key] = z.boolean().default(true).meta({ description, examples: [false] });
}

/** Feature switches per tenant (plan entitlements still win). */
export const FeaturesSchema = z.strictObject(
  switches as Record<FeatureSwitch, z.ZodDefault<z.ZodBoolean>>,
).prefault({}).meta({ description: "Features the workspace uses; off hides and refuses them." });
