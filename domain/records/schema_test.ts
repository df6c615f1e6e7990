import assert from "node:assert/strict";
import { createSchema } from "./schema.ts";
import { recordType } from "../catalog.ts";

const suppliers = recordType("suppliers")!;

Deno.test("createSchema() refuses names with direction overrides or zero-width characters", () => {
  const schema = createSchema(suppliers);
  for (
    const name of [
      "Acme\u202Egnp.exe",
      "Acme\u202Dbeef",
      "Acme\u2067Foods\u2069",
      "Ac\u200Bme",
      "Ac\u2060me",
      "Ac\uFEFFme",
    ]
  ) {
    const result = schema.safeParse({ name });
    assert.equal(result.success, false, JSON.stringify(name));
    assert.match(result.error!.issues[0]!.message, /invisible direction or zero-width/);
  }
  // Real text in any script still passes: Hebrew with a direction mark, Persian with ZWNJ, an
  // emoji with ZWJ.
  for (const name of ["קצביית\u200F 2", "می\u200Cخواهم", "Beef 👨\u200D🍳", "Ñandú Carnes"]) {
    assert.equal(schema.safeParse({ name }).success, true, name);
  }
});
