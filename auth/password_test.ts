import assert from "node:assert/strict";
import { hashPassword, passwordProblem, verifyPassword } from "./password.ts";

Deno.test("hashPassword() produces a salted scrypt hash that verifies only the same password", async () => {
  const a = await hashPassword("tenderloin-42-sirloin", 1024);
  const b = await hashPassword("tenderloin-42-sirloin", 1024);
  assert.match(a, /^scrypt\$1024\$8\$1\$/);
  assert.notEqual(a, b, "salts differ");
  assert.equal(await verifyPassword("tenderloin-42-sirloin", a), true);
  assert.equal(await verifyPassword("tenderloin-42-sirloiN", a), false);
  assert.equal(await verifyPassword("x", "not-a-hash"), false);
});

Deno.test("passwordProblem() refuses short, common and e-mail-based passwords", () => {
  assert.match(passwordProblem("short")!, /at least 10/);
  assert.match(passwordProblem("password123")!, /too common/);
  assert.match(passwordProblem("aaaaaaaaaaaa")!, /too common/);
  assert.match(passwordProblem("olivetheowner99", "olivetheowner@x.com")!, /e-mail/);
  assert.equal(passwordProblem("brisket and ribeye 7"), null);
});
