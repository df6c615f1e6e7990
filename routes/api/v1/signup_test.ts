import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { CookieJar } from "../../../tests/helpers/http.ts";
import { CompanyDetailsSchema } from "../../../domain/company.ts";

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
    // The link opens in the client that signed up: it holds the cookie set on this answer.
    const jar = new CookieJar();
    jar.store("localhost", res);
    const handoff = await server.fetch("prairie.localhost", link.pathname + link.search, {
      headers: { cookie: jar.header("prairie.localhost") },
    });
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

    const reused = await server.fetch("prairie.localhost", link.pathname + link.search, {
      headers: { cookie: jar.header("prairie.localhost") },
    });
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

Deno.test("sign-up is limited per client IP and per address, and an address check counts", async () => {
  const server = await startTestServer({ SIGNUP_LIMIT_PER_IP: "5", SIGNUP_LIMIT_PER_EMAIL: "3" });
  try {
    // One address: three sign-ups an hour, the 409s for a taken address included.
    await signUpTenant(server, "known");
    for (let i = 0; i < 2; i++) {
      const probe = await server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: {
          ...valid,
          slug: `probe${i}`,
          email: "owner@known.example",
          password: "wrong password 99",
        },
      });
      assert.equal(probe.status, 409);
      await probe.body?.cancel();
    }
    const limited = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: {
        ...valid,
        slug: "probe3",
        email: "owner@known.example",
        password: "wrong password 99",
      },
    });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    assert.match((await limited.json()).error.message, /Too many sign-ups/);

    // Five an hour from one IP (known, 2 probes, the refused one, 1 more), whatever the address.
    const fifth = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: { ...valid, slug: "fifth", email: "fifth@new.example" },
    });
    assert.equal(fifth.status, 201);
    await fifth.body?.cancel();
    const sixth = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: { ...valid, slug: "sixth", email: "sixth@new.example" },
    });
    assert.equal(sixth.status, 429);
    await sixth.body?.cancel();
    const tenants = await server.services.control.execute("SELECT COUNT(*) AS n FROM tenants");
    assert.equal(Number(tenants.rows[0]!.n), 2, "nothing made past the limit");
  } finally {
    await server.close();
  }
});

Deno.test("a company or owner name with a web or e-mail address is refused at sign-up and in Settings", async () => {
  const server = await startTestServer();
  try {
    const cases: Array<[string, string]> = [
      ["company_name", "Your account is suspended - verify at http://evil.example/login"],
      ["company_name", "Visit www.evil.example"],
      ["company_name", "Acme evil.example"],
      ["company_name", "write to help@evil.example"],
      ["owner_name", "Security Team https://evil.example"],
    ];
    for (const [field, name] of cases) {
      const res = await server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: { ...valid, [field]: name },
      });
      assert.equal(res.status, 422, name);
      assert.ok((await res.json()).error.details[field], name);
    }
    const ok = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: { ...valid, company_name: "J.R. Smith & Sons, Inc." },
    });
    assert.equal(ok.status, 201, "ordinary punctuation stays allowed");
    await ok.body?.cancel();
    // Settings → Company renames the workspace with the same rule.
    const renamed = CompanyDetailsSchema.safeParse({ company_name: cases[0]![1] });
    assert.equal(renamed.success, false);
    assert.equal(CompanyDetailsSchema.safeParse({ company_name: "Prairie Beef" }).success, true);
  } finally {
    await server.close();
  }
});
