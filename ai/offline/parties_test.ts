import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { readParty } from "./parties.ts";

Deno.test("readParty() on a row of labels takes the name under its label, not the next label", () => {
  const lines = toLines([
    "TERMS                                   SUPPLIER                                ESTABLISHMENT",
    "Net 15                                  Blue Ridge Pork LLC                     EST 17564",
  ].join("\n"));
  assert.equal(readParty(lines, ["supplier"])?.name, "Blue Ridge Pork LLC");
});

Deno.test("readParty() still takes a name right of its label", () => {
  const lines = toLines("Carrier        Polar Haul Inc.        MC 712044");
  assert.equal(readParty(lines, ["carrier"])?.name, "Polar Haul Inc.");
});
