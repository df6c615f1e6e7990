/**
 * @module framework/build
 * Builds the browser assets once at start: every `islands/*.tsx` into an ES module that hydrates
 * it (esbuild, code-split so Preact is one shared chunk), and `static/*.css`; each file is named by
 * a hash of its content so it can be cached forever. Everything stays in memory.
 */
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { fileURLToPath as fromFileUrl } from "node:url";

export interface BuiltFile {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

export interface AssetManifest {
  /** Island name -> URL of its hydration module. */
  islands: Record<string, string>;
  /** URL of the stylesheet. */
  css: string;
  /** URL path -> file, for the asset handler. */
  files: Map<string, BuiltFile>;
}

const ISLANDS_DIR = new URL("../islands/", import.meta.url);
const STATIC_DIR = new URL("../static/", import.meta.url);

function hashOf(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 12);
}

async function islandNames(): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(ISLANDS_DIR)) {
    const m = /^([A-Z][A-Za-z0-9]*)\.tsx$/.exec(e.name);
    if (e.isFile && m) names.push(m[1]!);
  }
  return names.sort();
}

/** Source of the module that hydrates one island: `mount(element, props)`. */
function entrySource(name: string): string {
  const path = fromFileUrl(new URL(`${name}.tsx`, ISLANDS_DIR));
  return `import { h, hydrate } from "preact";
import Island from ${JSON.stringify(path)};
export default function mount(el, props) { hydrate(h(Island, props), el); }`;
}

let cached: Promise<AssetManifest> | undefined;

/** Builds (once per process) the island bundles and the stylesheet. */
export function buildAssets(): Promise<AssetManifest> {
  cached ??= build().finally(() => esbuild.stop());
  return cached;
}

async function build(): Promise<AssetManifest> {
  const files = new Map<string, BuiltFile>();
  const names = await islandNames();
  const islands: Record<string, string> = {};
  if (names.length > 0) {
    const result = await esbuild.build({
      entryPoints: names.map((n) => ({ in: `island:${n}`, out: n })),
      plugins: [{
        name: "island-entries",
        setup(b) {
          b.onResolve(
            { filter: /^island:/ },
            (a) => ({ path: a.path.slice(7), namespace: "island" }),
          );
          b.onLoad({ filter: /.*/, namespace: "island" }, (a) => ({
            contents: entrySource(a.path),
            loader: "js",
            resolveDir: fromFileUrl(ISLANDS_DIR),
          }));
        },
      }],
      bundle: true,
      splitting: true,
      format: "esm",
      target: "es2020",
      minify: true,
      write: false,
      outdir: "/_islands",
      entryNames: "[name]-[hash]",
      chunkNames: "chunk-[hash]",
      jsx: "automatic",
      jsxImportSource: "preact",
      metafile: true,
      logLevel: "silent",
    });
    for (const out of result.outputFiles) {
      const url = out.path.slice(out.path.indexOf("/_islands/"));
      files.set(url, {
        body: new Uint8Array(out.contents),
        contentType: "text/javascript; charset=utf-8",
      });
    }
    for (const [out, meta] of Object.entries(result.metafile!.outputs)) {
      const name = meta.entryPoint?.replace(/^island:/, "");
      if (name) islands[name] = out.slice(out.indexOf("/_islands/"));
    }
  }
  const css = await Deno.readFile(new URL("app.css", STATIC_DIR));
  const cssUrl = `/static/app-${hashOf(css)}.css`;
  files.set(cssUrl, { body: css, contentType: "text/css; charset=utf-8" });
  return { islands, css: cssUrl, files };
}
