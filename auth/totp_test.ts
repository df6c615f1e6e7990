import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { codeAt, enrolTotp, stepNow } from "../tests/helpers/second_factor.ts";
import { acceptTotpCode, hasTotp, startTotpEnrolment } from "./totp.ts";
import { confirmSecondFactor } from "./second_factor_enrolment.ts";
import { useRecoveryCode } from "./recovery_codes.ts";

Deno.test("a TOTP code is accepted once, within one step of drift, and never replayed", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({}, { clock });
  try {
    const t = await signUpTenant(server);
    const app = await enrolTotp(server, t);
    const now = stepNow(server);
    const accept = (step: number) =>
      acceptTotpCode(server.services, t.userId, codeAt(app.secret, step));

    assert.equal(await accept(now + 2), false, "two steps ahead is refused");
    assert.equal(await accept(now - 2), false, "two steps behind is refused");
    assert.equal(await accept(now + 1), true, "one step ahead is accepted");
    assert.equal(await accept(now + 1), false, "the same code again is a replay");
    assert.equal(await accept(now), false, "an older step after a newer one is refused");
    clock.advance(60_000);
    assert.equal(await accept(stepNow(server)), true, "a later code works");
    assert.equal(await acceptTotpCode(server.services, t.userId, "12345"), false);
    assert.equal(await acceptTotpCode(server.services, t.userId, "abcdef"), false);
  } finally {
    await server.close();
  }
});

Deno.test("an enrolment counts only once confirmed by a first correct code", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    const { secret, uri } = await startTotpEnrolment(server.services, {
      id: t.userId,
      email: t.email,
    });
    assert.match(uri, /^otpauth:\/\/totp\/ProjectMeats:/);
    assert.ok(uri.includes(`secret=${secret}`));
    assert.equal(await hasTotp(server.services.control, t.userId), false);
    await assert.rejects(
      confirmSecondFactor(server.services, t.userId, codeAt(secret, stepNow(server) + 3)),
      /not right/,
    );
    assert.equal(
      await hasTotp(server.services.control, t.userId),
      false,
      "a wrong code confirms nothing",
    );
    const codes = await confirmSecondFactor(
      server.services,
      t.userId,
      codeAt(secret, stepNow(server)),
    );
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    assert.equal(await hasTotp(server.services.control, t.userId), true);
    await assert.rejects(
      startTotpEnrolment(server.services, { id: t.userId, email: t.email }),
      /already set up/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("secrets and recovery codes are not in the database in plain text; a code works once", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    const app = await enrolTotp(server, t);
    const dump = async () => {
      const rows = [
        ...(await server.services.control.execute("SELECT * FROM user_totp")).rows,
        ...(await server.services.control.execute("SELECT * FROM recovery_codes")).rows,
      ];
      return JSON.stringify(rows);
    };
    const raw = await dump();
    assert.ok(!raw.includes(app.secret), "the TOTP secret is sealed");
    for (const code of app.recoveryCodes) {
      assert.ok(!raw.includes(code) && !raw.includes(code.replace("-", "")), "codes are hashed");
    }
    const [first] = app.recoveryCodes;
    assert.equal(await useRecoveryCode(server.services, t.userId, first!.toUpperCase()), true);
    assert.equal(await useRecoveryCode(server.services, t.userId, first!), false, "used once");
    // Another user's code does not work for this one.
    const other = await signUpTenant(server);
    const otherApp = await enrolTotp(server, other);
    assert.equal(
      await useRecoveryCode(server.services, t.userId, otherApp.recoveryCodes[0]!),
      false,
    );
  } finally {
    await server.close();
  }
});
