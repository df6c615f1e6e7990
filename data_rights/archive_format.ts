/**
 * @module data_rights/archive_format
 * The workspace archive (format 1): a zip whose `manifest.json` names every other entry with its
 * size and SHA-256, so a reader can prove the archive whole before it writes anything.
 *
 * - `workspace.json`: the control database's facts (name, slug, time zone, plan, members, domains)
 * - `schema.json`: every table, index, trigger and view of the tenant database (sqlite_master)
 * - `tables/<name>.jsonl`: each table's rows, one JSON object a line (columns by name; a BLOB is
 *   `{"$base64": "..."}`; a table with a hidden rowid carries it as `"$rowid"`)
 * - `files/<document id>`: each stored file, byte for byte as it was uploaded
 * - `brand/<sha-256>.png|jpg`: the logos and favicons the configuration names (customization/)
 * - `manifest.json`: written last; see `ManifestSchema`
 *
 * docs/operations/data_rights.md describes it for operators.
 */
import { z } from "zod";

export const ARCHIVE_FORMAT = "projectmeats.workspace-export";
export const ARCHIVE_VERSION = 1;
export const MANIFEST_PATH = "manifest.json";

const PartSchema = z.object({
  path: z.string().min(1),
  kind: z.enum(["workspace", "schema", "table", "file", "brand"]),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Rows of a table part. */
  rows: z.number().int().nonnegative().optional(),
  /** Table name of a table part, document id of a file part, image name of a brand part. */
  name: z.string().optional(),
});
export type ArchivePart = z.infer<typeof PartSchema>;

export const ManifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  format_version: z.literal(ARCHIVE_VERSION),
  app: z.object({ name: z.string(), version: z.string(), tenant_schema_version: z.number() }),
  workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  created_at: z.string(),
  parts: z.array(PartSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** One object of schema.json: a row of the tenant database's sqlite_master. */
export const SchemaEntrySchema = z.object({
  type: z.enum(["table", "index", "trigger", "view"]),
  name: z.string(),
  tbl_name: z.string(),
  sql: z.string().nullable(),
});
export type SchemaEntry = z.infer<typeof SchemaEntrySchema>;

/** workspace.json: what the control database knows of the workspace. */
export const WorkspaceFactsSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  time_zone: z.string(),
  created_at: z.string(),
  plan: z.object({ plan: z.string(), status: z.string() }).nullable(),
  members: z.array(z.object({
    email: z.string(),
    name: z.string(),
    role: z.string(),
    joined_at: z.string(),
  })),
  domains: z.array(z.object({ domain: z.string(), verified_at: z.string().nullable() })),
});
export type WorkspaceFacts = z.infer<typeof WorkspaceFactsSchema>;

/** The key a hidden rowid travels under in a table line (no real column starts with "$"). */
export const ROWID_KEY = "$rowid";

/** A SQLite value as JSON: BLOBs become `{"$base64": ...}`, bigints decimal strings marked so. */
export function encodeValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { $base64: toBase64(new Uint8Array(value)) };
  if (value instanceof Uint8Array) return { $base64: toBase64(value) };
  if (typeof value === "bigint") return { $int: value.toString() };
  return value;
}

/** The SQLite value back from its JSON form. */
export function decodeValue(value: unknown): unknown {
  if (value !== null && typeof value === "object") {
    const v = value as { $base64?: unknown; $int?: unknown };
    if (typeof v.$base64 === "string") return fromBase64(v.$base64);
    if (typeof v.$int === "string") return BigInt(v.$int);
    throw new Error("A value in the archive is neither a scalar nor a known encoding.");
  }
  return value;
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The archive path of a table's rows; table names are kept safe for a zip path. */
export function tablePath(table: string): string {
  return `tables/${encodeURIComponent(table)}.jsonl`;
}
