/**
 * @module domain/flows/paste_lines
 * Lines pasted from a spreadsheet into the line editor (issue 17): tab-separated cells, one row a
 * line. With a header row naming the columns ("Description", "Weight", "Price"...) the cells go
 * to those fields; without one they fill the fields in order from the cell pasted into. Values
 * come out as the form's strings: numbers without "$" or thousands separators, enum and product
 * cells matched by value or label. Pure: the RecordForm island runs it in the browser.
 */

/** What pasting needs of a line field: the same shape the form spec carries. */
export interface PasteField {
  name: string;
  label: string;
  kind: string;
  values?: ReadonlyArray<{ value: string; label: string }>;
  ref?: string;
}

/** Whether pasted text is spreadsheet cells rather than one value. */
export function isCells(text: string): boolean {
  return /\t|\n/.test(text.replace(/\r?\n$/, ""));
}

function norm(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

function cellValue(
  field: PasteField,
  raw: string,
  refs: Record<string, Array<[string, string]>>,
): string {
  const cell = raw.trim();
  if (cell === "") return "";
  switch (field.kind) {
    case "integer":
    case "decimal":
    case "money":
      return cell.replace(/[$,\s]/g, "");
    case "enum": {
      const n = norm(cell);
      const hit = (field.values ?? []).find((v) =>
        norm(v.value) === n || norm(v.label) === n || norm(v.label).endsWith(` ${n}`)
      );
      return hit?.value ?? "";
    }
    case "ref": {
      const n = norm(cell);
      const choices = refs[field.ref ?? ""] ?? [];
      const hit = choices.find(([, title]) => norm(title) === n) ??
        choices.find(([, title]) => norm(title).includes(n));
      return hit?.[0] ?? "";
    }
    default:
      return cell;
  }
}

/**
 * The lines in pasted `text`, as field name -> form string, starting at `startField` when the
 * text has no header row. Empty rows are left out.
 */
export function pasteLines(
  text: string,
  fields: readonly PasteField[],
  startField: string,
  refs: Record<string, Array<[string, string]>> = {},
): Array<Record<string, string>> {
  const rows = text.replace(/\r/g, "").split("\n").map((r) => r.split("\t"));
  while (rows.length && rows[rows.length - 1]!.every((c) => c.trim() === "")) rows.pop();
  if (!rows.length) return [];
  const byLabel = new Map<string, PasteField>();
  for (const f of fields) {
    byLabel.set(norm(f.label), f);
    byLabel.set(norm(f.name), f);
  }
  const header = rows[0]!.map((cell) => byLabel.get(norm(cell)));
  let columns: Array<PasteField | undefined>;
  if (header.filter(Boolean).length >= Math.min(2, rows[0]!.length)) {
    columns = header;
    rows.shift();
  } else {
    const start = Math.max(0, fields.findIndex((f) => f.name === startField));
    columns = rows[0]!.map((_, i) => fields[start + i]);
  }
  const out: Array<Record<string, string>> = [];
  for (const row of rows) {
    if (row.every((c) => c.trim() === "")) continue;
    const line: Record<string, string> = {};
    row.forEach((cell, i) => {
      const field = columns[i];
      if (field) line[field.name] = cellValue(field, cell, refs);
    });
    out.push(line);
  }
  return out;
}
