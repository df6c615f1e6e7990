/**
 * @module framework/build
 * Builds the browser assets once at start: every `islands/*.tsx` into an ES module that hydrates
 * it (esbuild, code-split so Preact is one shared chunk), and the files of `static/` (stylesheet,
 * favicon); each file is named by a hash of its content so it can be cached forever. Text files
 * are compressed here, once, with brotli (quality 11) and gzip (level 9), so serving one costs a
 * map lookup rather than a compression per request. Everything stays in memory.
 */
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { fileURLToPath as fromFileUrl } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";

export interface BuiltFile {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** The body compressed with brotli, when that is smaller (text files of 1 KB and more). */
  br?: Uint8Array<ArrayBuffer>;
  /** The body compressed with gzip, likewise. */
  gzip?: Uint8Array<ArrayBuffer>;
}

export interface AssetManifest {
  /** Island name -> URL of its hydration module. */
  islands: Record<string, string>;
  /** Island name -> URLs of its module and the shared chunks it imports (what a page loads). */
  islandModules: Record<string, string[]>;
  /** URL of the stylesheet. */
  css: string;
  /** URL of the favicon (an SVG). */
  favicon: string;
  /** URL path -> file, for the asset handler. */
  files: Map<string, BuiltFile>;
}

/** Files smaller than this are served as they are (same threshold as http/compress.ts). */
const PRECOMPRESS_THRESHOLD = 1024;

const STATIC_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  woff2: "font/woff2",
};
const TEXT_TYPE = /^(text\/|image\/svg\+xml)/;

/** A built file, with its compressed forms when the type is text and compression pays. */
export function builtFile(body: Uint8Array<ArrayBuffer>, contentType: string): BuiltFile {
  const file: BuiltFile = { body, contentType };
  if (body.length < PRECOMPRESS_THRESHOLD || !TEXT_TYPE.test(contentType)) return file;
  const br = new Uint8Array(brotliCompressSync(body, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: 11,
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  }));
  const gzip = new Uint8Array(gzipSync(body, { level: 9 }));
  if (br.length < body.length) file.br = br;
  if (gzip.length < body.length) file.gzip = gzip;
  return file;
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
  const islandModules: Record<string, string[]> = {};
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
      files.set(url, builtFile(new Uint8Array(out.contents), "text/javascript; charset=utf-8"));
    }
    const outputs = result.metafile!.outputs;
    const urlOf = (out: string) => out.slice(out.indexOf("/_islands/"));
    for (const [out, meta] of Object.entries(outputs)) {
      const name = meta.entryPoint?.replace(/^island:/, "");
      if (!name) continue;
      islands[name] = urlOf(out);
      // The entry and every chunk it imports statically: what a page using the island loads.
      const loaded = new Set([out]);
      for (const file of loaded) {
        for (const i of outputs[file]?.imports ?? []) {
          if (i.kind === "import-statement") loaded.add(i.path);
        }
      }
      islandModules[name] = [...loaded].map(urlOf);
    }
  }
  const urls = await addStaticFiles(files);
  const url = (name: string) => {
    const found = urls.get(name);
    if (!found) throw new Error(`static/${name} is missing`);
    return found;
  };
  return { islands, islandModules, css: url("app.css"), favicon: url("favicon.svg"), files };
}

/** Adds each file of static/ as `/static/<stem>-<hash>.<ext>`; answers file name -> URL. */
async function addStaticFiles(files: Map<string, BuiltFile>): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for await (const e of Deno.readDir(STATIC_DIR)) {
    const m = /^([\w-]+)\.(\w+)$/.exec(e.name);
    const type = m && STATIC_TYPES[m[2]!];
    if (!e.isFile || !m || !type) continue;
    const body = await Deno.readFile(new URL(e.name, STATIC_DIR));
    const url = `/static/${m[1]}-${hashOf(body)}.${m[2]}`;
    files.set(url, builtFile(body, type));
    urls.set(e.name, url);
  }
  return urls;
}
