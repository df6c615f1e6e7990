import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";

const valid = {
  company_name: "Prairie Beef Brokers",
  slug: "prairie",
  owner_name: "Pat Prairie",
  email: "pat@prairie.example",
  password: "brisket and ribeye 7",
};

Deno.test("POST /api/v1/signup creates the tenant, its database and a one-time sign-in link", async () => {
  const server = await startTestServer();
  try {
    const res = await server.fetch("localhost", "/api/v1/signup", { method: "POST", json: valid });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.tenant.slug, "prairie");
    assert.equal(body.tenant.url, `http://prairie.localhost:${server.port}`);
    assert.match(body.login_url, /\/auth\/handoff\?token=/);
    const stat = await Deno.stat(`${server.dataDir}/tenants/${body.tenant.id}.db`);
    assert.ok(stat.isFile);

    const link = new URL(body.login_url);
    const handoff = await server.fetch("prairie.localhost", link.pathname + link.search);
    assert.equal(handoff.status, 303);
    const cookie = handoff.headers.getSetCookie().find((c) => c.startsWith("pm_session=")) ?? "";
    assert.match(cookie, /pm_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.doesNotMatch(cookie, /Domain=/i, "host-only cookie");
    const session = cookie.split(";")[0]!;
    const me = await server.fetch("prairie.localhost", "/api/v1/me", {
      headers: { cookie: session },
    });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).role, "owner");

    const reused = await server.fetch("prairie.localhost", link.pathname + link.search);
    assert.equal(reused.status, 401, "a handoff link works once");
  } finally {
    await server.close();
  }
});

Deno.test("POST /api/v1/signup refuses bad input with per-field errors and writes nothing", async () => {
  const server = await startTestServer();
  try {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...valid, slug: "www" }, "slug"],
      [{ ...valid, slug: "admin" }, "slug"],
      [{ ...valid, slug: "Bad_Slug!" }, "slug"],
      [{ ...valid, slug: "-acme" }, "slug"],
      [{ ...valid, email: "not-an-email" }, "email"],
      [{ ...valid, password: "short" }, "password"],
      [{ ...valid, password: "password123" }, "password"],
      [{ ...valid, company_name: "" }, "company_name"],
    ];
    for (const [input, field] of cases) {
      const res = await server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: input,
      });
      assert.equal(res.status, 422, JSON.stringify(input));
      const body = await res.json();
      assert.equal(body.error.code, "invalid_request");
      assert.ok(body.error.details[field], `${field} error for ${JSON.stringify(input)}`);
    }
    const notJson = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    assert.equal(notJson.status, 400);
    const rs = await server.services.control.execute("SELECT COUNT(*) AS n FROM tenants");
    assert.equal(Number(rs.rows[0]?.n), 0);
  } finally {
    await server.close();
  }
});

Deno.test("POST /api/v1/signup refuses a taken slug and an existing e-mail with a wrong password", async () => {
  const server = await startTestServer();
  try {
    await signUpTenant(server, "taken");
    const again = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: { ...valid, slug: "taken" },
    });
    assert.equal(again.status, 409);
    assert.ok((await again.json()).error.details.slug);
    const sameEmail = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: {
        ...valid,
        slug: "other",
        email: "owner@taken.example",
        password: "wrong password 99",
      },
    });
    assert.equal(sameEmail.status, 409);
  } finally {
    await server.close();
  }
});

Deno.test("POST /api/v1/signup exists only on the bare app domain", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const res = await server.fetch(t.host, "/api/v1/signup", { method: "POST", json: valid });
    assert.equal(res.status, 404);
  } finally {
    await server.close();
  }
});
