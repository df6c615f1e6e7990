/**
 * @module domain/records/csv
 * CSV for spreadsheets: export with readable headers (field labels), dollars and names instead
 * of ids; import that accepts labels or API names as headers, dollars, "yes/no", and names for
 * references. Cells that a spreadsheet would run as a formula are defused on export.
 */
import { enumLabel, type FieldDef, parseDollars } from "./fields.ts";
import { decimalAmount } from "../format.ts";
import { inputFields, type RecordDef } from "./definition.ts";
import type { RecordValues } from "./rows.ts";

/** A plain number (kept with its sign), up to the next separator a spreadsheet may split on. */
const NUMBER_AHEAD = /^-?\d+(\.\d+)?(?=[;\t\r\n]|$)/;

/**
 * A cell a spreadsheet will not run as a formula. A leading = + - @ (or tab, CR) makes Excel
 * evaluate the cell, so it gets a leading `'`; numbers keep their sign. Where the list separator
 * is `;` (German, French, Dutch... Excel) a comma CSV is split on `;`, and a quote that does not
 * open the line's first field is taken literally, so a cell's `;`, tab or line break starts a new
 * cell or row whatever the quoting: what follows each of them is defused the same way
 * (`Acme;=1+1` is written `Acme;'=1+1`).
 */
function defuse(cell: string): string {
  const lead = /^[=+\-@\t\r]/.test(cell) && !/^-?\d+(\.\d+)?$/.test(cell) ? `'${cell}` : cell;
  return lead.replace(
    /([;\t\r\n][ ]*)(?=[=+\-@])/g,
    (sep, _s, at: number, all: string) =>
      NUMBER_AHEAD.test(all.slice(at + sep.length)) ? sep : `${sep}'`,
  );
}

function quote(cell: string): string {
  const defused = defuse(cell);
  return /[",;\t\n\r]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

export function csvLine(cells: string[]): string {
  return cells.map(quote).join(",") + "\r\n";
}

/** A value as a spreadsheet cell. `titles` maps ids of referenced records to their names. */
export function csvCell(field: FieldDef, value: unknown, titles: Map<string, string>): string {
  if (value === null || value === undefined) return "";
  switch (field.kind) {
    case "money":
      return decimalAmount(value);
    case "boolean":
      return value ? "yes" : "no";
    case "options":
      return (value as string[]).join("; ");
    case "enum":
      return enumLabel(field, value);
    case "ref":
      return titles.get(String(value)) ?? String(value);
    default:
      return String(value);
  }
}

/** Parses CSV text (RFC 4180: quotes, doubled quotes, newlines in quotes; , or ; or tab). */
export function parseCsv(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, "");
  const firstLine = source.slice(0, source.indexOf("\n") >>> 0);
  const delimiter = [",", ";", "\t"].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best
  );
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') (cell += '"', i++);
        else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === delimiter) (row.push(cell), cell = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && source[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (quoted) throw new Error("A quoted cell is not closed.");
  if (cell !== "" || row.length) (row.push(cell), rows.push(row));
  return rows.filter((r) => r.some((c) => c.trim() !== ""));
}

/** A header as compared: letters and digits of any script, case and punctuation aside. */
function normalizeHeader(text: string): string {
  return text.normalize("NFKC").trim().toLowerCase().replace(/\(\$\)|\$/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/**
 * Maps CSV headers to fields by API name or label; unknown headers are reported. The first
 * mapping of a header wins: every field's API names, then labels (built-in fields before a
 * workspace's own), so a custom field labelled "Name" or "City" never takes the built-in
 * column, and two labels in scripts other than Latin never share one header and lose a value.
 */
export function mapHeaders(
  def: RecordDef,
  headers: string[],
): { fields: Array<FieldDef | null>; unknown: string[] } {
  const byKey = new Map<string, FieldDef>();
  const claim = (text: string, field: FieldDef) => {
    const key = normalizeHeader(text);
    if (key && !byKey.has(key)) byKey.set(key, field);
  };
  const fields = inputFields(def);
  for (const field of fields) {
    claim(field.name, field);
    if (field.kind === "ref") claim(field.name.replace(/_id$/, ""), field);
    if (field.kind === "money") claim(field.name.replace(/_cents$/, ""), field);
  }
  for (const field of fields) claim(field.label, field);
  const unknown: string[] = [];
  const mapped = headers.map((h) => {
    const field = byKey.get(normalizeHeader(h)) ?? null;
    if (!field && h.trim()) unknown.push(h);
    return field;
  });
  return { fields: mapped, unknown };
}

/**
 * One CSV row as API input. `resolveRef` turns a name (or id) into an id, or null when nothing
 * matches (the schema then reports the field).
 */
export function csvRowToInput(
  fields: Array<FieldDef | null>,
  cells: string[],
  resolveRef: (field: FieldDef, text: string) => string | null,
): RecordValues {
  const input: RecordValues = {};
  fields.forEach((field, i) => {
    if (!field) return;
    const text = (cells[i] ?? "").trim();
    if (text === "") return;
    switch (field.kind) {
      case "money": {
        const cents = parseDollars(text);
        input[field.name] = cents === null || Number.isNaN(cents) ? text : cents;
        break;
      }
      case "integer":
      case "decimal": {
        const n = Number(text.replaceAll(",", ""));
        input[field.name] = Number.isNaN(n) ? text : n;
        break;
      }
      case "boolean":
        input[field.name] = /^(y|yes|true|1|x)$/i.test(text)
          ? true
          : /^(n|no|false|0)$/i.test(text)
          ? false
          : text;
        break;
      case "options":
        input[field.name] = text.split(/[;|]/).map((v) => v.trim()).filter(Boolean);
        break;
      case "enum": {
        const match = field.values?.find((v) =>
          v.value === text.toLowerCase() || v.label.toLowerCase() === text.toLowerCase()
        );
        input[field.name] = match?.value ?? text;
        break;
      }
      case "ref":
        input[field.name] = resolveRef(field, text) ?? text;
        break;
      default:
        input[field.name] = text;
    }
  });
  return input;
}
