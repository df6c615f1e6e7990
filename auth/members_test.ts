import assert from "node:assert/strict";
import { assignableRoles, mayManageMember } from "./members.ts";

Deno.test("assignableRoles(): only an owner grants owner or changes an owner", () => {
  assert.deepEqual(assignableRoles("owner", "broker"), [
    "owner",
    "admin",
    "broker",
    "accounting",
    "viewer",
  ]);
  assert.deepEqual(assignableRoles("owner", "owner").length, 5);
  assert.deepEqual(assignableRoles("admin", "broker"), ["admin", "broker", "accounting", "viewer"]);
  assert.deepEqual(assignableRoles("admin", "owner"), []);
  for (const role of ["broker", "accounting", "viewer"] as const) {
    assert.deepEqual(assignableRoles(role, "viewer"), [], role);
  }
  assert.deepEqual(assignableRoles(null, "viewer"), []);
  assert.equal(mayManageMember("admin", "admin"), true);
  assert.equal(mayManageMember("admin", "owner"), false);
  assert.equal(mayManageMember("owner", "owner"), true);
  assert.equal(mayManageMember("broker", "viewer"), false);
});
