import assert from "node:assert/strict";
import { FixedClock } from "../../../domain/clock.ts";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { Browser, codeAt, stepNow } from "../../../tests/helpers/second_factor.ts";
import { useRecoveryCode } from "../../../auth/recovery_codes.ts";

async function factorRows(server: TestServer, userId: string) {
  const totp = await server.services.control.execute({
    sql: "SELECT confirmed_at FROM user_totp WHERE user_id = ?",
    args: [userId],
  });
  const codes = await server.services.control.execute({
    sql: "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?",
    args: [userId],
  });
  return {
    totp: totp.rows.length,
    confirmed: totp.rows[0]?.confirmed_at != null,
    codes: Number(codes.rows[0]!.n),
  };
}

function codesIn(html: string): string[] {
  return [...html.matchAll(/<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/g)].map((m) => m[1]!);
}

Deno.test("Settings → Profile sets up an authenticator app, makes new recovery codes and turns it off with the password", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({}, { clock });
  try {
    const t = await signUpTenant(server);
    const browser = new Browser(server, t.host);
    await browser.logIn(t.email, t.password);
    const profile = await browser.get("/settings/profile");
    assert.match(profile.html, /Set up two-step sign-in/);

    await browser.get("/settings/profile/second-factor");
    const started = await browser.post("/settings/profile/second-factor/start", {
      password: t.password,
    });
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(started.html)![1]!.replace(/ /g, "");
    assert.deepEqual(await factorRows(server, t.userId), { totp: 1, confirmed: false, codes: 0 });
    const wrong = await browser.post("/settings/profile/second-factor/confirm", { code: "000000" });
    assert.equal(wrong.status, 422);
    assert.match(wrong.html, /id="totp-secret"/, "the same key is shown again");
    assert.equal((await factorRows(server, t.userId)).confirmed, false);
    const on = await browser.post("/settings/profile/second-factor/confirm", {
      code: codeAt(secret, stepNow(server)),
    });
    const first = codesIn(on.html);
    assert.equal(first.length, 10);
    assert.deepEqual(await factorRows(server, t.userId), { totp: 1, confirmed: true, codes: 10 });

    await browser.get("/settings/profile/second-factor");
    const refused = await browser.post("/settings/profile/second-factor/recovery-codes", {
      password: "wrong password",
    });
    assert.equal(refused.status, 422);
    const fresh = await browser.post("/settings/profile/second-factor/recovery-codes", {
      password: t.password,
    });
    const second = codesIn(fresh.html);
    assert.equal(second.length, 10);
    assert.equal(
      await useRecoveryCode(server.services, t.userId, first[0]!),
      false,
      "old set dead",
    );
    assert.equal(await useRecoveryCode(server.services, t.userId, second[0]!), true);

    await browser.get("/settings/profile/second-factor");
    const keep = await browser.post("/settings/profile/second-factor/disable", {
      password: "wrong password",
    });
    assert.equal(keep.status, 422);
    assert.equal((await factorRows(server, t.userId)).confirmed, true, "still on");
    const off = await browser.post("/settings/profile/second-factor/disable", {
      password: t.password,
    });
    assert.equal(off.status, 303);
    assert.deepEqual(await factorRows(server, t.userId), { totp: 0, confirmed: false, codes: 0 });

    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const rs = await lease.db.execute(
        "SELECT action FROM security_events WHERE action LIKE 'auth.%' ORDER BY seq",
      );
      const actions = rs.rows.map((r) => String(r.action));
      for (
        const a of [
          "auth.second_factor.enabled",
          "auth.recovery_codes.regenerated",
          "auth.second_factor.disabled",
        ]
      ) assert.equal(actions.filter((x) => x === a).length, 1, a);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});

Deno.test("wrong passwords on the two-step page are throttled like sign-in and change nothing", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    const browser = new Browser(server, t.host);
    await browser.logIn(t.email, t.password);
    await browser.get("/settings/profile/second-factor");
    await browser.post("/settings/profile/second-factor/start", { password: t.password });
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(
      (await browser.get("/settings/profile/second-factor")).html,
    )![1]!.replace(/ /g, "");
    await browser.post("/settings/profile/second-factor/confirm", {
      code: codeAt(secret, stepNow(server)),
    });
    await browser.get("/settings/profile/second-factor");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await browser.post("/settings/profile/second-factor/disable", {
        password: "not my password",
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [422, 422, 422, 422, 422, 429]);
    assert.equal((await factorRows(server, t.userId)).confirmed, true, "still on");
  } finally {
    await server.close();
  }
});

Deno.test("setting up an authenticator app asks for the password first: a session alone starts nothing", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    const browser = new Browser(server, t.host);
    await browser.logIn(t.email, t.password);
    const page = await browser.get("/settings/profile/second-factor");
    assert.match(page.html, /name="password"/, "the form asks for it");
    const none = await browser.post("/settings/profile/second-factor/start");
    assert.equal(none.status, 422);
    assert.match(none.html, /Enter your password to confirm it is you/);
    const wrong = await browser.post("/settings/profile/second-factor/start", {
      password: "not my password",
    });
    assert.equal(wrong.status, 422);
    assert.match(wrong.html, /Your password is not right/);
    assert.doesNotMatch(wrong.html, /id="totp-secret"/);
    assert.deepEqual(await factorRows(server, t.userId), { totp: 0, confirmed: false, codes: 0 });
    const right = await browser.post("/settings/profile/second-factor/start", {
      password: t.password,
    });
    assert.equal(right.status, 200);
    assert.match(right.html, /id="totp-secret"/);
  } finally {
    await server.close();
  }
});
