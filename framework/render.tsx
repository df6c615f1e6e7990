/**
 * @module framework/render
 * Renders a full HTML document from a Preact tree. If the tree used islands, one inline module
 * script (allowed by the request's CSP nonce) imports each island's module and hydrates its
 * elements; a page without islands ships no JavaScript at all.
 */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AssetManifest } from "./build.ts";
import { collectIslands } from "./island.tsx";

export interface PageOptions {
  title: string;
  nonce: string;
  assets:
    & Pick<AssetManifest, "islands" | "css">
    & Partial<Pick<AssetManifest, "favicon" | "islandModules">>;
  lang?: string;
  /** Stylesheets linked after the app's own (a tenant's theme), each from this origin. */
  stylesheets?: readonly string[];
  /** A favicon that replaces the built-in one (a tenant's, PNG or JPEG). */
  icon?: { href: string; type: string };
  /**
   * An installable app (a workspace's signed-in pages): its web app manifest, the colour of the
   * phone's status bar, and the home-screen icon for browsers that do not read the manifest's.
   */
  app?: { manifest: string; themeColor: string; touchIcon: string };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The inline boot script: import each used island and hydrate every element that names it. */
export function bootScript(islands: Iterable<string>, manifest: Record<string, string>): string {
  const lines: string[] = [];
  let i = 0;
  for (const name of islands) {
    const url = manifest[name];
    if (!url) throw new Error(`Island ${name} is not built (is islands/${name}.tsx missing?)`);
    lines.push(
      `import m${i} from ${JSON.stringify(url)};` +
        `for(const e of document.querySelectorAll('pm-island[data-island=${
          JSON.stringify(name)
        }]'))` +
        `m${i}(e,JSON.parse(e.dataset.props));`,
    );
    i++;
  }
  return lines.join("\n");
}

/**
 * `<link rel="modulepreload">` for every module the used islands load, so the browser fetches an
 * island and its shared chunks together instead of finding the chunks only once the island's
 * module has arrived (one round trip fewer on a slow phone network).
 */
function modulePreloads(islands: Set<string>, modules?: Record<string, string[]>): string {
  if (!modules || islands.size === 0) return "";
  const urls = new Set<string>();
  for (const name of islands) for (const url of modules[name] ?? []) urls.add(url);
  return [...urls].map((url) => `<link rel="modulepreload" href="${url}">`).join("");
}

/** Renders `<!doctype html>` and the page; adds the island boot script only when needed. */
export function renderPage(body: VNode, opts: PageOptions): string {
  return renderPageOf(() => renderToString(body), opts);
}

/**
 * `renderPage` for a body already assembled as HTML by `renderBody` (the app shell's kept
 * template with the request's parts spliced in), whose islands are collected as it runs.
 */
export function renderPageOf(renderBody: () => string, opts: PageOptions): string {
  const { result: html, islands } = collectIslands(renderBody);
  const script = islands.size > 0
    ? `<script type="module" nonce="${opts.nonce}">${
      bootScript(islands, opts.assets.islands).replace(/<\//g, "<\\/")
    }</script>`
    : "";
  return `<!doctype html><html lang="${opts.lang ?? "en"}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(opts.title)}</title>` +
    `<link rel="stylesheet" href="${opts.assets.css}">` +
    (opts.stylesheets ?? []).map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`)
      .join("") +
    modulePreloads(islands, opts.assets.islandModules) +
    (opts.icon
      ? `<link rel="icon" href="${escapeHtml(opts.icon.href)}" type="${
        escapeHtml(opts.icon.type)
      }">`
      : opts.assets.favicon
      ? `<link rel="icon" href="${opts.assets.favicon}" type="image/svg+xml">`
      : `<link rel="icon" href="data:,">`) +
    (opts.app
      ? `<link rel="manifest" href="${escapeHtml(opts.app.manifest)}">` +
        `<meta name="theme-color" content="${escapeHtml(opts.app.themeColor)}">` +
        `<link rel="apple-touch-icon" href="${escapeHtml(opts.app.touchIcon)}">`
      : "") +
    `</head><body>${html}${script}</body></html>`;
}
