import assert from "node:assert/strict";
import { LoginThrottle } from "./throttle.ts";
import { RateLimitedError } from "../domain/errors.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { linkIn, mailTo } from "../tests/helpers/members.ts";

/** The seconds `check` asks to wait, or 0 when it lets the attempt through. */
async function waitOf(t: LoginThrottle, email: string, ip: string, now: number): Promise<number> {
  try {
    await t.check(email, ip, now);
    return 0;
  } catch (err) {
    assert.ok(err instanceof RateLimitedError);
    return err.retryAfter;
  }
}

Deno.test("LoginThrottle counts IPv6 addresses of one /64 as one address", async () => {
  const t = new LoginThrottle();
  const now = 1_000_000;
  // Each guess from a fresh address of the same /64, as one line or server can.
  for (let i = 1; i <= 5; i++) await t.fail("a@x.com", `2001:db8:7:9::${i.toString(16)}`, now);
  assert.ok(await waitOf(t, "a@x.com", "2001:db8:7:9::ffff", now) > 0, "the /64 waits");
  assert.equal(await waitOf(t, "a@x.com", "2001:db8:7:a::1", now), 0, "the next /64 does not");
});

Deno.test("LoginThrottle slows one address with doubling delays, never the account from another address", async () => {
  const t = new LoginThrottle();
  let now = 1_000_000;
  for (let i = 0; i < 4; i++) await t.fail("a@x.com", "10.0.0.1", now);
  assert.equal(await waitOf(t, "a@x.com", "10.0.0.1", now), 0, "four failures are free");
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    await t.fail("a@x.com", "10.0.0.1", now);
    waits.push(await waitOf(t, "A@x.com", "10.0.0.1", now));
    now += waits.at(-1)! * 1000;
    assert.equal(await waitOf(t, "a@x.com", "10.0.0.1", now), 0, "the wait ends on time");
  }
  assert.deepEqual(waits, [1, 2, 4, 8, 16, 32]);
  assert.equal(
    await waitOf(t, "a@x.com", "10.0.0.2", now - 1000),
    0,
    "the owner's address is not slowed",
  );

  for (let i = 0; i < 20; i++) await t.fail("a@x.com", "10.0.0.1", now);
  assert.equal(
    await waitOf(t, "a@x.com", "10.0.0.1", now),
    15 * 60,
    "the delay stops growing at 15 min",
  );
  assert.equal(await waitOf(t, "a@x.com", "10.0.0.2", now), 0);
});

Deno.test("LoginThrottle: a correct password clears only its address; a reset lifts every address", async () => {
  const t = new LoginThrottle();
  for (const ip of ["10.0.0.1", "10.0.0.2"]) {
    for (let i = 0; i < 6; i++) await t.fail("a@x.com", ip, 1000);
  }
  await t.succeed("a@x.com", "10.0.0.2");
  assert.equal(await waitOf(t, "a@x.com", "10.0.0.2", 1000), 0);
  assert.ok(await waitOf(t, "a@x.com", "10.0.0.1", 1000) > 0, "the other address stays slowed");
  await t.lift("a@x.com");
  assert.equal(await waitOf(t, "a@x.com", "10.0.0.1", 1000), 0);
});

Deno.test("LoginThrottle slows an address that fails across many accounts, and says so", async () => {
  const t = new LoginThrottle();
  for (let i = 0; i < 30; i++) await t.fail(`u${i}@x.com`, "10.0.0.1", 1000);
  await assert.rejects(
    () => t.check("new@x.com", "10.0.0.1", 1000),
    (err: Error) => /from your network\. Try again in 1 second\.$/.test(err.message),
  );
  assert.equal(await waitOf(t, "new@x.com", "10.0.0.2", 1000), 0);
  assert.equal(await waitOf(t, "new@x.com", "10.0.0.1", 1000 + 15 * 60 * 1000 + 1), 0);
});

async function logIn(
  server: TestServer,
  host: string,
  ip: string,
  email: string,
  password: string,
) {
  const res = await server.fetch(host, "/api/v1/auth/login", {
    method: "POST",
    headers: { "fly-client-ip": ip },
    json: { email, password },
  });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get("retry-after") };
}

Deno.test("wrong passwords from a stranger do not lock the owner out; the owner's own typos cost seconds and a reset lifts them", async () => {
  const server = await startTestServer({ TRUST_PROXY: "1" });
  try {
    const t = await signUpTenant(server);
    const attacker = "198.51.100.7";
    const owner = "203.0.113.5";
    for (let i = 0; i < 5; i++) {
      assert.equal((await logIn(server, t.host, attacker, t.email, "guess")).status, 401);
    }
    const slowed = await logIn(server, t.host, attacker, t.email, t.password);
    assert.equal(slowed.status, 429, "the attacker's address waits, even with the right password");
    assert.equal(slowed.retryAfter, "1");
    assert.match(slowed.body.error.message, /from your network\. Try again in 1 second/);

    const ok = await logIn(server, t.host, owner, t.email, t.password);
    assert.equal(ok.status, 200, "the owner signs in from their own address");

    // The owner mistypes from their own address, then resets the password.
    for (let i = 0; i < 6; i++) await logIn(server, t.host, owner, t.email, "typo");
    const waiting = await logIn(server, t.host, owner, t.email, t.password);
    assert.equal(waiting.status, 429);
    assert.ok(
      Number(waiting.retryAfter) <= 2,
      `a short wait, not 15 minutes: ${waiting.retryAfter}`,
    );
    assert.match(waiting.body.error.message, /reset your password, which lifts this wait/);
    const forgot = await server.fetch(t.host, "/api/v1/auth/password/forgot", {
      method: "POST",
      json: { email: t.email },
    });
    assert.equal(forgot.status, 202);
    await forgot.body?.cancel();
    const mail = (await mailTo(server, t.email)).find((m) => m.subject.includes("Reset"))!;
    const reset = await server.fetch(t.host, "/api/v1/auth/password/reset", {
      method: "POST",
      json: { token: linkIn(mail.text).token, password: "a brand new passphrase" },
    });
    assert.equal(reset.status, 200);
    await reset.body?.cancel();
    const after = await logIn(server, t.host, owner, t.email, "a brand new passphrase");
    assert.equal(after.status, 200, "the reset lifted the wait at once");
    const attackerAfter = await logIn(server, t.host, attacker, t.email, "guess");
    assert.equal(attackerAfter.status, 401, "the reset lifted every address of the account");
  } finally {
    await server.close();
  }
});
