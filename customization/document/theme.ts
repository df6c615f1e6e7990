/**
 * @module customization/document/theme
 * A tenant's theme as a stylesheet of CSS custom properties (the tokens of static/app.css),
 * served from a versioned URL (`/theme-<version>.css`) that every page of the tenant links. A
 * stylesheet rather than inline styles: the CSP allows styles only from the app's own origin.
 * Loaded after app.css, its `:root` rules win over app.css's (same specificity, later).
 */
import { type Branding, COLOUR_TOKENS, FONT_STACKS } from "./schema.ts";

function declarations(colours: Record<string, string>): string[] {
  return COLOUR_TOKENS.map((t) => `${t.token}: ${colours[t.key] ?? t.light};`);
}

const COMPACT = [
  "--font-size: 14px;",
  "--space-3: 0.5rem;",
  "--space-4: 0.75rem;",
  "--space-5: 1rem;",
  "--space-6: 1.5rem;",
  "--topbar-height: 2.75rem;",
];

/** The stylesheet of `branding`: colours per appearance, density and font. */
export function themeCss(branding: Branding): string {
  const base = [`--font-body: ${FONT_STACKS[branding.font]};`];
  if (branding.density === "compact") base.push(...COMPACT);
  const light = declarations(branding.colors);
  const dark = declarations(branding.dark_colors);
  const block = (lines: string[]) => `:root {\n${lines.map((l) => `  ${l}`).join("\n")}\n}\n`;
  const header = "/* Tenant theme, generated from the configuration document. */\n";
  if (branding.appearance === "light") {
    return header + block(["color-scheme: light;", ...base, ...light]);
  }
  if (branding.appearance === "dark") {
    return header + block(["color-scheme: dark;", ...base, ...dark]);
  }
  return header + block(["color-scheme: light dark;", ...base, ...light]) +
    `@media (prefers-color-scheme: dark) {\n${block(dark).replace(/^/gm, "  ").trimEnd()}\n}\n`;
}
