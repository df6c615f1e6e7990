/**
 * Tenant isolation across every API route: two tenants, each with data; neither can read, change
 * or delete the other's data through any route, and one tenant's credentials are refused on the
 * other's host. The route list comes from the app itself, so new routes are covered automatically.
 */
import assert from "node:assert/strict";
import { putInState } from "./helpers/billing.ts";
import { createApp } from "../app.ts";
import { type SignedUp, signUpTenant, startTestServer, type TestServer } from "./helpers/server.ts";
import { clientWithToken } from "./helpers/api.ts";
import { seedOneOfEach } from "./helpers/records.ts";
import { confirmAddress } from "./helpers/members.ts";
import { RECORD_TYPES } from "../domain/catalog.ts";

async function tokenFor(server: TestServer, t: SignedUp): Promise<string> {
  const res = await server.fetch(t.host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: t.email, password: t.password, name: "isolation" },
  });
  assert.equal(res.status, 201);
  return (await res.json()).token;
}

/** Every `/api/v1/...` route with a path parameter, as [method, path]. */
function parameterisedApiRoutes(server: TestServer): Array<[string, string]> {
  const app = createApp(server.services);
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const r of app.routes) {
    if (!r.path.startsWith("/api/v1/") || !r.path.includes("/:") || r.method === "ALL") continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push([r.method, r.path]);
    }
  }
  return out;
}

function isRecordRoute(pattern: string): boolean {
  return RECORD_TYPES.some((def) => pattern.startsWith(`/api/v1/${def.collection}/`));
}

/** Snapshot of what a tenant can see through its own list routes. */
async function snapshot(server: TestServer, t: SignedUp, token: string, paths: string[]) {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const res = await server.fetch(t.host, path, { headers: { authorization: `Bearer ${token}` } });
    out[path] = res.status === 200 ? await res.json() : res.status;
  }
  return out;
}

Deno.test("no API route of one tenant returns, changes or deletes another tenant's data", async () => {
  // Thousands of probes from one address: limits are tested elsewhere (tests/platform_test.ts).
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const a = await signUpTenant(server, "alpha");
    await confirmAddress(server, a.userId); // inviting needs a confirmed address
    const b = await signUpTenant(server, "bravo");
    await confirmAddress(server, b.userId); // inviting needs a confirmed address
    // On a plan with every feature, so that entitlements never answer before the lookup does.
    for (const t of [a, b]) {
      await putInState(server.services, t.tenantId, "professional", "active");
    }
    const tokenA = await tokenFor(server, a);
    const tokenB = await tokenFor(server, b);
    const asB = { authorization: `Bearer ${tokenB}` };
    const domain = await server.fetch(b.host, "/api/v1/domains", {
      method: "POST",
      headers: asB,
      json: { domain: "portal.second-company.example" },
    });
    assert.equal(domain.status, 201);
    const invite = await server.fetch(b.host, "/api/v1/invitations", {
      method: "POST",
      headers: asB,
      json: { email: "colleague@bravo.example", role: "broker" },
    });
    assert.equal(invite.status, 201);
    // One record of every type in bravo, and in alpha (so alpha's routes have data of their own).
    await seedOneOfEach(clientWithToken(server, b.host, tokenB), "bravo");
    await seedOneOfEach(clientWithToken(server, a.host, tokenA), "alpha");

    // Ids that exist in bravo: its user, token, invitation, domain, and a record of every list route.
    const listRoutes = createApp(server.services).routes
      .filter((r) => r.method === "GET" && /^\/api\/v1\/[a-z-]+(\/[a-z-]+)?$/.test(r.path))
      .map((r) => r.path)
      .filter((p) =>
        !["/api/v1/me", "/api/v1/auth/csrf", "/api/v1/invitations/lookup"].includes(p)
      );
    const bravoIds = new Set<string>([b.userId]);
    for (const path of listRoutes) {
      const res = await server.fetch(b.host, path, { headers: asB });
      if (res.status !== 200) continue;
      const body = await res.json();
      for (const row of body.data ?? []) {
        for (const key of ["id", "user_id", "domain"]) {
          if (typeof row[key] === "string") bravoIds.add(row[key]);
        }
      }
    }
    assert.ok(
      bravoIds.size >= 3 + RECORD_TYPES.length,
      `bravo has ids to attack: ${[...bravoIds]}`,
    );

    const before = await snapshot(server, b, tokenB, [...listRoutes]);
    const routes = parameterisedApiRoutes(server);
    assert.ok(routes.length > 0);
    let attempts = 0;
    for (const [method, pattern] of routes) {
      for (const id of bravoIds) {
        const path = pattern.replace(/:[A-Za-z_]+/g, id);
        const res = await server.fetch(a.host, path, {
          method,
          headers: { authorization: `Bearer ${tokenA}` },
          json: method === "GET" || method === "DELETE"
            ? undefined
            : isRecordRoute(pattern)
            ? { version: 1 } // a valid update: only the lookup can refuse it
            : { role: "viewer", name: "x" },
        });
        attempts++;
        assert.ok(
          [400, 403, 404, 409, 415, 422].includes(res.status),
          `${method} ${path} on alpha answered ${res.status}`,
        );
        const text = await res.text();
        assert.ok(!text.includes("bravo"), `${method} ${path} leaked bravo data: ${text}`);
      }
    }
    assert.ok(attempts > 0);
    assert.deepEqual(await snapshot(server, b, tokenB, [...listRoutes]), before, "bravo unchanged");

    // Credentials of alpha are refused on bravo's host, for every list route.
    for (const path of listRoutes) {
      const byToken = await server.fetch(b.host, path, {
        headers: { authorization: `Bearer ${tokenA}` },
      });
      assert.equal(byToken.status, 401, `token of alpha on bravo ${path}`);
      const byCookie = await server.fetch(b.host, path, {
        headers: { cookie: a.jar.header(a.host) },
      });
      assert.ok(
        [401, 403].includes(byCookie.status),
        `cookie of alpha on bravo ${path}: ${byCookie.status}`,
      );
    }
  } finally {
    await server.close();
  }
});
