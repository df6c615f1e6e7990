/**
 * @module plugins/host/bundle
 * A plugin as the host receives it: manifest, code and view files. First-party plugins come from
 * the catalog folder `plugins/catalog/<name>/` (manifest.json, plugin.js, views as *.html);
 * private plugins are uploaded as a zip of the same files or as plugin.js plus manifest.json.
 *
 * An upload is hostile until proved otherwise: the zip is read only as far as `MAX_ZIP_ENTRIES`
 * entries and `MAX_ZIP_EXPANDED_BYTES` in all (by the sizes its directory declares, then by the
 * bytes actually inflated), and every text of the manifest, which the approval dialog shows, is
 * refused when it carries direction overrides or invisible characters ("Acme\u202Egnp.exe" reads
 * as "Acmeexe.png") or runs past `MAX_MANIFEST_TEXT`.
 */
import { unzipSync } from "fflate";
import { z } from "zod";
import { InvalidError } from "../../domain/errors.ts";
import { issuesByField } from "../../domain/records/schema.ts";
import { manifestSchema, type PluginManifest } from "../api/manifest.ts";

export interface PluginBundle {
  source: "catalog" | "private";
  manifest: PluginManifest;
  code: string;
  /** View file name to its HTML. */
  views: Record<string, string>;
}

/** The largest plugin.js accepted (QuickJS parses it on every cold start). */
export const MAX_CODE_BYTES = 512 * 1024;

/** Files a plugin zip may hold (manifest.json, plugin.js, a few views, folders). */
export const MAX_ZIP_ENTRIES = 64;
/** What the files of a plugin zip may expand to together. */
export const MAX_ZIP_EXPANDED_BYTES = 4 * 1024 * 1024;
/** The longest text in a manifest (labels and options included). */
export const MAX_MANIFEST_TEXT = 2000;

/** Direction overrides and isolates, zero-width space, word joiner, BOM (as record fields refuse). */
const HIDDEN_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/;

/** Every text of a parsed manifest that is hidden-control-laden or too long, by its path. */
function hostileTexts(value: unknown, path: string, out: Record<string, string[]>): void {
  if (typeof value === "string") {
    if (HIDDEN_CONTROLS.test(value)) {
      out[path] = [
        "Contains direction overrides or invisible characters, which could disguise what is shown.",
      ];
    } else if (value.length > MAX_MANIFEST_TEXT) {
      out[path] = [`Longer than ${MAX_MANIFEST_TEXT} characters.`];
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => hostileTexts(v, `${path}.${i}`, out));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) hostileTexts(v, `${path}.${k}`, out);
  }
}

const CATALOG = new URL("../catalog/", import.meta.url);

/** Builds a bundle from its files; throws InvalidError naming what is wrong. */
export function bundleFrom(
  source: PluginBundle["source"],
  manifestText: string,
  code: string,
  files: Record<string, string> = {},
): PluginBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(manifestText);
  } catch {
    throw new InvalidError("manifest.json is not valid JSON.", { manifest: ["Not JSON."] }, 422);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidError(
      "The manifest has problems.",
      Object.fromEntries(
        Object.entries(issuesByField(parsed.error)).map(([k, v]) => [`manifest.${k}`, v]),
      ),
      422,
    );
  }
  const hostile: Record<string, string[]> = {};
  hostileTexts(parsed.data, "manifest", hostile);
  if (Object.keys(hostile).length) {
    throw new InvalidError(
      `The manifest has text that cannot be shown safely (${Object.keys(hostile).join(", ")}).`,
      hostile,
      422,
    );
  }
  if (new TextEncoder().encode(code).byteLength > MAX_CODE_BYTES) {
    throw new InvalidError("plugin.js is larger than 512 KB.", { code: ["Too large."] }, 422);
  }
  const views: Record<string, string> = {};
  for (const view of parsed.data.entryPoints.views) {
    const html = files[view.file];
    if (html === undefined) {
      throw new InvalidError(`The view file ${view.file} is missing.`, { code: ["Missing."] }, 422);
    }
    views[view.file] = html;
  }
  return { source, manifest: parsed.data, code, views };
}

/** Reads an uploaded zip holding manifest.json, plugin.js and the views' HTML files. */
export function bundleFromZip(bytes: Uint8Array): PluginBundle {
  let entries: Record<string, Uint8Array>;
  let count = 0;
  let declared = 0;
  let refusal: string | null = null;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (refusal) return false;
        if (++count > MAX_ZIP_ENTRIES) {
          refusal = `The zip holds more than ${MAX_ZIP_ENTRIES} files; a plugin needs ` +
            "manifest.json, plugin.js and its views.";
        } else if ((declared += f.originalSize) > MAX_ZIP_EXPANDED_BYTES) {
          refusal = `The zip expands to more than ${MAX_ZIP_EXPANDED_BYTES / 1024 / 1024} MB.`;
        }
        const name = f.name.split("/").pop() ?? "";
        const wanted = name === "manifest.json" || name === "plugin.js" || name.endsWith(".html");
        return !refusal && wanted && !f.name.includes("..");
      },
    });
  } catch {
    throw new InvalidError("The file is not a zip archive.", { file: ["Not a zip."] }, 422);
  }
  const expanded = Object.values(entries).reduce((n, e) => n + e.length, 0);
  if (!refusal && expanded > MAX_ZIP_EXPANDED_BYTES) {
    refusal = `The zip expands to more than ${MAX_ZIP_EXPANDED_BYTES / 1024 / 1024} MB.`;
  }
  if (refusal) throw new InvalidError(refusal, { file: [refusal] }, 422);
  const text = (name: string) => {
    const key = Object.keys(entries).find((k) => k === name || k.endsWith(`/${name}`));
    return key ? new TextDecoder().decode(entries[key]) : undefined;
  };
  const manifest = text("manifest.json");
  const code = text("plugin.js");
  if (manifest === undefined || code === undefined) {
    throw new InvalidError(
      "The zip needs manifest.json and plugin.js.",
      { file: ["Missing."] },
      422,
    );
  }
  const files: Record<string, string> = {};
  for (const key of Object.keys(entries)) {
    const name = key.split("/").pop()!;
    if (name.endsWith(".html")) files[name] = new TextDecoder().decode(entries[key]);
  }
  return bundleFrom("private", manifest, code, files);
}

const dirName = z.string().regex(/^[a-z][a-z0-9_-]*$/);

/** Every first-party plugin in `plugins/catalog/`, read from disk. */
export async function catalogBundles(folder: URL = CATALOG): Promise<PluginBundle[]> {
  const out: PluginBundle[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (!entry.isDirectory || !dirName.safeParse(entry.name).success) continue;
    const dir = new URL(`${entry.name}/`, folder);
    const files: Record<string, string> = {};
    for await (const f of Deno.readDir(dir)) {
      if (f.isFile && f.name.endsWith(".html")) {
        files[f.name] = await Deno.readTextFile(new URL(f.name, dir));
      }
    }
    out.push(bundleFrom(
      "catalog",
      await Deno.readTextFile(new URL("manifest.json", dir)),
      await Deno.readTextFile(new URL("plugin.js", dir)),
      files,
    ));
  }
  return out.sort((a, b) => a.manifest.title.localeCompare(b.manifest.title));
}

/** One first-party plugin by name, or null. */
export async function catalogBundle(name: string): Promise<PluginBundle | null> {
  return (await catalogBundles()).find((b) => b.manifest.name === name) ?? null;
}
