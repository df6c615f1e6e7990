import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../../tests/helpers/server.ts";
import { call, signIn } from "../../../../tests/helpers/members.ts";

Deno.test("POST /api/v1/auth/login on the bare domain lists the user's workspaces", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const res = await server.fetch("localhost", "/api/v1/auth/login", {
      method: "POST",
      json: { email: t.email, password: t.password },
    });
    assert.equal(res.status, 200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("pm_session="));
    assert.ok(cookie && /HttpOnly/i.test(cookie) && !/Domain=/i.test(cookie));
    const body = await res.json();
    assert.equal(body.role, null);
    assert.ok(body.csrf_token);
    assert.deepEqual(body.workspaces.map((w: { slug: string; role: string }) => [w.slug, w.role]), [
      [t.slug, "owner"],
    ]);
    assert.match(body.workspaces[0].url, new RegExp(`^http://${t.slug}\\.localhost:\\d+$`));
    // The apex session is not valid on the tenant's host.
    const onTenant = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: cookie.split(";")[0]! },
    });
    assert.equal(onTenant.status, 401);
    await onTenant.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("POST /api/v1/auth/login refuses wrong passwords and non-members; logout ends the session", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const wrong = await server.fetch(a.host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: a.email, password: "wrong password here" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.getSetCookie().some((c) => c.startsWith("pm_session=")), false);
    await wrong.body?.cancel();
    const stranger = await server.fetch(b.host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: a.email, password: a.password },
    });
    assert.equal(stranger.status, 403);
    await stranger.body?.cancel();

    const session = await signIn(server, a.host, a.email, a.password);
    const me = await (await call(server, session, "GET", "/api/v1/me")).json();
    assert.equal(me.role, "owner");
    const noCsrf = await server.fetch(a.host, "/api/v1/auth/logout", {
      method: "POST",
      headers: { cookie: session.jar.header(a.host) },
      json: {},
    });
    assert.equal(noCsrf.status, 403, "logout is a write: it needs the CSRF token");
    await noCsrf.body?.cancel();
    const out = await call(server, session, "POST", "/api/v1/auth/logout", {});
    assert.equal(out.status, 204);
    assert.ok(
      out.headers.getSetCookie().some((c) => /^pm_session=;/.test(c) || /Max-Age=0/i.test(c)),
    );
    assert.equal((await call(server, session, "GET", "/api/v1/me")).status, 401);
  } finally {
    await server.close();
  }
});
