/**
 * What wapiti reported on a development server (no HSTS, a CSRF cookie without `Secure`) is set by
 * any installation whose app domain is not localhost, as production's is: these tests pin that.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../tests/helpers/server.ts";

const PAGES = ["/", "/login", "/signup", "/help", "/forgot-password"];

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie();
}

Deno.test("with a public app domain, every public page sends HSTS, a nonce CSP and only Secure, HttpOnly cookies", async () => {
  const server = await startTestServer({ APP_ENV: "production", APP_DOMAIN: "projectmeats.test" });
  try {
    for (const path of PAGES) {
      const res = await server.fetch("projectmeats.test", path);
      await res.body?.cancel();
      assert.equal(res.status, 200, path);
      assert.equal(
        res.headers.get("strict-transport-security"),
        "max-age=63072000; includeSubDomains",
        path,
      );
      assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self' 'nonce-/);
      assert.equal(res.headers.get("x-frame-options"), "DENY", path);
      // Deliberately absent: the XSS auditor it switched is gone from browsers; the CSP does this.
      assert.equal(res.headers.get("x-xss-protection"), null, path);
      const cookies = cookiesOf(res);
      assert.ok(cookies.length > 0, `${path} sets its CSRF cookie`);
      for (const c of cookies) {
        assert.match(c, /; Secure/, `${path}: ${c}`);
        assert.match(c, /; HttpOnly/, `${path}: ${c}`);
      }
    }
    const signup = await server.fetch("projectmeats.test", "/api/v1/signup", {
      method: "POST",
      json: {
        company_name: "Secure Foods",
        slug: "securefoods",
        owner_name: "Olive Owner",
        email: "owner@securefoods.example",
        password: "correct horse battery",
      },
    });
    assert.equal(signup.status, 201);
    // The link opens only in the client that signed up: its binding cookie goes along.
    const binding = cookiesOf(signup).find((c) => c.startsWith("pm_handoff="));
    assert.ok(binding, "the sign-up binds its link to this client");
    assert.match(binding, /; Domain=projectmeats\.test/);
    assert.match(binding, /; HttpOnly/);
    assert.match(binding, /; Secure/);
    const login = new URL((await signup.json()).login_url);
    assert.equal(login.protocol, "https:");
    const handoff = await server.fetch(login.host, login.pathname + login.search, {
      headers: { cookie: binding.split(";")[0]! },
    });
    await handoff.body?.cancel();
    const session = cookiesOf(handoff).find((c) => c.startsWith("pm_session="));
    assert.ok(session, "the handoff signs in");
    assert.match(session, /; HttpOnly; Secure; SameSite=Lax/);
    assert.match(handoff.headers.get("strict-transport-security") ?? "", /max-age=63072000/);
  } finally {
    await server.close();
  }
});

Deno.test("on localhost (development) there is no HSTS and cookies are not Secure, so plain http works", async () => {
  const server = await startTestServer();
  try {
    const res = await server.fetch("localhost", "/login");
    await res.body?.cancel();
    assert.equal(res.headers.get("strict-transport-security"), null);
    const cookies = cookiesOf(res);
    assert.ok(cookies.length > 0);
    for (const c of cookies) assert.doesNotMatch(c, /; Secure/);
  } finally {
    await server.close();
  }
});
