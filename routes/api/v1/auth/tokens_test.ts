import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../../tests/helpers/server.ts";

Deno.test("POST /api/v1/auth/tokens returns a token once, which authenticates only on its tenant", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server, "alpha");
    const b = await signUpTenant(server, "bravo");
    const res = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: a.email, password: a.password, name: "ci script" },
    });
    assert.equal(res.status, 201);
    const created = await res.json();
    assert.match(created.token, /^pm_/);
    assert.equal(created.name, "ci script");

    const stored = await server.services.control.execute("SELECT token_hash FROM api_tokens");
    assert.notEqual(stored.rows[0]?.token_hash, created.token, "stored hashed");

    const bearer = { authorization: `Bearer ${created.token}` };
    const me = await server.fetch(a.host, "/api/v1/me", { headers: bearer });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).tenant.slug, "alpha");

    const elsewhere = await server.fetch(b.host, "/api/v1/me", { headers: bearer });
    assert.equal(elsewhere.status, 401, "a token of alpha is refused on bravo");

    const list = await (await server.fetch(a.host, "/api/v1/auth/tokens", { headers: bearer }))
      .json();
    assert.equal(list.data.length, 1);
    assert.equal(list.data[0].token, undefined, "the secret is never listed");

    const revoke = await server.fetch(a.host, `/api/v1/auth/tokens/${created.id}`, {
      method: "DELETE",
      headers: bearer,
    });
    assert.equal(revoke.status, 204);
    const after = await server.fetch(a.host, "/api/v1/me", { headers: bearer });
    assert.equal(after.status, 401, "a revoked token is refused");
  } finally {
    await server.close();
  }
});

Deno.test("POST /api/v1/auth/tokens refuses wrong passwords, non-members, and throttles guessing", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server, "alpha");
    const b = await signUpTenant(server, "bravo");
    const wrong = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: a.email, password: "not the password" },
    });
    assert.equal(wrong.status, 401);
    const notMember = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: b.email, password: b.password },
    });
    assert.equal(notMember.status, 403);
    for (let i = 0; i < 5; i++) {
      await server.fetch(a.host, "/api/v1/auth/tokens", {
        method: "POST",
        json: { email: a.email, password: `guess ${i} guess` },
      });
    }
    const locked = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: a.email, password: a.password },
    });
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get("retry-after")) > 0);
    const count = await server.services.control.execute("SELECT COUNT(*) AS n FROM api_tokens");
    assert.equal(Number(count.rows[0]?.n), 0);
  } finally {
    await server.close();
  }
});

Deno.test("a session cookie of one tenant is refused on another tenant's host", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server, "alpha");
    const b = await signUpTenant(server, "bravo");
    const own = await server.fetch(a.host, "/api/v1/me", {
      headers: { cookie: a.jar.header(a.host) },
    });
    assert.equal(own.status, 200);
    const foreign = await server.fetch(b.host, "/api/v1/me", {
      headers: { cookie: a.jar.header(a.host) },
    });
    assert.equal(foreign.status, 401);
  } finally {
    await server.close();
  }
});

Deno.test("cookie-authenticated writes need the CSRF token; bearer calls do not", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server, "alpha");
    const cookie = a.jar.header(a.host);
    const without = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { name: "x" },
      headers: { cookie },
    });
    assert.equal(without.status, 403);
    assert.equal((await without.json()).error.details.reason, "csrf");
    const withToken = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { name: "from the browser" },
      headers: { cookie, "x-csrf-token": a.csrf },
    });
    assert.equal(withToken.status, 201);
    const foreignOrigin = await server.fetch(a.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { name: "x" },
      headers: { cookie, "x-csrf-token": a.csrf, origin: "http://evil.example" },
    });
    assert.equal(foreignOrigin.status, 403);
  } finally {
    await server.close();
  }
});

Deno.test("a token created with an expiry works until then and is refused after; bad expiries write nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const create = (extra: Record<string, unknown>) =>
      server.fetch(t.host, "/api/v1/auth/tokens", {
        method: "POST",
        json: { email: t.email, password: t.password, name: "nightly export", ...extra },
      });
    const res = await create({ expires_in_days: 30 });
    assert.equal(res.status, 201);
    const created = await res.json();
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, String(days));
    const bearer = { authorization: `Bearer ${created.token}` };
    assert.equal((await server.fetch(t.host, "/api/v1/me", { headers: bearer })).status, 200);
    const listed = await (await server.fetch(t.host, "/api/v1/auth/tokens", { headers: bearer }))
      .json();
    assert.equal(listed.data[0].expires_at, created.expires_at);

    // The day passes (moved back in the database); the cached principal lasts 5 s at most.
    await server.services.control.execute({
      sql: "UPDATE api_tokens SET expires_at = ? WHERE id = ?",
      args: [new Date(Date.now() - 1000).toISOString(), created.id],
    });
    server.services.authCache.clear();
    const expired = await server.fetch(t.host, "/api/v1/me", { headers: bearer });
    assert.equal(expired.status, 401);

    // Without an expiry a token lives until revoked, as before.
    const forever = await (await create({})).json();
    assert.equal(forever.expires_at, null);
    for (const bad of [0, -3, 1.5, 3651, "30"]) {
      const refused = await create({ expires_in_days: bad });
      assert.equal(refused.status, 422, JSON.stringify(bad));
      assert.ok((await refused.json()).error.details.expires_in_days);
    }
    const rows = await server.services.control.execute("SELECT count(*) AS n FROM api_tokens");
    assert.equal(Number(rows.rows[0]!.n), 2);
  } finally {
    await server.close();
  }
});
