import assert from "node:assert/strict";
import {
  dummyHash,
  hashPassword,
  hashToCheck,
  passwordProblem,
  verifyPassword,
} from "./password.ts";
import { parseConfig } from "../config.ts";

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

Deno.test("an unknown e-mail is checked against a hash as costly as a real account's", async () => {
  // Sign-in verifies unknown addresses against dummyHash(PASSWORD_SCRYPT_N): a cheaper dummy
  // (N=16384 against accounts' 32768) answered in half the time and so named every account.
  const configured = parseConfig({}).PASSWORD_SCRYPT_N;
  for (const n of [1024, configured]) {
    const real = (await hashPassword("brisket and ribeye 7", n)).split("$").slice(0, 4);
    assert.deepEqual(dummyHash(n).split("$").slice(0, 4), real, `cost parameters at N=${n}`);
    assert.equal(await verifyPassword("brisket and ribeye 7", dummyHash(n)), false);
  }
  assert.deepEqual(
    dummyHash(configured).split("$").slice(0, 4),
    (await hashPassword("brisket and ribeye 7")).split("$").slice(0, 4),
    "the default cost",
  );
});

Deno.test("an account without a password is checked against the dummy hash, not answered at once", async () => {
  // Single sign-on makes accounts with `sso$`, which verifyPassword refuses without any work: a
  // wrong password for such an account answered at once and so named it.
  assert.equal(hashToCheck("sso$", 1024), dummyHash(1024));
  assert.equal(hashToCheck(undefined, 1024), dummyHash(1024));
  const real = await hashPassword("brisket and ribeye 7", 1024);
  assert.equal(hashToCheck(real, 32768), real, "a real hash is checked as it is, at its own cost");
});
