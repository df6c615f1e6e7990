import assert from "node:assert/strict";
import { RECORD_TYPES, recordType } from "../catalog.ts";
import type { RecordDef } from "./definition.ts";
import { checkForm, formSpec } from "./form_check.ts";
import { type FormEntries, formToInput } from "./form_input.ts";
import { createSchema, issuesByField, updateSchema } from "./schema.ts";

/** What people type into form fields: good values, blanks, wrong types, edge sizes, unicode. */
const TYPED = [
  "",
  "   ",
  "Acme Beef",
  "Ünïcödé 牛肉 🥩",
  "x".repeat(201),
  "x".repeat(5001),
  "0",
  "-5",
  "12",
  "12.5",
  "1,234.56",
  "12.345",
  "99999999999999",
  "abc",
  "2026-03-31",
  "2026-02-30",
  "2026-03-31T08:30",
  "2026-13-01T08:30",
  "buyer@acme.example",
  "not an e-mail",
  "+1 (312) 555-0100 x12",
  "call me",
  "EST 245C",
  "MC-123456",
  "DOT 1234567",
  "01hzy3k5x8r7w2m4n6p9q0s1t2",
  "true",
];

function serverIssues(def: RecordDef, entries: FormEntries, mode: "create" | "edit") {
  const schema = mode === "create" ? createSchema(def) : updateSchema(def);
  const result = schema.safeParse(formToInput(def, entries));
  return result.success ? {} : issuesByField(result.error);
}

function clientIssues(def: RecordDef, entries: FormEntries, mode: "create" | "edit") {
  const spec = formSpec(def);
  return checkForm(spec, formToInput(spec, entries), mode);
}

/** A submission every check accepts: required fields filled with a valid value. */
function validEntries(def: RecordDef): FormEntries {
  const out: FormEntries = [];
  for (const field of def.fields) {
    if (field.computed || !field.required) continue;
    const sample = field.kind === "enum"
      ? field.values![0]!.value
      : field.kind === "ref"
      ? "01hzy3k5x8r7w2m4n6p9q0s1t2"
      : field.kind === "money"
      ? "10.00"
      : field.kind === "date"
      ? "2026-03-31"
      : field.format
      ? "245"
      : "Acme";
    out.push([field.name, sample]);
  }
  return out;
}

Deno.test("checkForm() finds the same fields at fault as the API schema, for every record type and typed value", () => {
  let compared = 0;
  for (const def of RECORD_TYPES) {
    for (const mode of ["create", "edit"] as const) {
      const base: FormEntries = [
        ...validEntries(def),
        ...(mode === "edit" ? [["version", "1"] as [string, string]] : []),
      ];
      assert.deepEqual(serverIssues(def, base, mode), {}, `${def.collection}: a valid base`);
      assert.deepEqual(clientIssues(def, base, mode), {}, `${def.collection}: a valid base`);
      const fields = [
        ...def.fields.filter((f) => !f.computed).map((f) => ({ name: f.name, field: f })),
        ...(def.lines?.fields ?? []).filter((f) => !f.computed).map((f) => ({
          name: `lines.0.${f.name}`,
          field: f,
        })),
      ];
      for (const { name, field } of fields) {
        for (const typed of TYPED) {
          const entries: FormEntries = [
            ...base.filter(([k]) => k !== name),
            [name, typed],
            ...(name.startsWith("lines.") ? [["_has.lines", "1"] as [string, string]] : []),
          ];
          if (field.kind === "boolean" || field.kind === "options") {
            entries.push([`_has.${field.name}`, "1"]);
          }
          const server = serverIssues(def, entries, mode);
          const client = clientIssues(def, entries, mode);
          const where = `${def.collection} ${mode} ${name}=${JSON.stringify(typed.slice(0, 30))}`;
          assert.deepEqual(Object.keys(client).sort(), Object.keys(server).sort(), where);
          for (const [key, [message]] of Object.entries(client)) {
            assert.ok(
              server[key]!.includes(message!),
              `${where}: the browser says "${message}", the API ${JSON.stringify(server[key])}`,
            );
          }
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 3000, `${compared} submissions compared`);
});

Deno.test("formSpec() hands the browser plain data: no SQL, no computed fields, survives JSON", () => {
  for (const def of RECORD_TYPES) {
    const spec = formSpec(def);
    const json = JSON.stringify(spec);
    assert.deepEqual(JSON.parse(json), spec, `${def.collection} is plain JSON`);
    assert.doesNotMatch(json, /SELECT|CASE WHEN|"sql"/i, `${def.collection} carries no SQL`);
    const computed = def.fields.filter((f) => f.computed).map((f) => f.name);
    for (const field of spec.fields) assert.ok(!computed.includes(field.name), field.name);
  }
  const po = formSpec(recordType("purchase-orders")!);
  assert.equal(po.fields.find((f) => f.name === "number")?.required, undefined, "generated");
  assert.ok(po.lines?.fields.some((f) => f.name === "price"));
  const plant = formSpec(recordType("plants")!);
  const est = plant.fields.find((f) => f.pattern);
  assert.ok(est?.pattern && new RegExp(est.pattern.source, est.pattern.flags).test("EST 245C"));
});
