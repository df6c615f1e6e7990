import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../../tests/helpers/server.ts";
import { call, linkIn, mailTo, signIn } from "../../../../tests/helpers/members.ts";

const NEW_PASSWORD = "smoked brisket 2025";

Deno.test("password reset: mailed link sets a new password once and ends every old session", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const old = await signIn(server, t.host, t.email, t.password);
    const forgot = await server.fetch(t.host, "/api/v1/auth/password/forgot", {
      method: "POST",
      json: { email: t.email.toUpperCase() },
    });
    assert.equal(forgot.status, 202);
    await forgot.body?.cancel();
    const mail = (await mailTo(server, t.email)).find((m) => m.subject.includes("Reset"))!;
    const link = linkIn(mail.text);
    assert.equal(link.host, t.host, "the link points at the host that asked");
    assert.match(link.path, /^\/reset-password\?token=/);

    const reset = (password: string) =>
      server.fetch(t.host, "/api/v1/auth/password/reset", {
        method: "POST",
        json: { token: link.token, password },
      });
    const weak = await reset("short");
    assert.equal(weak.status, 422);
    await weak.body?.cancel();
    assert.equal(
      (await call(server, old, "GET", "/api/v1/me")).status,
      200,
      "a refused password changes nothing",
    );

    const ok = await reset(NEW_PASSWORD);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    assert.equal(
      (await call(server, old, "GET", "/api/v1/me")).status,
      401,
      "old sessions are gone",
    );
    assert.equal(
      (await call(server, t, "GET", "/api/v1/me")).status,
      401,
      "the signup session too",
    );
    await assert.rejects(signIn(server, t.host, t.email, t.password), /401/);
    await signIn(server, t.host, t.email, NEW_PASSWORD);
    const reuse = await reset("another fine password");
    assert.equal(reuse.status, 400);
    await reuse.body?.cancel();
    await signIn(server, t.host, t.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});

Deno.test("password reset: a newer reset link revokes the older ones", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const ask = async () => {
      const res = await server.fetch(t.host, "/api/v1/auth/password/forgot", {
        method: "POST",
        json: { email: t.email },
      });
      assert.equal(res.status, 202);
      await res.body?.cancel();
    };
    const links = async () =>
      (await mailTo(server, t.email))
        .filter((m) => m.subject.includes("Reset"))
        .map((m) => linkIn(m.text).token);
    await ask();
    const [older] = await links();
    await ask();
    const newest = (await links()).find((token) => token !== older);
    assert.ok(older && newest, "two links were mailed");
    const reset = (token: string, password: string) =>
      server.fetch(t.host, "/api/v1/auth/password/reset", {
        method: "POST",
        json: { token, password },
      });
    const stale = await reset(older, "an attacker's password");
    assert.equal(stale.status, 400);
    assert.match((await stale.json()).error.message, /expired or was already used/);
    await signIn(server, t.host, t.email, t.password);
    const fresh = await reset(newest, NEW_PASSWORD);
    assert.equal(fresh.status, 200);
    await fresh.body?.cancel();
    await signIn(server, t.host, t.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});

Deno.test("forgot password answers 202 for unknown addresses without sending mail, and is throttled", async () => {
  const server = await startTestServer();
  try {
    const count = async () =>
      Number(
        (await server.services.control.execute("SELECT COUNT(*) AS n FROM outbox")).rows[0]!.n,
      );
    const before = await count();
    const forgot = (email: string) =>
      server.fetch("localhost", "/api/v1/auth/password/forgot", {
        method: "POST",
        json: { email },
      });
    const unknown = await forgot("nobody@nowhere.example");
    assert.equal(unknown.status, 202);
    assert.equal(await count(), before, "no mail for an unknown address");
    const known = await signUpTenant(server);
    const afterSignup = await count();
    const existing = await forgot(known.email);
    assert.equal(existing.status, 202);
    assert.deepEqual(await unknown.json(), await existing.json(), "the same answer either way");
    assert.equal(before, 0);
    assert.equal(await count(), afterSignup + 1, "mail only for the real account");

    for (let i = 0; i < 4; i++) await (await forgot(known.email)).body?.cancel();
    const throttled = await forgot(known.email);
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get("retry-after")) > 0);
    await throttled.body?.cancel();
    assert.equal(await count(), afterSignup + 5);
  } finally {
    await server.close();
  }
});

Deno.test("change password needs the current one, keeps this session and ends the others", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const here = await signIn(server, t.host, t.email, t.password);
    const elsewhere = await signIn(server, t.host, t.email, t.password);
    const wrong = await call(server, here, "POST", "/api/v1/auth/password/change", {
      current_password: "not it at all",
      new_password: NEW_PASSWORD,
    });
    assert.equal(wrong.status, 422);
    assert.ok((await wrong.json()).error.details.current_password);
    const ok = await call(server, here, "POST", "/api/v1/auth/password/change", {
      current_password: t.password,
      new_password: NEW_PASSWORD,
    });
    assert.equal(ok.status, 204);
    assert.equal((await call(server, here, "GET", "/api/v1/me")).status, 200);
    assert.equal((await call(server, elsewhere, "GET", "/api/v1/me")).status, 401);
    await signIn(server, t.host, t.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});
