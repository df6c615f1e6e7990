/**
 * Custom domains: claimed by an owner, served only once a DNS TXT record proves control, one
 * workspace per domain, gated by the plan's `customDomain` entitlement. DNS is the one outside
 * part: tests publish TXT records in a table the server's resolver reads.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../../tests/helpers/api.ts";
import { putInState } from "../../../tests/helpers/billing.ts";

function dnsTable() {
  const txt = new Map<string, string[]>();
  return {
    txt,
    resolveTxt: (name: string) => Promise.resolve(txt.get(name) ?? []),
  };
}

Deno.test("a custom domain is served only after its TXT record proves control, and stops when removed", async () => {
  const dns = dnsTable();
  const server = await startTestServer({}, { resolveTxt: dns.resolveTxt });
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "professional", "active");
    const api = await apiClient(server, t);
    const claimed = await api.ok("POST", "/api/v1/domains", {
      domain: "https://Portal.GulfFoods.example/",
    }, 201);
    assert.equal(claimed.domain, "portal.gulffoods.example");
    assert.equal(claimed.verified, false);
    assert.equal(claimed.txt_name, "_projectmeats.portal.gulffoods.example");
    assert.match(claimed.txt_value, /^projectmeats-verify=[\w-]{20,}$/);

    const onDomain = clientWithToken(server, "portal.gulffoods.example", api.token);
    assert.equal((await onDomain.call("GET", "/api/v1/me")).status, 404, "not served unverified");

    const early = await api.call("POST", "/api/v1/domains/portal.gulffoods.example/verify");
    assert.equal(early.status, 422);
    assert.match(early.body.error.message, /No TXT record _projectmeats\.portal\.gulffoods/);
    dns.txt.set(claimed.txt_name, ["someone-else=1", "projectmeats-verify=wrong"]);
    assert.equal(
      (await api.call("POST", "/api/v1/domains/portal.gulffoods.example/verify")).status,
      422,
      "a different token proves nothing",
    );
    assert.equal((await onDomain.call("GET", "/api/v1/me")).status, 404);

    dns.txt.set(claimed.txt_name, [claimed.txt_value]);
    const verified = await api.ok("POST", "/api/v1/domains/portal.gulffoods.example/verify");
    assert.equal(verified.verified, true);
    const me = await onDomain.call("GET", "/api/v1/me");
    assert.equal(me.status, 200);
    assert.equal(me.body.tenant.slug, t.slug);
    assert.deepEqual(
      (await api.ok("GET", "/api/v1/domains")).data.map((d: { domain: string }) => d.domain),
      ["portal.gulffoods.example"],
    );

    assert.equal(
      (await api.call("DELETE", "/api/v1/domains/portal.gulffoods.example")).status,
      204,
    );
    assert.equal((await onDomain.call("GET", "/api/v1/me")).status, 404, "removed: not served");
    assert.equal(
      (await api.call("DELETE", "/api/v1/domains/portal.gulffoods.example")).status,
      404,
    );
  } finally {
    await server.close();
  }
});

Deno.test("an unverified claim does not block the domain's real owner: who proves the DNS gets it, the squatter's claim is dropped", async () => {
  const dns = dnsTable();
  const server = await startTestServer({}, { resolveTxt: dns.resolveTxt });
  try {
    const squatter = await signUpTenant(server);
    const owner = await signUpTenant(server);
    for (const t of [squatter, owner]) {
      await putInState(server.services, t.tenantId, "professional", "active");
    }
    const apiS = await apiClient(server, squatter);
    const apiO = await apiClient(server, owner);
    const squat = await apiS.ok(
      "POST",
      "/api/v1/domains",
      { domain: "orders.prairie.example" },
      201,
    );
    // Claiming again is harmless and keeps the same token.
    const again = await apiS.ok(
      "POST",
      "/api/v1/domains",
      { domain: "orders.prairie.example" },
      201,
    );
    assert.equal(again.txt_value, squat.txt_value);
    assert.ok(Date.parse(squat.expires_at) - Date.parse(squat.created_at) === 7 * 86_400_000);

    const claim = await apiO.call("POST", "/api/v1/domains", { domain: "Orders.Prairie.example" });
    assert.equal(claim.status, 201, "the squatter's unverified claim does not block");
    assert.notEqual(claim.body.txt_value, squat.txt_value, "each claim has its own token");
    // Only the holder of the DNS can publish the owner's token.
    dns.txt.set(claim.body.txt_name, [claim.body.txt_value]);
    assert.equal(
      (await apiS.call("POST", "/api/v1/domains/orders.prairie.example/verify")).status,
      422,
      "the squatter's token is not in the DNS",
    );
    const verified = await apiO.ok("POST", "/api/v1/domains/orders.prairie.example/verify");
    assert.equal(verified.verified, true);
    assert.equal(verified.expires_at, null);
    assert.deepEqual((await apiS.ok("GET", "/api/v1/domains")).data, [], "the squat is dropped");
    const served = clientWithToken(server, "orders.prairie.example", apiO.token);
    assert.equal((await served.call("GET", "/api/v1/me")).body.tenant.slug, owner.slug);

    // Now the name is held: the squatter cannot claim, verify or remove it.
    const taken = await apiS.call("POST", "/api/v1/domains", { domain: "orders.prairie.example" });
    assert.equal(taken.status, 409);
    assert.match(taken.body.error.message, /already used by another workspace/);
    dns.txt.set(squat.txt_name, [squat.txt_value, claim.body.txt_value]);
    assert.equal(
      (await apiS.call("POST", "/api/v1/domains/orders.prairie.example/verify")).status,
      404,
    );
    assert.equal((await apiS.call("DELETE", "/api/v1/domains/orders.prairie.example")).status, 404);
    const rows = await server.services.control.execute(
      "SELECT tenant_id, verified_at IS NOT NULL AS verified FROM tenant_domains",
    );
    assert.deepEqual(
      rows.rows.map((r) => [r.tenant_id, Number(r.verified)]),
      [[owner.tenantId, 1]],
    );
  } finally {
    await server.close();
  }
});

Deno.test("an unverified domain claim expires after 7 days; a verified one stays", async () => {
  const dns = dnsTable();
  const server = await startTestServer({}, { resolveTxt: dns.resolveTxt });
  try {
    const a = await signUpTenant(server);
    await putInState(server.services, a.tenantId, "professional", "active");
    const api = await apiClient(server, a);
    const old = await api.ok("POST", "/api/v1/domains", { domain: "old.prairie.example" }, 201);
    const page = await (await server.fetch(a.host, "/settings/domains", {
      headers: { cookie: a.jar.header(a.host) },
    })).text();
    assert.match(page, new RegExp(`this claim lapses on\\s*<time datetime="${old.expires_at}">`));
    const kept = await api.ok("POST", "/api/v1/domains", { domain: "kept.prairie.example" }, 201);
    dns.txt.set(kept.txt_name, [kept.txt_value]);
    await api.ok("POST", "/api/v1/domains/kept.prairie.example/verify");
    const now = server.services.clock.now().getTime();
    const eightDaysAgo = new Date(now - 8 * 86_400_000).toISOString();
    await server.services.control.execute({
      sql: "UPDATE tenant_domains SET created_at = ?",
      args: [eightDaysAgo],
    });
    assert.deepEqual(
      (await api.ok("GET", "/api/v1/domains")).data.map((d: { domain: string }) => d.domain),
      ["kept.prairie.example"],
    );
    dns.txt.set(old.txt_name, [old.txt_value]);
    const late = await api.call("POST", "/api/v1/domains/old.prairie.example/verify");
    assert.equal(late.status, 404, "an expired claim cannot be verified");
    assert.match(late.body.error.message, /expires after 7 days/);
    const fresh = await api.ok("POST", "/api/v1/domains", { domain: "old.prairie.example" }, 201);
    assert.notEqual(fresh.txt_value, old.txt_value, "claiming again starts a new claim");
    const b = await signUpTenant(server);
    await putInState(server.services, b.tenantId, "professional", "active");
    const apiB = await apiClient(server, b);
    assert.equal(
      (await apiB.call("POST", "/api/v1/domains", { domain: "kept.prairie.example" })).status,
      409,
      "a verified domain never expires",
    );
  } finally {
    await server.close();
  }
});

Deno.test("bad domain names and the app's own addresses are refused", async () => {
  const server = await startTestServer({}, { resolveTxt: dnsTable().resolveTxt });
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    for (const t of [a, b]) {
      await putInState(server.services, t.tenantId, "professional", "active");
    }
    const apiA = await apiClient(server, a);
    const apiB = await apiClient(server, b);
    await apiA.ok("POST", "/api/v1/domains", { domain: "orders.prairie.example" }, 201);

    for (
      const domain of ["localhost", "not a domain", "10.0.0.1", `${b.slug}.localhost`, "-x.com"]
    ) {
      const bad = await apiB.call("POST", "/api/v1/domains", { domain });
      assert.equal(bad.status, 422, domain);
      assert.ok(bad.body.error.details.domain, domain);
    }
    const rows = await server.services.control.execute("SELECT COUNT(*) AS n FROM tenant_domains");
    assert.equal(Number(rows.rows[0]!.n), 1, "nothing stored by refused claims");
  } finally {
    await server.close();
  }
});

Deno.test("a plan without custom domains: 402 to claim, the page says why, a kept domain redirects", async () => {
  const dns = dnsTable();
  const server = await startTestServer({}, { resolveTxt: dns.resolveTxt });
  try {
    const t = await signUpTenant(server); // the trial has no custom domain
    const api = await apiClient(server, t);
    const refused = await api.call("POST", "/api/v1/domains", { domain: "portal.ozark.example" });
    assert.equal(refused.status, 402);
    assert.equal(refused.body.error.details.feature, "customDomain");
    const cookie = { cookie: t.jar.header(t.host) };
    const page = await (await server.fetch(t.host, "/settings/domains", { headers: cookie }))
      .text();
    assert.match(page, /id="domain-not-in-plan"/);
    assert.doesNotMatch(page, /action="\/settings\/domains"/);

    // On Professional the owner adds it through the settings page and checks the DNS.
    await putInState(server.services, t.tenantId, "professional", "active");
    const form = (body: Record<string, string>) => ({
      method: "POST",
      headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, ...body }).toString(),
    });
    const added = await server.fetch(
      t.host,
      "/settings/domains",
      form({
        domain: "portal.ozark.example",
      }),
    );
    const addedPage = await added.text();
    assert.equal(added.status, 200);
    const value = addedPage.match(/projectmeats-verify=[\w-]+/)![0];
    assert.match(addedPage, new RegExp(`${t.slug}\\.localhost`), "the CNAME target is shown");
    dns.txt.set("_projectmeats.portal.ozark.example", [value]);
    const checked = await server.fetch(
      t.host,
      "/settings/domains/portal.ozark.example/verify",
      form({}),
    );
    assert.match(await checked.text(), /is verified and now serves this workspace/);
    const served = await server.fetch("portal.ozark.example", "/login");
    assert.equal(served.status, 200);
    await served.body?.cancel();

    // Downgraded: the domain is kept, its visitors are sent to the workspace's own address.
    await putInState(server.services, t.tenantId, "starter", "active");
    const moved = await server.fetch("portal.ozark.example", "/loads?status=open");
    assert.equal(moved.status, 307);
    assert.equal(
      moved.headers.get("location"),
      `http://${t.slug}.localhost:${server.port}/loads?status=open`,
    );
    await moved.body?.cancel();
    const kept = await server.services.control.execute({
      sql: "SELECT verified_at FROM tenant_domains WHERE tenant_id = ?",
      args: [t.tenantId],
    });
    assert.ok(kept.rows[0]?.verified_at, "kept on file, still verified");
  } finally {
    await server.close();
  }
});
