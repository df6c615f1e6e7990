/**
 * The security log over real HTTP: a failed sign-in is recorded with the caller's IP and user
 * agent, shows in the API and the CSV export, owners and admins only, one workspace's log only.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { addMember, signIn } from "../../../tests/helpers/members.ts";
import { runAuditVerify } from "../../../security/audit_cli.ts";

const AGENT = "SecurityLogTest/1.0 (probe)";

Deno.test("security log: a failed sign-in is listed with IP and user agent, exported, verified", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const failed = await server.fetch(a.host, "/api/v1/auth/login", {
      method: "POST",
      headers: { "user-agent": AGENT },
      json: { email: a.email, password: "not the password" },
    });
    assert.equal(failed.status, 401);
    await failed.body?.cancel();

    const api = await apiClient(server, a);
    const list = await api.ok("GET", "/api/v1/security/events?action=auth.sign_in_failed");
    assert.equal(list.data.length, 1, "exactly the one failed attempt");
    const event = list.data[0];
    assert.equal(event.actor_email, a.email);
    assert.equal(event.ip, "127.0.0.1");
    assert.equal(event.user_agent, AGENT);
    assert.equal(event.details.status, 401);

    // The prefix filter and paging: newest first, a cursor to the rest.
    const firstPage = await api.ok("GET", "/api/v1/security/events?action=auth.&limit=1");
    assert.equal(firstPage.data.length, 1);
    assert.ok(firstPage.next_cursor, "more auth events than one page");
    const secondPage = await api.ok(
      "GET",
      `/api/v1/security/events?action=auth.&limit=1&cursor=${firstPage.next_cursor}`,
    );
    assert.ok(secondPage.data[0].seq < firstPage.data[0].seq);

    const bad = await api.call("GET", "/api/v1/security/events?limit=1.5");
    assert.equal(bad.status, 400);

    const csv = await server.fetch(
      a.host,
      "/settings/security/export.csv?action=auth.sign_in_failed",
      { headers: { cookie: a.jar.header(a.host) } },
    );
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type") ?? "", /text\/csv/);
    const text = await csv.text();
    const lines = text.trim().split("\r\n");
    assert.equal(lines.length, 2, "a header and the one failed sign-in");
    assert.ok(lines[1]!.includes(AGENT) && lines[1]!.includes("127.0.0.1"));
    assert.ok(lines[1]!.includes("auth.sign_in_failed"));

    const page = await server.fetch(a.host, "/settings/security?verify=1", {
      headers: { cookie: a.jar.header(a.host) },
    });
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /The chain is intact/);
    assert.match(html, /auth\.sign_in_failed/);

    const odd = await server.fetch(a.host, "/settings/security?from=2026-13-45&limit=abc", {
      headers: { cookie: a.jar.header(a.host) },
    });
    assert.equal(odd.status, 200, "bad filters are named on the page, not a 500");
    assert.match(await odd.text(), /Some filters were not understood/);
    const oddApi = await api.call("GET", "/api/v1/security/events?to=2026-02-30");
    assert.equal(oddApi.status, 400);
    assert.ok(oddApi.body.error.details.to);

    assert.deepEqual(await api.ok("GET", "/api/v1/security/verify"), {
      intact: true,
      entries: (await api.ok("GET", "/api/v1/security/events?limit=200")).data.length,
      first_seq: 1,
      last_seq: (await api.ok("GET", "/api/v1/security/events?limit=1")).data[0].seq,
    });
    assert.equal((await runAuditVerify([a.slug], server.services)).code, 0);

    // Tampering in SQL: the API, the page and the command name the entry.
    const lease = await server.services.pool.acquire(a.tenantId, null);
    try {
      await lease.db.execute({
        sql: "UPDATE security_events SET ip = '10.0.0.1' WHERE id = ?",
        args: [event.id],
      });
    } finally {
      lease.release();
    }
    const broken = await api.ok("GET", "/api/v1/security/verify");
    assert.equal(broken.intact, false);
    assert.deepEqual(
      [broken.broken_at.seq, broken.broken_at.id, broken.broken_at.why],
      [event.seq, event.id, "altered"],
    );
    const cli = await runAuditVerify([a.slug], server.services);
    assert.equal(cli.code, 1);
    assert.match(cli.output, new RegExp(`entry ${event.seq} \\(${event.id}\\), altered`));
    assert.equal((await runAuditVerify(["no-such-workspace"], server.services)).code, 1);
    assert.equal((await runAuditVerify(["--operator"], server.services)).code, 0);
  } finally {
    await server.close();
  }
});

Deno.test("security log: a broker gets 403 from the API and the page", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const broker = await addMember(server, a.tenantId, "broker");
    const api = await apiClient(server, { ...a, email: broker.email, password: broker.password });
    for (const path of ["/api/v1/security/events", "/api/v1/security/verify"]) {
      const res = await api.call("GET", path);
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, "forbidden");
    }
    const session = await signIn(server, a.host, broker.email, broker.password);
    for (const path of ["/settings/security", "/settings/security/export.csv"]) {
      const res = await server.fetch(a.host, path, {
        headers: { cookie: session.jar.header(a.host) },
      });
      assert.equal(res.status, 403, path);
      await res.body?.cancel();
    }
  } finally {
    await server.close();
  }
});

Deno.test("security log: tenant B never sees tenant A's events", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const probe = await server.fetch(a.host, "/api/v1/auth/login", {
      method: "POST",
      headers: { "user-agent": AGENT },
      json: { email: a.email, password: "wrong again" },
    });
    await probe.body?.cancel();
    const apiB = await apiClient(server, b);
    const seen = await apiB.ok("GET", "/api/v1/security/events?limit=200");
    assert.ok(seen.data.length > 0, "B has its own events");
    const leaked = seen.data.filter((
      e: { actor_email: string | null; user_agent: string | null },
    ) => e.actor_email === a.email || e.user_agent === AGENT);
    assert.deepEqual(leaked, []);
    const csv = await server.fetch(b.host, "/settings/security/export.csv", {
      headers: { cookie: b.jar.header(b.host) },
    });
    const text = await csv.text();
    assert.equal(text.includes(a.email), false);
    assert.equal(text.includes(AGENT), false);
    // A's token does not open B's log.
    const apiA = await apiClient(server, a);
    const cross = await server.fetch(b.host, "/api/v1/security/events", {
      headers: { authorization: `Bearer ${apiA.token}` },
    });
    assert.equal(cross.status, 401);
    await cross.body?.cancel();
  } finally {
    await server.close();
  }
});
