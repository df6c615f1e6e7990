import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../../tests/helpers/server.ts";
import { call, signIn } from "../../../../tests/helpers/members.ts";
import { Browser } from "../../../../tests/helpers/second_factor.ts";

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

Deno.test("GET /api/v1/auth/sessions lists the user's sessions with device and public ids only", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const res = await server.fetch(t.host, "/api/v1/auth/login", {
      method: "POST",
      headers: { "user-agent": FIREFOX },
      json: { email: t.email, password: t.password },
    });
    await res.body?.cancel();
    const session = await signIn(server, t.host, t.email, t.password);
    const list = await (await call(server, session, "GET", "/api/v1/auth/sessions")).json();
    assert.equal(list.data.length, 3, "signup's, the Firefox one and this one");
    assert.equal(list.data.filter((s: { current: boolean }) => s.current).length, 1);
    assert.ok(list.data.some((s: { device: string }) => s.device === "Firefox on Windows"));
    const hashes = await server.services.control.execute("SELECT id_hash FROM sessions");
    const text = JSON.stringify(list);
    for (const r of hashes.rows) assert.ok(!text.includes(String(r.id_hash)), "no hash leaks");
    for (const s of list.data) {
      assert.equal(s.workspace, t.slug);
      assert.ok(s.last_used_at >= s.created_at);
    }
    const theirs = await (await call(
      server,
      await signIn(
        server,
        other.host,
        other.email,
        other.password,
      ),
      "GET",
      "/api/v1/auth/sessions",
    )).json();
    assert.ok(
      theirs.data.every((s: { id: string }) =>
        !list.data.some((m: { id: string }) => m.id === s.id)
      ),
    );
  } finally {
    await server.close();
  }
});

Deno.test("a revoked session is refused on its next request; another user's session cannot be revoked", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const laptop = await signIn(server, t.host, t.email, t.password);
    const phone = await signIn(server, t.host, t.email, t.password);
    const stranger = await signIn(server, other.host, other.email, other.password);
    // Both sessions are live (and cached by the principal cache).
    assert.equal((await call(server, phone, "GET", "/api/v1/me")).status, 200);
    const list = await (await call(server, laptop, "GET", "/api/v1/auth/sessions")).json();
    const phoneId = list.data.find((s: { current: boolean }) => !s.current).id;
    const ids = list.data.map((s: { id: string }) => s.id);

    const foreign = await call(
      server,
      stranger,
      "DELETE",
      `/api/v1/auth/sessions/${ids[0]}`,
      undefined,
      other.host,
    );
    assert.equal(foreign.status, 404, "another user's session is not found");
    await foreign.body?.cancel();

    // Revoke the first non-current one, which may be signup's or the phone's: revoke each.
    for (const s of list.data.filter((x: { current: boolean }) => !x.current)) {
      const del = await call(server, laptop, "DELETE", `/api/v1/auth/sessions/${s.id}`);
      assert.equal(del.status, 204);
    }
    assert.ok(phoneId);
    const refused = await call(server, phone, "GET", "/api/v1/me");
    assert.equal(refused.status, 401, "the revoked session is refused at once");
    await refused.body?.cancel();
    assert.equal((await call(server, laptop, "GET", "/api/v1/me")).status, 200);
    assert.equal(
      (await call(server, stranger, "GET", "/api/v1/me", undefined, other.host)).status,
      200,
    );
  } finally {
    await server.close();
  }
});

Deno.test("sign out everywhere else keeps this session and ends every other one, on every host", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const here = await signIn(server, t.host, t.email, t.password);
    const there = await signIn(server, t.host, t.email, t.password);
    const apex = await signIn(server, "localhost", t.email, t.password);
    const res = await call(server, here, "POST", "/api/v1/auth/sessions/revoke-others", {});
    assert.equal(res.status, 200);
    assert.equal((await res.json()).revoked, 3, "signup's, the other tab's and the apex session");
    assert.equal((await call(server, there, "GET", "/api/v1/me")).status, 401);
    assert.equal(
      (await call(server, apex, "GET", "/api/v1/me", undefined, "localhost")).status,
      401,
    );
    assert.equal((await call(server, here, "GET", "/api/v1/me")).status, 200);
    const left = await (await call(server, here, "GET", "/api/v1/auth/sessions")).json();
    assert.equal(left.data.length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("Settings → Profile lists sessions and a revoked one is signed out", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const browser = new Browser(server, t.host);
    await browser.logIn(t.email, t.password);
    const other = await signIn(server, t.host, t.email, t.password);
    const page = await browser.get("/settings/profile");
    assert.equal(page.status, 200);
    assert.match(page.html, /Sign out everywhere else/);
    assert.match(page.html, /this session/);
    const revoke = await browser.post("/settings/profile/sessions/revoke-others");
    assert.equal(revoke.status, 303);
    assert.equal((await call(server, other, "GET", "/api/v1/me")).status, 401);
    assert.equal((await browser.get("/settings/profile")).status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("last_used_at moves at most once a minute", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const session = await signIn(server, t.host, t.email, t.password);
    const read = async () =>
      (await server.services.control.execute({
        sql: "SELECT public_id, last_used_at FROM sessions WHERE user_id = ? ORDER BY created_at",
        args: [t.userId],
      })).rows.map((r) => String(r.last_used_at));
    await server.services.control.execute({
      sql: "UPDATE sessions SET last_used_at = '2000-01-01T00:00:00.000Z' WHERE user_id = ?",
      args: [t.userId],
    });
    server.services.authCache.clear();
    await (await call(server, session, "GET", "/api/v1/me")).body?.cancel();
    const first = await read();
    assert.equal(first.filter((v) => v !== "2000-01-01T00:00:00.000Z").length, 1, "only this one");
    server.services.authCache.clear();
    await (await call(server, session, "GET", "/api/v1/me")).body?.cancel();
    assert.deepEqual(await read(), first, "no second write within the minute");
  } finally {
    await server.close();
  }
});
