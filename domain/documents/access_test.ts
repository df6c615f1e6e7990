import assert from "node:assert/strict";
import { ROLES } from "../../auth/roles.ts";
import { customers, invoices, loads, RECORD_TYPES } from "../catalog.ts";
import { ForbiddenError } from "../errors.ts";
import { CLASSIFICATIONS, TARGET_COLLECTION } from "./draft.ts";
import {
  acceptRefusal,
  assertMayAccept,
  assertMayCreateParty,
  attachesToLoad,
  mayHandleDocuments,
  mayWrite,
  RECORD_WRITE_PERMISSIONS,
  rolesGranting,
} from "./access.ts";

Deno.test("mayWrite() asks exactly what the records API asks: the record type's permission", () => {
  assert.deepEqual([...RECORD_WRITE_PERMISSIONS].sort(), ["money:write", "records:write"]);
  assert.equal(mayWrite("broker", invoices), false);
  assert.equal(mayWrite("broker", loads), true);
  assert.equal(mayWrite("accounting", invoices), true);
  assert.equal(mayWrite("accounting", customers), false);
  for (const def of RECORD_TYPES) {
    assert.equal(mayWrite("viewer", def), false, def.collection);
    assert.equal(mayWrite("owner", def), true, def.collection);
    assert.equal(mayWrite(null, def), false, def.collection);
  }
});

Deno.test("mayHandleDocuments() lets every role that changes some records upload, not a viewer", () => {
  const allowed = ROLES.filter((role) => mayHandleDocuments(role));
  assert.deepEqual(allowed, ["owner", "admin", "broker", "accounting"]);
  assert.equal(mayHandleDocuments(null), false);
});

Deno.test("acceptRefusal() and the asserts name the missing permission and who has it", () => {
  assert.equal(acceptRefusal("accounting", invoices), null);
  assert.match(
    acceptRefusal("broker", invoices)!,
    /money:write permission \(owner, admin or accounting\)/,
  );
  assert.equal(rolesGranting("records:write"), "owner, admin or broker");
  assert.throws(() => assertMayAccept("broker", invoices), (err) => {
    assert.ok(err instanceof ForbiddenError);
    assert.equal(err.status, 403);
    assert.deepEqual(err.details, { permissions: ["money:write"], collection: "invoices" });
    return true;
  });
  assert.throws(
    () => assertMayCreateParty("accounting", customers, "Harbor Provisions"),
    /new customer "Harbor Provisions".*records:write/,
  );
  assertMayCreateParty("broker", customers, "Harbor Provisions");
});

Deno.test("attachesToLoad() offers attach only for a load's paperwork, or a file not read", () => {
  const kinds = CLASSIFICATIONS.filter((classification) =>
    attachesToLoad({ classification, status: "review" })
  );
  assert.deepEqual(kinds, ["bill_of_lading", "proof_of_delivery", "rate_confirmation"]);
  assert.ok(kinds.every((k) => TARGET_COLLECTION[k] === "loads"));
  assert.equal(attachesToLoad({ classification: "invoice", status: "review" }), false);
  assert.equal(attachesToLoad({ classification: "other", status: "needs_ocr" }), true);
  assert.equal(attachesToLoad({ classification: null, status: "failed" }), true);
});
