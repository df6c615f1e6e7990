/**
 * Rotating SECOND_FACTOR_KEY: authenticator secrets and recovery codes made under the old key keep
 * working with it as SECOND_FACTOR_KEY_PREVIOUS; a secret is sealed again under the new key when
 * used, or by `second-factor:rekey`, after which the old key is not needed for it.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import type { Services } from "../services.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { addMember } from "../tests/helpers/members.ts";
import { enrolTotp } from "../tests/helpers/second_factor.ts";
import { acceptTotpCode } from "./totp.ts";
import { useRecoveryCode } from "./recovery_codes.ts";
import { openSecret } from "./secret_box.ts";
import { rekeySecondFactorSecrets } from "./second_factor_rekey.ts";

const OLD = "old-second-factor-key-0123456789abcdef";
const NEW = "new-second-factor-key-fedcba9876543210";

/** The server's services as they are after the rotation (new key, old one as the previous). */
function rotated(server: TestServer, previous: string | null = OLD): Services {
  return {
    ...server.services,
    config: {
      ...server.services.config,
      SECOND_FACTOR_KEY: NEW,
      SECOND_FACTOR_KEY_PREVIOUS: previous ?? undefined,
    },
  };
}

async function sealedOf(server: TestServer, userId: string): Promise<string> {
  const rs = await server.services.control.execute({
    sql: "SELECT secret_sealed FROM user_totp WHERE user_id = ?",
    args: [userId],
  });
  return String(rs.rows[0]!.secret_sealed);
}

Deno.test("after a key rotation, old secrets and recovery codes work with the previous key, and a used secret is sealed under the new one", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({ SECOND_FACTOR_KEY: OLD }, { clock });
  try {
    const t = await signUpTenant(server);
    const app = await enrolTotp(server, t);
    const before = await sealedOf(server, t.userId);

    // Without the previous key the old secret cannot be opened at all.
    const newOnly = rotated(server, null);
    await assert.rejects(() => acceptTotpCode(newOnly, t.userId, app.next()), "new key alone");
    assert.equal(await useRecoveryCode(newOnly, t.userId, app.recoveryCodes[0]!), false);
    assert.equal(await sealedOf(server, t.userId), before, "nothing was rewritten");

    const services = rotated(server);
    clock.advance(30_000);
    assert.equal(await acceptTotpCode(services, t.userId, app.next()), true);
    const after = await sealedOf(server, t.userId);
    assert.notEqual(after, before, "sealed again on use");
    assert.equal(await openSecret(newOnly.config, after, t.userId), app.secret);
    await assert.rejects(() => openSecret(server.services.config, after, t.userId), "old key");
    clock.advance(30_000);
    assert.equal(await acceptTotpCode(newOnly, t.userId, app.next()), true, "the old key is done");

    assert.equal(await useRecoveryCode(services, t.userId, app.recoveryCodes[0]!), true);
    assert.equal(await useRecoveryCode(services, t.userId, app.recoveryCodes[0]!), false, "once");
  } finally {
    await server.close();
  }
});

Deno.test("second-factor:rekey seals every secret under the new key and names those it cannot open", async () => {
  const server = await startTestServer({ SECOND_FACTOR_KEY: OLD });
  try {
    const t = await signUpTenant(server);
    const a = await enrolTotp(server, t);
    const member = await addMember(server, t.tenantId, "broker");
    const b = await enrolTotp(server, { userId: member.userId, email: member.email });
    const services = rotated(server);

    assert.deepEqual(await rekeySecondFactorSecrets(server.services.control, services.config), {
      rekeyed: 2,
      current: 0,
      unreadable: [],
    });
    const newOnly = rotated(server, null).config;
    assert.equal(await openSecret(newOnly, await sealedOf(server, t.userId), t.userId), a.secret);
    assert.equal(
      await openSecret(newOnly, await sealedOf(server, member.userId), member.userId),
      b.secret,
    );
    assert.deepEqual(await rekeySecondFactorSecrets(server.services.control, services.config), {
      rekeyed: 0,
      current: 2,
      unreadable: [],
    }, "a second run has nothing to do");

    // A key nobody configured: named, left as it was.
    const stranger = { ...newOnly, SECOND_FACTOR_KEY: "a-third-key-nobody-configured-000000" };
    const report = await rekeySecondFactorSecrets(server.services.control, stranger);
    assert.deepEqual(report.unreadable.sort(), [t.userId, member.userId].sort());
  } finally {
    await server.close();
  }
});
