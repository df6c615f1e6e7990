/**
 * @module plugins/host/bundle
 * A plugin as the host receives it: manifest, code and view files. First-party plugins come from
 * the catalog folder `plugins/catalog/<name>/` (manifest.json, plugin.js, views as *.html);
 * private plugins are uploaded as a zip of the same files or as plugin.js plus manifest.json.
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
  try {
    entries = unzipSync(bytes, {
      filter: (f) => f.originalSize <= 2 * MAX_CODE_BYTES && !f.name.includes(".."),
    });
  } catch {
    throw new InvalidError("The file is not a zip archive.", { file: ["Not a zip."] }, 422);
  }
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
