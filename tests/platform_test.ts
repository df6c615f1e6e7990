/**
 * The platform's outer behaviour over real HTTP: health, tenant resolution (subdomains, custom
 * domains, unknown and suspended tenants), security headers, error bodies and rate limits.
 */
import assert from "node:assert/strict";
import { putInState } from "./helpers/billing.ts";
import { signUpTenant, startTestServer } from "./helpers/server.ts";

Deno.test("GET /healthz and /readyz answer on any host", async () => {
  const server = await startTestServer();
  try {
    for (const host of ["localhost", "nobody.localhost", "127.0.0.1"]) {
      const live = await server.fetch(host, "/healthz");
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: "ok" });
      const ready = await server.fetch(host, "/readyz");
      assert.equal(ready.status, 200);
      assert.equal((await ready.json()).checks.control_database, "ok");
    }
  } finally {
    await server.close();
  }
});

Deno.test("an unknown tenant gets a 404 page and a suspended tenant a page that says so", async () => {
  const server = await startTestServer();
  try {
    const unknown = await server.fetch("nobody.localhost", "/");
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await unknown.text(), /There is no workspace at nobody\.localhost/);
    const unknownApi = await server.fetch("nobody.localhost", "/api/v1/me");
    assert.equal(unknownApi.status, 404);
    assert.equal((await unknownApi.json()).error.code, "not_found");

    const t = await signUpTenant(server, "paused");
    await server.services.registry.setStatus(t.tenantId, "suspended");
    const page = await server.fetch(t.host, "/", { headers: { cookie: t.jar.header(t.host) } });
    assert.equal(page.status, 403);
    assert.match(await page.text(), /is suspended/);
    const api = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: t.jar.header(t.host) },
    });
    assert.equal((await api.json()).error.details.reason, "tenant_suspended");
    await server.services.registry.setStatus(t.tenantId, "active");
    const back = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: t.jar.header(t.host) },
    });
    assert.equal(back.status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("a tenant's custom domain resolves to that tenant, with its own host-only session", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server, "custom");
    await putInState(server.services, t.tenantId, "professional", "active"); // has customDomain
    await server.services.registry.addDomain(t.tenantId, "portal.customfoods.example");
    const login = await server.fetch("portal.customfoods.example", "/api/v1/auth/login", {
      method: "POST",
      json: { email: t.email, password: t.password },
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("pm_session="))!;
    const me = await server.fetch("portal.customfoods.example", "/api/v1/me", {
      headers: { cookie: cookie.split(";")[0]! },
    });
    assert.equal((await me.json()).tenant.slug, "custom");
  } finally {
    await server.close();
  }
});

Deno.test("pages carry a nonce CSP, frame-ancestors none, nosniff and a referrer policy; HSTS only off localhost", async () => {
  const local = await startTestServer();
  const prod = await startTestServer({ APP_DOMAIN: "projectmeats.test" });
  try {
    const res = await local.fetch("localhost", "/signup");
    const csp = res.headers.get("content-security-policy") ?? "";
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("referrer-policy"), "strict-origin-when-cross-origin");
    assert.equal(res.headers.get("strict-transport-security"), null);
    await res.body?.cancel();
    const secure = await prod.fetch("projectmeats.test", "/signup");
    assert.match(secure.headers.get("strict-transport-security") ?? "", /max-age=\d+/);
    assert.match(secure.headers.getSetCookie().join(";"), /Secure/);
    await secure.body?.cancel();
  } finally {
    await local.close();
    await prod.close();
  }
});

Deno.test("API answers are never stored by a browser or proxy; assets keep their long caching", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const login = await server.fetch(t.host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: t.email, password: t.password },
    });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("pm_session="))!;
    for (const path of ["/api/v1/me", "/api/v1/suppliers", "/api/v1/nothing-here"]) {
      const res = await server.fetch(t.host, path, { headers: { cookie: cookie.split(";")[0]! } });
      assert.equal(res.headers.get("cache-control"), "no-store", path);
      await res.body?.cancel();
    }
    const health = await server.fetch("localhost", "/healthz");
    assert.equal(health.status, 200);
    await health.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("JSON bodies are known by their media type in any case; compressed bodies are refused", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const post = (type: string, body: string | Uint8Array, extra: Record<string, string> = {}) =>
      server.fetch(t.host, "/api/v1/auth/tokens", {
        method: "POST",
        body,
        headers: { "content-type": type, ...extra },
      });
    const json = JSON.stringify({ email: t.email, password: t.password, name: "case" });
    const upper = await post("APPLICATION/JSON; Charset=UTF-8", json);
    assert.equal(upper.status, 201, "media types are case-insensitive");
    await upper.body?.cancel();
    const lookalike = await post("application/jsonx", json);
    assert.equal(lookalike.status, 415);
    await lookalike.body?.cancel();
    const gzipped = new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"));
    const zipped = await post(
      "application/json",
      new Uint8Array(await new Response(gzipped).arrayBuffer()),
      {
        "content-encoding": "gzip",
      },
    );
    assert.equal(zipped.status, 415);
    assert.match((await zipped.json()).error.message, /uncompressed/);
  } finally {
    await server.close();
  }
});

Deno.test("errors are a JSON body with code, message and details, and never a stack trace", async () => {
  const server = await startTestServer();
  try {
    const res = await server.fetch("localhost", "/api/v1/nothing-here");
    assert.equal(res.status, 404);
    const body = await res.json();
    assert.deepEqual(Object.keys(body.error).sort(), ["code", "details", "message"]);
    const bad = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      body: "not json",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(bad.status, 415);
    assert.doesNotMatch(await bad.text(), /at .*\.ts:\d+/);
  } finally {
    await server.close();
  }
});

Deno.test("rate limits answer 429 with Retry-After, per IP and per tenant", async () => {
  const perIp = await startTestServer({ RATE_LIMIT_PER_IP: "5" });
  const perTenant = await startTestServer({ RATE_LIMIT_PER_TENANT: "3" });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await perIp.fetch("localhost", "/login");
      statuses.push(r.status);
      if (r.status === 429) assert.ok(Number(r.headers.get("retry-after")) >= 1);
      await r.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);

    const t = await signUpTenant(perTenant, "busy");
    const other = await signUpTenant(perTenant, "quiet");
    let limited = 0;
    // The workspace's limit counts its members' requests (tenants/middleware.ts).
    for (let i = 0; i < 6; i++) {
      const r = await perTenant.fetch(t.host, "/api/v1/me", {
        headers: { cookie: t.jar.header(t.host) },
      });
      if (r.status === 429) limited++;
      await r.body?.cancel();
    }
    assert.ok(limited >= 2, `busy tenant limited ${limited} times`);
    const calm = await perTenant.fetch(other.host, "/api/v1/me", {
      headers: { cookie: other.jar.header(other.host) },
    });
    assert.equal(calm.status, 200, "another tenant is not affected");
    await calm.body?.cancel();
  } finally {
    await perIp.close();
    await perTenant.close();
  }
});
