import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { CookieJar } from "../../tests/helpers/http.ts";
import { enrolTotp, signInTwoStep } from "../../tests/helpers/second_factor.ts";

async function operatorSession(server: TestServer, t: SignedUp) {
  const rs = await server.services.control.execute({
    sql: "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY created_at DESC LIMIT 1",
    args: [t.email],
  });
  const link = new URL(
    /https?:\/\/\S+\/auth\/verify\?token=\S+/.exec(String(rs.rows[0]?.body_text))![0],
  );
  await (await server.fetch(link.hostname, link.pathname + link.search)).body?.cancel();
  const app = await enrolTotp(server, t);
  return await signInTwoStep(server, "localhost", t, app.next());
}

async function tenantActions(server: TestServer, t: SignedUp): Promise<string[]> {
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const rs = await lease.db.execute(
      "SELECT action FROM security_events WHERE action LIKE 'operator.%' ORDER BY seq",
    );
    return rs.rows.map((r) => String(r.action));
  } finally {
    lease.release();
  }
}

Deno.test("an operator views a workspace read-only with a reason, under a banner on every page, until they end it", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    const ops = await signUpTenant(server, "opsco");
    const acme = await signUpTenant(server, "acmeco");
    const session = await operatorSession(server, ops);
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
    });

    const noReason = await server.fetch(
      "localhost",
      "/operator/tenants/acmeco/view",
      form({ minutes: "15" }),
    );
    assert.equal(noReason.status, 400);
    await noReason.body?.cancel();
    const tooLong = await server.fetch(
      "localhost",
      "/operator/tenants/acmeco/view",
      form({ reason: "Support ticket 42", minutes: "600" }),
    );
    assert.equal(tooLong.status, 400);
    await tooLong.body?.cancel();
    assert.deepEqual(await tenantActions(server, acme), [], "nothing started");

    const start = await server.fetch(
      "localhost",
      "/operator/tenants/acmeco/view",
      form({ reason: "Support ticket 42: invoices missing", minutes: "15" }),
    );
    assert.equal(start.status, 303);
    await start.body?.cancel();
    const link = new URL(start.headers.get("location")!);
    assert.equal(link.hostname, "acmeco.localhost");
    assert.equal(link.pathname, "/operator/view/start");

    const jar = new CookieJar();
    const open = await server.fetch(acme.host, link.pathname + link.search);
    assert.equal(open.status, 303);
    jar.store(acme.host, open);
    await open.body?.cancel();
    assert.ok(jar.get(acme.host, "pm_operator_view"));
    const reused = await server.fetch(acme.host, link.pathname + link.search);
    assert.equal(reused.status, 401, "the link works once");
    await reused.body?.cancel();

    const home = await server.fetch(acme.host, "/", { headers: { cookie: jar.header(acme.host) } });
    assert.equal(home.status, 200);
    jar.store(acme.host, home);
    const html = await home.text();
    assert.match(
      html,
      /<body[^>]*><div class="flash warning" role="alert" id="operator-view-banner">/,
    );
    assert.match(html, /owner@opsco\.example/);
    assert.match(html, /Support ticket 42: invoices missing/);
    const missing = await server.fetch(acme.host, "/no/such/page", {
      headers: { cookie: jar.header(acme.host) },
    });
    assert.match(await missing.text(), /operator-view-banner/, "error pages carry it too");
    const me = await server.fetch(acme.host, "/api/v1/me", {
      headers: { cookie: jar.header(acme.host) },
    });
    assert.equal(me.status, 200);
    assert.doesNotMatch(await me.text(), /operator-view-banner/, "JSON is left alone");

    // Nothing can be written, even with a valid CSRF token.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const write = await server.fetch(acme.host, "/settings/company", {
      method: "POST",
      headers: {
        cookie: jar.header(acme.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: csrf, name: "Hijacked" }).toString(),
    });
    assert.equal(write.status, 403);
    await write.body?.cancel();
    assert.equal((await server.services.registry.findBySlug("acmeco"))?.name, "acmeco Foods");

    // The view is in both logs.
    const operators = await server.services.control.execute(
      "SELECT target FROM security_events WHERE action = 'operator.impersonation_started'",
    );
    assert.deepEqual(operators.rows.map((r) => r.target), ["acmeco"]);
    assert.deepEqual(await tenantActions(server, acme), ["operator.impersonation_started"]);
    assert.deepEqual(await tenantActions(server, ops), [], "no other workspace's log");

    const end = await server.fetch(acme.host, "/operator/view/end", {
      method: "POST",
      headers: {
        cookie: jar.header(acme.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    assert.equal(end.status, 303);
    assert.match(end.headers.get("location")!, /\/\/localhost:\d+\/operator\/tenants\/acmeco$/);
    await end.body?.cancel();
    assert.deepEqual(await tenantActions(server, acme), [
      "operator.impersonation_started",
      "operator.impersonation_ended",
    ]);
    // The old cookie opens nothing any more.
    const after = await server.fetch(acme.host, "/", {
      headers: { cookie: `pm_operator_view=${jar.get(acme.host, "pm_operator_view") ?? "x"}` },
    });
    assert.doesNotMatch(await after.text(), /operator-view-banner|Support ticket 42/);
  } finally {
    await server.close();
  }
});

Deno.test("an operator's view ends at its time limit, and its cookie opens no other workspace", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    const ops = await signUpTenant(server, "opsco");
    const acme = await signUpTenant(server, "acmeco");
    const other = await signUpTenant(server, "otherco");
    const session = await operatorSession(server, ops);
    const start = await server.fetch("localhost", "/operator/tenants/acmeco/view", {
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: session.csrf, reason: "Checking a bug", minutes: "5" })
        .toString(),
    });
    const link = new URL(start.headers.get("location")!);
    await start.body?.cancel();
    const open = await server.fetch(acme.host, link.pathname + link.search);
    const jar = new CookieJar();
    jar.store(acme.host, open);
    await open.body?.cancel();
    const cookie = `pm_operator_view=${jar.get(acme.host, "pm_operator_view")}`;

    const elsewhere = await server.fetch(other.host, "/", { headers: { cookie } });
    assert.doesNotMatch(await elsewhere.text(), /operator-view-banner/);
    const ok = await server.fetch(acme.host, "/", { headers: { cookie } });
    assert.match(await ok.text(), /operator-view-banner/);

    await server.services.control.execute({
      sql: "UPDATE ops_impersonations SET expires_at = ?",
      args: [new Date(server.services.clock.now().getTime() - 1000).toISOString()],
    });
    const expired = await server.fetch(acme.host, "/", { headers: { cookie } });
    assert.doesNotMatch(await expired.text(), /operator-view-banner|Checking a bug/);
  } finally {
    await server.close();
  }
});
