import assert from "node:assert/strict";
import { FixedClock } from "../../../../domain/clock.ts";
import {
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../../../tests/helpers/server.ts";
import { enrolTotp, signInTwoStep } from "../../../../tests/helpers/second_factor.ts";
import { call, confirmAddress, linkIn, mailTo, signIn } from "../../../../tests/helpers/members.ts";

async function tokenCount(server: TestServer, userId: string): Promise<number> {
  const rs = await server.services.control.execute({
    sql: "SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ?",
    args: [userId],
  });
  return Number(rs.rows[0]!.n);
}

async function sessionCount(server: TestServer, userId: string): Promise<number> {
  const rs = await server.services.control.execute({
    sql: "SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?",
    args: [userId],
  });
  return Number(rs.rows[0]!.n);
}

function login(server: TestServer, host: string, json: unknown) {
  return server.fetch(host, "/api/v1/auth/login", { method: "POST", json });
}

Deno.test("a correct password alone never yields a session or an API token when a second factor is set", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // inviting needs a confirmed address
    const app = await enrolTotp(server, t);
    const sessionsBefore = await sessionCount(server, t.userId);

    // Sign-in: a challenge, no cookie, no session row.
    for (const host of [t.host, "localhost"]) {
      const res = await login(server, host, { email: t.email, password: t.password });
      assert.equal(res.status, 202);
      assert.equal(res.headers.getSetCookie().some((c) => c.startsWith("pm_session=")), false);
      const body = await res.json();
      assert.equal(body.result, "second_factor_required");
      assert.deepEqual(body.methods, ["totp", "recovery_code"]);
      assert.ok(body.challenge.length >= 20);
      assert.equal(body.user, undefined, "nothing about the account before the second step");
    }
    assert.equal(await sessionCount(server, t.userId), sessionsBefore);

    // Token with the password only: refused, no token written.
    const noCode = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: t.email, password: t.password, name: "stolen" },
    });
    assert.equal(noCode.status, 401);
    assert.equal((await noCode.json()).error.details.reason, "second_factor_required");
    const wrongCode = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: t.email, password: t.password, name: "stolen", code: "000000" },
    });
    assert.equal(wrongCode.status, 422);
    await wrongCode.body?.cancel();
    assert.equal(await tokenCount(server, t.userId), 0);

    // With a fresh code the token is made.
    const withCode = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: t.email, password: t.password, name: "script", code: app.next() },
    });
    assert.equal(withCode.status, 201);
    await withCode.body?.cancel();
    assert.equal(await tokenCount(server, t.userId), 1);
  } finally {
    await server.close();
  }
});

Deno.test("a sign-in challenge is completed once, on its own host, and dies after five wrong codes", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({}, { clock });
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // inviting needs a confirmed address
    const other = await signUpTenant(server);
    await confirmAddress(server, other.userId); // inviting needs a confirmed address
    const app = await enrolTotp(server, t);
    const complete = (host: string, challenge: string, code: string) =>
      server.fetch(host, "/api/v1/auth/login/second-factor", {
        method: "POST",
        json: { challenge, code },
      });

    const first = await (await login(server, t.host, { email: t.email, password: t.password }))
      .json();
    const code = app.next();
    const elsewhere = await complete(other.host, first.challenge, code);
    assert.equal(elsewhere.status, 401, "a challenge of one workspace is dead on another");
    await elsewhere.body?.cancel();
    const done = await complete(t.host, first.challenge, code);
    assert.equal(done.status, 200);
    assert.ok(done.headers.getSetCookie().some((c) => c.startsWith("pm_session=")));
    assert.equal((await done.json()).role, "owner");
    const again = await complete(t.host, first.challenge, app.next());
    assert.equal(again.status, 401, "a completed challenge cannot be used again");
    await again.body?.cancel();

    // Replaying the code that was just used, with a new challenge, is refused.
    const second = await (await login(server, t.host, { email: t.email, password: t.password }))
      .json();
    const replay = await complete(t.host, second.challenge, code);
    assert.equal(replay.status, 422);
    await replay.body?.cancel();
    for (let i = 0; i < 4; i++) {
      const wrong = await complete(t.host, second.challenge, "000000");
      assert.equal(wrong.status, 422);
      await wrong.body?.cancel();
    }
    clock.advance(60_000);
    const dead = await complete(t.host, second.challenge, app.next());
    assert.equal(dead.status, 401, "five wrong codes end the challenge, even before a right one");
    await dead.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("wrong second-factor codes are throttled per account across challenges", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // inviting needs a confirmed address
    const app = await enrolTotp(server, t);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { challenge } = await (await login(server, t.host, {
        email: t.email,
        password: t.password,
      })).json();
      for (let j = 0; j < 2; j++) {
        const res = await server.fetch(t.host, "/api/v1/auth/login/second-factor", {
          method: "POST",
          json: { challenge, code: "111111" },
        });
        statuses.push(res.status);
        await res.body?.cancel();
      }
    }
    assert.deepEqual(statuses, [422, 422, 422, 422, 422, 429]);
    const { challenge } = await (await login(server, t.host, {
      email: t.email,
      password: t.password,
    })).json();
    const right = await server.fetch(t.host, "/api/v1/auth/login/second-factor", {
      method: "POST",
      json: { challenge, code: app.next() },
    });
    assert.equal(right.status, 429, "even a right code waits while the account is throttled");
    await right.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("a recovery code completes a sign-in once and the use is in the security log", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // inviting needs a confirmed address
    const app = await enrolTotp(server, t);
    const code = app.recoveryCodes[3]!;
    const session = await signInTwoStep(server, t.host, t, code);
    const me = await server.fetch(t.host, "/api/v1/me", { headers: { cookie: session.cookie } });
    assert.equal(me.status, 200);
    await me.body?.cancel();
    await assert.rejects(signInTwoStep(server, t.host, t, code), /second step: 422/);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const rs = await lease.db.execute(
        "SELECT action, actor_email FROM security_events WHERE action LIKE 'auth.%' ORDER BY seq",
      );
      const actions = rs.rows.map((r) => String(r.action));
      assert.equal(actions.filter((a) => a === "auth.recovery_code.used").length, 1);
      assert.ok(actions.includes("auth.second_factor.challenged"));
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});

Deno.test("accepting an invitation with the password of an account with a second factor opens no session", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const a = await signUpTenant(server);
    await confirmAddress(server, a.userId); // inviting needs a confirmed address
    const b = await signUpTenant(server);
    await confirmAddress(server, b.userId); // inviting needs a confirmed address
    const app = await enrolTotp(server, b);
    const owner = await signIn(server, a.host, a.email, a.password);
    for (const via of ["api", "form"]) {
      const sent = await call(server, owner, "POST", "/api/v1/invitations", {
        email: b.email,
        role: "broker",
      });
      assert.equal(sent.status, 201);
      await sent.body?.cancel();
      const link = linkIn((await mailTo(server, b.email))[0]!.text);
      let res: Response;
      if (via === "api") {
        res = await server.fetch(a.host, "/api/v1/invitations/accept", {
          method: "POST",
          json: { token: link.token, password: b.password },
        });
        assert.equal(res.status, 202);
        const body = await res.json();
        assert.equal(body.result, "second_factor_required");
        const done = await server.fetch(a.host, "/api/v1/auth/login/second-factor", {
          method: "POST",
          json: { challenge: body.challenge, code: app.next() },
        });
        assert.equal(done.status, 200);
        assert.equal((await done.json()).role, "broker");
        // Remove the membership again for the form's turn.
        await server.services.control.execute({
          sql: "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?",
          args: [a.tenantId, b.userId],
        });
      } else {
        const page = await server.fetch(a.host, link.path);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
        const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
        res = await server.fetch(a.host, "/invitations/accept", {
          method: "POST",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ _csrf: csrf, token: link.token, password: b.password })
            .toString(),
        });
        assert.equal(res.status, 303);
        assert.match(res.headers.get("location")!, /^\/login\/second-factor/);
        await res.body?.cancel();
      }
      assert.equal(res.headers.getSetCookie().some((c) => c.startsWith("pm_session=")), false);
    }
  } finally {
    await server.close();
  }
});
