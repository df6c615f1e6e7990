/**
 * @module customization/web_manifest
 * The web app manifest of a tenant's workspace (`/manifest.webmanifest`): its product name, its
 * theme's colours and icons made from its branding (customization/app_icons.ts), so a phone's home
 * screen shows the broker's own app. The icons' URLs carry the configuration version, which never
 * changes, so they can be cached for good; the manifest itself is revalidated.
 */
import type { Branding } from "./document/schema.ts";
import { APP_ICON_SIZES } from "./app_icons.ts";

/** The colours an icon and the manifest take from a branding, for its appearance. */
export function appColours(branding: Branding) {
  const colours = branding.appearance === "dark" ? branding.dark_colors : branding.colors;
  return {
    primary: colours.primary,
    primaryText: colours.primary_text,
    surface: colours.surface,
    background: colours.background,
  };
}

/** The URL of one app icon at a configuration version (served by routes/pwa.ts). */
export function appIconUrl(version: number, size: number, maskable: boolean): string {
  return `/app-icons/${version}/${size}${maskable ? "-maskable" : ""}.png`;
}

/** A short name for the home screen: the product name when it fits, else its first word. */
function shortName(name: string): string {
  return name.length <= 12 ? name : (name.split(/\s+/)[0] ?? name).slice(0, 12);
}

/** The manifest document of a workspace at one configuration version. */
export function webManifest(branding: Branding, version: number) {
  const colours = appColours(branding);
  return {
    id: "/",
    name: branding.product_name,
    short_name: shortName(branding.product_name),
    description: `${branding.product_name}: purchase orders, loads, invoices and documents.`,
    start_url: "/",
    scope: "/",
    display: "standalone",
    orientation: "any",
    theme_color: colours.primary,
    background_color: colours.background,
    icons: APP_ICON_SIZES.flatMap((size) => [
      { src: appIconUrl(version, size, false), sizes: `${size}x${size}`, type: "image/png" },
      {
        src: appIconUrl(version, size, true),
        sizes: `${size}x${size}`,
        type: "image/png",
        purpose: "maskable",
      },
    ]),
  };
}
