/**
 * @module customization/document/schema
 * The tenant configuration document: one strict zod schema, every key with a default, a
 * description and an example, so that an empty document is valid (the built-in product) and the
 * reference (docs/configuration.md) is generated from this file alone.
 *
 * Format 1 holds `branding`, and `terminology`, `formats`, `layouts` and `features`
 * (customization/document/shaping.ts). The document grows by sections, each a key of its own with
 * defaults that keep today's behaviour, so a stored document stays valid when a section is added.
 */
import { z } from "zod";
import { CustomFieldsSchema } from "./fields_schema.ts";
import { RulesSchema } from "./rules_schema.ts";
import { AA_NORMAL_TEXT, contrastFailures, formatRatio } from "./contrast.ts";
import { FeaturesSchema, FormatsSchema, LayoutsSchema, TerminologySchema } from "./shaping.ts";
import { checkLayoutFields } from "./layout_check.ts";

const HEX = /^#[0-9a-f]{6}$/;

/** The colours a tenant may set, in the order the reference and the settings page list them. */
export const COLOUR_KEYS = [
  "primary",
  "primary_text",
  "primary_hover",
  "accent",
  "background",
  "surface",
  "surface_alt",
  "text",
  "muted_text",
  "border",
  "success_text",
  "success_background",
  "warning_text",
  "warning_background",
  "danger_text",
  "danger_background",
  "danger",
] as const;

export type ColourKey = typeof COLOUR_KEYS[number];

/** A colour key: its CSS custom property (static/app.css), its built-in light and dark values. */
export interface ColourToken {
  key: ColourKey;
  token: string;
  light: string;
  dark: string;
  description: string;
}

/** Every colour a tenant may set, with the custom property of static/app.css it overrides. */
export const COLOUR_TOKENS: readonly ColourToken[] = [
  {
    key: "primary",
    token: "--color-primary",
    light: "#9b1c2e",
    dark: "#ec6f82",
    description: "Buttons, links and the current navigation entry.",
  },
  {
    key: "primary_text",
    token: "--color-primary-text",
    light: "#ffffff",
    dark: "#15090c",
    description: "Text on primary buttons.",
  },
  {
    key: "primary_hover",
    token: "--color-primary-hover",
    light: "#7d1524",
    dark: "#f58f9e",
    description: "Buttons and links under the pointer.",
  },
  {
    key: "accent",
    token: "--color-focus",
    light: "#1d5fd1",
    dark: "#7aa7ff",
    description: "The focus ring and highlights.",
  },
  {
    key: "background",
    token: "--color-bg",
    light: "#f6f7f9",
    dark: "#12161c",
    description: "The page behind cards and tables.",
  },
  {
    key: "surface",
    token: "--color-surface",
    light: "#ffffff",
    dark: "#1a2029",
    description: "Cards, tables, the top bar and forms.",
  },
  {
    key: "surface_alt",
    token: "--color-surface-2",
    light: "#eef1f5",
    dark: "#232b36",
    description: "Table headers, striped rows and secondary panels.",
  },
  {
    key: "text",
    token: "--color-text",
    light: "#1b2430",
    dark: "#e6eaf0",
    description: "Body text.",
  },
  {
    key: "muted_text",
    token: "--color-muted",
    light: "#5b6675",
    dark: "#a3adba",
    description: "Hints, captions and secondary text.",
  },
  {
    key: "border",
    token: "--color-border",
    light: "#d5dbe3",
    dark: "#334050",
    description: "Lines around cards, fields and tables.",
  },
  {
    key: "success_text",
    token: "--color-ok-text",
    light: "#155d2b",
    dark: "#9be3b1",
    description: "Text of success notices and statuses.",
  },
  {
    key: "success_background",
    token: "--color-ok-bg",
    light: "#e3f4e8",
    dark: "#173523",
    description: "Background of success notices and statuses.",
  },
  {
    key: "warning_text",
    token: "--color-warn-text",
    light: "#6b4a00",
    dark: "#f4d58a",
    description: "Text of warnings.",
  },
  {
    key: "warning_background",
    token: "--color-warn-bg",
    light: "#fff3d6",
    dark: "#3b2f10",
    description: "Background of warnings.",
  },
  {
    key: "danger_text",
    token: "--color-danger-text",
    light: "#9a1b1f",
    dark: "#ffb4b8",
    description: "Text of errors.",
  },
  {
    key: "danger_background",
    token: "--color-danger-bg",
    light: "#fde7e9",
    dark: "#3d1a1d",
    description: "Background of errors.",
  },
  {
    key: "danger",
    token: "--color-danger",
    light: "#b42318",
    dark: "#ff8a8f",
    description: "Destructive buttons and error outlines.",
  },
];

/** Fonts from a safe list: system font stacks only, nothing fetched from another origin. */
export const FONT_STACKS = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  humanist:
    'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif',
  geometric: 'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
  classical: 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif',
  industrial:
    'Bahnschrift, "DIN Alternate", "Franklin Gothic Medium", "Nimbus Sans Narrow", sans-serif',
  monospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
} as const;

export type FontName = keyof typeof FONT_STACKS;

/** An uploaded logo or favicon: the SHA-256 of its bytes and its type (customization/assets.ts). */
export const ASSET_NAME = /^[0-9a-f]{64}\.(png|jpg)$/;

function palette(scheme: "light" | "dark") {
  const shape: Record<string, z.ZodType> = {};
  for (const t of COLOUR_TOKENS) {
    shape[t.key] = z.string().trim().toLowerCase().regex(HEX, "Use a colour like #1f6f43.")
      .default(t[scheme]).meta({
        description: `${t.description} Overrides \`${t.token}\`.`,
        examples: [scheme === "light" ? "#1f6f43" : "#7fd1a1"],
      });
  }
  return z.strictObject(shape as Record<ColourKey, z.ZodDefault<z.ZodString>>).superRefine(
    (parsed, ctx) => {
      const colours: Record<string, string> = parsed;
      for (const f of contrastFailures(colours)) {
        ctx.addIssue({
          code: "custom",
          path: [f.text],
          message: `${f.text} ${colours[f.text]} on ${f.background} ${
            colours[f.background]
          } has a contrast of ${
            formatRatio(f.ratio)
          }; WCAG AA needs at least ${AA_NORMAL_TEXT}:1. Darken or lighten one of them.`,
        });
      }
    },
  ).prefault({}).meta({
    description: scheme === "light"
      ? "Colours in the light appearance. Each text colour must reach WCAG AA (4.5:1) on the background it is read on."
      : "Colours in the dark appearance (dark, or automatic on a device set to dark). The same contrast rule applies.",
  });
}

/** Branding and theming: names, images, colours, appearance, density and font. */
export const BrandingSchema = z.strictObject({
  product_name: z.string().trim().min(1, "Enter a product name.").max(
    60,
    "Use at most 60 characters.",
  )
    .default("ProjectMeats").meta({
      description: "The product's name as your users see it: the top bar, page titles and e-mails.",
      examples: ["Prairie Trade Desk"],
    }),
  logo: z.string().regex(ASSET_NAME, "Upload the logo first; use the name the upload returns.")
    .nullable().default(null).meta({
      description:
        "An uploaded logo (PNG or JPEG, up to 512 KiB and 2048 px), shown in the top bar and on PDFs. Null: the built-in mark.",
      examples: ["3f7a0c9e8b1d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5.png"],
    }),
  favicon: z.string().regex(
    ASSET_NAME,
    "Upload the favicon first; use the name the upload returns.",
  )
    .nullable().default(null).meta({
      description: "An uploaded favicon (PNG or JPEG, square). Null: the built-in icon.",
      examples: ["0a1b2c3d4e5f60718293a4b5c6d7e8f93f7a0c9e8b1d2a4c6e8f0a1b2c3d4e5f.png"],
    }),
  appearance: z.enum(["automatic", "light", "dark"]).default("automatic").meta({
    description: "Light, dark, or automatic (follows each device's setting).",
    examples: ["light"],
  }),
  density: z.enum(["comfortable", "compact"]).default("comfortable").meta({
    description: "Spacing of tables and forms: compact fits more rows on a screen.",
    examples: ["compact"],
  }),
  font: z.enum(Object.keys(FONT_STACKS) as [FontName, ...FontName[]]).default("system").meta({
    description: "The typeface, from a safe list of system font stacks (nothing is downloaded).",
    examples: ["humanist"],
  }),
  colors: palette("light"),
  dark_colors: palette("dark"),
}).prefault({}).meta({ description: "Branding and theming of every page, PDF and e-mail." });

/** The tenant configuration document (format 1). */
export const ConfigurationSchema = z.strictObject({
  format: z.literal(1).default(1).meta({
    description: "The document's format. Only 1 exists; a later format is converted on import.",
    examples: [1],
  }),
  branding: BrandingSchema,
  terminology: TerminologySchema,
  formats: FormatsSchema,
  layouts: LayoutsSchema,
  features: FeaturesSchema,
  custom_fields: CustomFieldsSchema,
  rules: RulesSchema,
}).check(z.superRefine(checkLayoutFields, {
  // Layouts name custom fields too: checked once both sections have their shape, even while
  // another section has problems of its own (so every problem is listed in one answer).
  // A document that is not an object at all (`[]`, `"text"`) has its issue at the root: no check.
  when: (payload) =>
    payload.issues.every((i) =>
      (i.path?.length ?? 0) > 0 && i.path![0] !== "layouts" && i.path![0] !== "custom_fields"
    ),
}));

export type Configuration = z.infer<typeof ConfigurationSchema>;
export type Branding = Configuration["branding"];

/** The built-in configuration: what a tenant has before its first change (version 0). */
export const DEFAULT_CONFIGURATION: Configuration = ConfigurationSchema.parse({});
