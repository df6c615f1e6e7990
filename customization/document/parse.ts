/**
 * @module customization/document/parse
 * Reads a configuration document from JSON or YAML text and validates it, with errors that name
 * each path and, where the schema knows them, the allowed values or keys. Nothing here writes.
 */
import { z } from "zod";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { InvalidError } from "../../domain/errors.ts";
import { type Configuration, ConfigurationSchema } from "./schema.ts";

export type DocumentFormat = "json" | "yaml";

/** The format a Content-Type or Accept header names, or null when it names neither. */
export function formatOf(mediaType: string | undefined): DocumentFormat | null {
  const type = (mediaType ?? "").toLowerCase();
  if (/\b(application|text)\/(x-)?yaml\b/.test(type)) return "yaml";
  if (type.includes("application/json")) return "json";
  return null;
}

/** Parses JSON or YAML text into a plain value; a syntax error is a 400 that says where. */
export function parseDocumentText(text: string, format: DocumentFormat): unknown {
  try {
    return format === "json" ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 50 });
  } catch (err) {
    const what = format === "json" ? "JSON" : "YAML";
    throw new InvalidError(
      `The ${what} could not be read: ${(err as Error).message.split("\n")[0]}`,
      { _: ["Syntax error."] },
    );
  }
}

/** The document as text in `format` (YAML for people, JSON for programs). */
export function formatDocument(document: Configuration, format: DocumentFormat): string {
  return format === "json"
    ? JSON.stringify(document, null, 2) + "\n"
    : "# ProjectMeats configuration (docs/configuration.md lists every key)\n" +
      stringifyYaml(document);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const inner = (s.def as { innerType?: z.ZodType }).innerType;
    if (!inner) break;
    s = inner;
  }
  return s;
}

/** The keys the object schema at `path` allows (for "unknown key" messages). */
function keysAt(path: ReadonlyArray<PropertyKey>): string[] {
  let s = unwrap(ConfigurationSchema);
  for (const part of path) {
    const shape = (s as { shape?: Record<string, z.ZodType> }).shape;
    const valueType = (s.def as { valueType?: z.ZodType }).valueType;
    const next = shape?.[String(part)] ?? valueType;
    if (!next) return [];
    s = unwrap(next);
  }
  const keyType = (s.def as { keyType?: { options?: unknown[] } }).keyType;
  if (keyType?.options) return keyType.options.map(String); // a record keyed by a choice
  return Object.keys((s as { shape?: Record<string, z.ZodType> }).shape ?? {});
}

/** One message per failed path, with the allowed values or keys where known. */
export function configurationErrors(issues: readonly z.core.$ZodIssue[]): Record<string, string[]> {
  // A Map, not an object literal: a path such as "constructor" or "__proto__" (an unknown key
  // in the document) would otherwise find Object.prototype's members instead of a list.
  const out = new Map<string, string[]>();
  const add = (path: ReadonlyArray<PropertyKey>, message: string) => {
    const key = path.map(String).join(".") || "(document)";
    out.set(key, [...(out.get(key) ?? []), message]);
  };
  for (const issue of issues) {
    if (issue.code === "invalid_value") {
      add(issue.path, `Use one of: ${issue.values.map((v) => String(v)).join(", ")}.`);
    } else if (issue.code === "unrecognized_keys") {
      const allowed = keysAt(issue.path);
      for (const key of issue.keys) {
        add([...issue.path, key], `Unknown key. Allowed here: ${allowed.join(", ")}.`);
      }
    } else add(issue.path, issue.message);
  }
  // fromEntries defines each key as the object's own, "__proto__" included.
  return Object.fromEntries(out);
}

/** Validates a parsed document: the normalized configuration, or errors per path. */
export function checkConfiguration(
  value: unknown,
): { ok: true; document: Configuration } | { ok: false; errors: Record<string, string[]> } {
  const result = ConfigurationSchema.safeParse(value ?? {});
  return result.success
    ? { ok: true, document: result.data }
    : { ok: false, errors: configurationErrors(result.error.issues) };
}

/** Like `checkConfiguration`, throwing a 400 that lists every path when the document is bad. */
export function validConfiguration(value: unknown): Configuration {
  const checked = checkConfiguration(value);
  if (!checked.ok) {
    const paths = Object.keys(checked.errors);
    throw new InvalidError(
      `The configuration has ${paths.length} problem${paths.length === 1 ? "" : "s"} (${
        paths.join(", ")
      }). Nothing was changed.`,
      checked.errors,
    );
  }
  return checked.document;
}
