/**
 * @module domain/records/definition
 * What a record type is: its collection name, table, fields, lines, numbering and the records
 * that point at it. Pure data (islands import it); the rules that need a database live in
 * `domain/rules/`.
 */
import type { FieldDef } from "./fields.ts";

export type WritePermission = "records:write" | "money:write";

/** A record that references this one: blocks deletion, and lists as related on its page. */
export interface Reference {
  collection: string;
  column: string;
  label: string;
}

export interface LinesDef {
  table: string;
  /** Column of the line that points at its parent. */
  parentKey: string;
  fields: readonly FieldDef[];
}

export interface RecordDef {
  /** kebab-case plural: the API path and page path. */
  collection: string;
  table: string;
  singular: string;
  plural: string;
  permission: WritePermission;
  fields: readonly FieldDef[];
  /** Column that names a record in lists, links and search results. */
  titleField: string;
  /** Generated numbers: `${prefix}${counter}` when the number is left blank. */
  numbering?: { kind: string; prefix: string; start: number };
  lines?: LinesDef;
  /** Default sort: a field name, `-` for descending. */
  defaultSort: string;
  references: readonly Reference[];
  /** Whether a record may be deleted once nothing references it (payments, drafts). */
  deletable: boolean;
  /** Extra words for the search document (e.g. "EST" before an establishment number). */
  searchPrefix?: Record<string, string>;
}

/** The audit fields every record has; returned by the API, never accepted. */
export const SYSTEM_FIELDS = [
  "id",
  "version",
  "archived_at",
  "created_at",
  "created_by",
  "updated_at",
  "updated_by",
] as const;

export function inputFields(def: RecordDef): FieldDef[] {
  return def.fields.filter((field) => !field.computed);
}

export function fieldOf(def: RecordDef, name: string): FieldDef | undefined {
  return def.fields.find((field) => field.name === name);
}
