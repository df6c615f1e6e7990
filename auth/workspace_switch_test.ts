import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import { enrolTotp } from "../tests/helpers/second_factor.ts";
import { createHandoff, UNBOUND } from "./handoff.ts";
import { otherWorkspaces } from "./workspace_switch.ts";
import { putInState } from "../tests/helpers/billing.ts";

/** Makes `t`'s owner a member of `other` (as an accepted invitation would) with a confirmed address. */
async function joinAs(server: TestServer, t: SignedUp, other: SignedUp, role = "broker") {
  await server.services.control.batch([
    {
      sql: "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
      args: [other.tenantId, t.userId, role, new Date().toISOString()],
    },
    {
      sql: "UPDATE users SET email_verified_at = ? WHERE id = ?",
      args: [new Date().toISOString(), t.userId],
    },
  ], "write");
  server.services.authCache.clear();
}

async function page(server: TestServer, t: SignedUp, path = "/"): Promise<string> {
  const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
  assert.equal(res.status, 200);
  return await res.text();
}

/**
 * Asks to switch from `t`'s workspace to `tenantId`: the response of POST /auth/switch. `t.jar`
 * keeps the handoff cookie it sets (auth/handoff.ts), as the browser would.
 */
async function askSwitch(server: TestServer, t: SignedUp, tenantId: string): Promise<Response> {
  const res = await server.fetch(t.host, "/auth/switch", {
    method: "POST",
    headers: {
      cookie: t.jar.header(t.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: t.csrf, tenant_id: tenantId }).toString(),
  });
  t.jar.store(t.host, res);
  return res;
}

/** Opens a link on `host` in `t`'s browser: only its handoff cookie reaches another host. */
function openIn(server: TestServer, t: SignedUp, host: string, path: string): Promise<Response> {
  return server.fetch(host, path, { headers: { cookie: t.jar.header(host) } });
}

/** The session cookies a response sets. */
function sessionCookies(res: Response): string[] {
  return res.headers.getSetCookie().filter((l) => l.startsWith("pm_session="));
}

async function handoffRows(server: TestServer, tenantId: string): Promise<number> {
  const rs = await server.services.control.execute({
    sql: "SELECT COUNT(*) AS n FROM login_handoffs WHERE tenant_id = ?",
    args: [tenantId],
  });
  return Number(rs.rows[0]!.n);
}

Deno.test("the user menu lists only the person's other workspaces, and a switch signs them in on the other host", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const c = await signUpTenant(server);
    assert.doesNotMatch(await page(server, a), /data-switch-to=/, "one workspace, no switcher");
    await joinAs(server, a, b);

    const html = await page(server, a);
    assert.match(html, new RegExp(`data-switch-to="${b.tenantId}"`));
    assert.match(html, new RegExp(`${b.slug} Foods`));
    assert.doesNotMatch(html, new RegExp(`data-switch-to="${c.tenantId}"`), "not a member of C");
    assert.doesNotMatch(html, new RegExp(`data-switch-to="${a.tenantId}"`), "not the current one");

    const ask = await askSwitch(server, a, b.tenantId);
    assert.equal(ask.status, 303);
    assert.deepEqual(sessionCookies(ask), [], "no session cookie is set for another host");
    const link = new URL(ask.headers.get("location")!);
    assert.equal(link.hostname, b.host);
    assert.equal(link.pathname, "/auth/switch");

    const jar = new CookieJar();
    const enter = await openIn(server, a, b.host, link.pathname + link.search);
    assert.equal(enter.status, 303);
    assert.equal(enter.headers.get("location"), "/");
    jar.store(b.host, enter);
    const me = await server.fetch(b.host, "/api/v1/me", {
      headers: { cookie: jar.header(b.host) },
    });
    assert.equal(me.status, 200);
    const body = await me.json();
    assert.equal(body.user?.id ?? body.id, a.userId, "signed in as the same person");
    assert.equal(body.role ?? body.membership?.role, "broker", "with their role there");

    // A's session cookie means nothing on B's host.
    const crossed = await server.fetch(b.host, "/api/v1/me", {
      headers: { cookie: a.jar.header(a.host) },
    });
    assert.equal(crossed.status, 401);

    // Replayed: the link works once.
    const again = await openIn(server, a, b.host, link.pathname + link.search);
    assert.equal(again.status, 401);
    assert.deepEqual(sessionCookies(again), []);
  } finally {
    await server.close();
  }
});

Deno.test("a forged, replayed, expired or sign-in hand-off opens no session on the switch route", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    await joinAs(server, a, b);
    const refused = async (path: string) => {
      const res = await openIn(server, a, b.host, path);
      await res.body?.cancel();
      assert.equal(res.status, 401, path);
      assert.deepEqual(sessionCookies(res), []);
    };
    await refused("/auth/switch");
    await refused(`/auth/switch?token=${"x".repeat(43)}`);

    // A sign-in link (bare domain) is not a switch link, and a switch link is not a sign-in link.
    const signIn = await createHandoff(
      server.services.control,
      a.userId,
      b.tenantId,
      "sign_in",
      UNBOUND, // links are not bound to a browser on localhost (auth/handoff.ts)
    );
    await refused(`/auth/switch?token=${signIn}`);
    const ask = await askSwitch(server, a, b.tenantId);
    const link = new URL(ask.headers.get("location")!);
    const token = link.searchParams.get("token")!;
    await refused(`/auth/handoff?token=${token}`);

    // A link for B does not open C.
    const c = await signUpTenant(server);
    await joinAs(server, a, c);
    const cRes = await openIn(server, a, c.host, `/auth/switch?token=${token}`);
    await cRes.body?.cancel();
    assert.equal(cRes.status, 401);

    // Expired: older than a minute.
    await server.services.control.execute({
      sql: "UPDATE login_handoffs SET expires_at = ? WHERE tenant_id = ? AND used_at IS NULL",
      args: [new Date(Date.now() - 1000).toISOString(), b.tenantId],
    });
    await refused(`/auth/switch?token=${token}`);
  } finally {
    await server.close();
  }
});

Deno.test("a switch to a workspace the person does not belong to is refused, and so is one to a membership that ended", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const c = await signUpTenant(server);
    await joinAs(server, a, b);

    const [cLinks, bLinks] = [
      await handoffRows(server, c.tenantId),
      await handoffRows(server, b.tenantId),
    ];
    const notMember = await askSwitch(server, a, c.tenantId);
    assert.equal(notMember.status, 403);
    assert.equal(notMember.headers.get("location"), null);
    assert.equal(await handoffRows(server, c.tenantId), cLinks, "no link made for C");
    const unknown = await askSwitch(server, a, "01jd8x7k3m5n9p2q4r6s8t0v1w");
    assert.equal(unknown.status, 403, "an unknown id reads like any other refusal");

    // Without the form's CSRF token, nothing happens.
    const noCsrf = await server.fetch(a.host, "/auth/switch", {
      method: "POST",
      headers: {
        cookie: a.jar.header(a.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ tenant_id: b.tenantId }).toString(),
    });
    assert.equal(noCsrf.status, 403);
    assert.equal(
      await handoffRows(server, b.tenantId),
      bLinks,
      "no link made without the form's token",
    );

    const ask = await askSwitch(server, a, b.tenantId);
    const link = new URL(ask.headers.get("location")!);
    await server.services.control.execute({
      sql: "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?",
      args: [b.tenantId, a.userId],
    });
    const ended = await openIn(server, a, b.host, link.pathname + link.search);
    await ended.body?.cancel();
    assert.equal(ended.status, 403);
    assert.deepEqual(sessionCookies(ended), []);

    // An unconfirmed address lists and switches to nothing.
    await joinAs(server, a, c);
    await server.services.control.execute({
      sql: "UPDATE users SET email_verified_at = NULL WHERE id = ?",
      args: [a.userId],
    });
    assert.deepEqual(await otherWorkspaces(server.services.control, a.userId, a.tenantId), []);
    server.services.authCache.clear();
    assert.equal((await askSwitch(server, a, c.tenantId)).status, 403);
  } finally {
    await server.close();
  }
});

Deno.test("a workspace that requires a second factor asks for it on its own host before a switch signs in", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    await joinAs(server, a, b);
    await enrolTotp(server, a);
    await server.services.control.execute({
      sql: "UPDATE tenants SET require_second_factor = 1 WHERE id = ?",
      args: [b.tenantId],
    });
    const ask = await askSwitch(server, a, b.tenantId);
    const link = new URL(ask.headers.get("location")!);
    const enter = await openIn(server, a, b.host, link.pathname + link.search);
    await enter.body?.cancel();
    assert.equal(enter.status, 303);
    assert.equal(enter.headers.get("location"), "/login/second-factor");
    const cookies = enter.headers.getSetCookie();
    assert.equal(cookies.filter((l) => l.startsWith("pm_session=")).length, 0, "no session yet");
    assert.equal(cookies.filter((l) => l.startsWith("pm_pending_sign_in=")).length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("an account with a second factor gives it on every switch, even where the workspace does not require one", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    await joinAs(server, a, b);
    await enrolTotp(server, a);
    const required = await server.services.control.execute({
      sql: "SELECT require_second_factor FROM tenants WHERE id = ?",
      args: [b.tenantId],
    });
    assert.equal(Number(required.rows[0]!.require_second_factor), 0, "B does not require one");
    const ask = await askSwitch(server, a, b.tenantId);
    assert.equal(ask.status, 303);
    const link = new URL(ask.headers.get("location")!);
    const enter = await openIn(server, a, b.host, link.pathname + link.search);
    await enter.body?.cancel();
    assert.equal(enter.status, 303);
    assert.equal(enter.headers.get("location"), "/login/second-factor");
    assert.deepEqual(sessionCookies(enter), [], "no session before the code");
    assert.equal(
      enter.headers.getSetCookie().filter((l) => l.startsWith("pm_pending_sign_in=")).length,
      1,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a switch link opens only in the browser that asked for it; from a custom domain the target asks for a sign-in", async () => {
  const server = await startTestServer({ HANDOFF_BINDING: "on" }); // off on localhost
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    await joinAs(server, a, b);
    const ask = await askSwitch(server, a, b.tenantId);
    assert.equal(ask.status, 303);
    const bound = ask.headers.getSetCookie().find((l) => l.startsWith("pm_handoff=")) ?? "";
    assert.match(bound, /HttpOnly/i);
    assert.match(bound, /SameSite=Lax/i);
    assert.match(bound, /Domain=localhost/i);
    const link = new URL(ask.headers.get("location")!);
    const path = link.pathname + link.search;

    // Handed to someone else (a fresh browser): refused, no session, the link not used up.
    const elsewhere = await server.fetch(b.host, path);
    assert.equal(elsewhere.status, 401);
    assert.deepEqual(sessionCookies(elsewhere), []);
    assert.match(await elsewhere.text(), /only in the browser that asked for it/);
    const enter = await openIn(server, a, b.host, path);
    await enter.body?.cancel();
    assert.equal(enter.status, 303);
    assert.equal(sessionCookies(enter).length, 1);

    // On A's custom domain the answer cannot bind a link for B's host: B's sign-in page, no link.
    const custom = "switch.customfoods.example";
    await putInState(server.services, a.tenantId, "professional", "active"); // has customDomain
    await server.services.registry.addDomain(a.tenantId, custom);
    const login = await server.fetch(custom, "/api/v1/auth/login", {
      method: "POST",
      json: { email: a.email, password: a.password },
    });
    assert.equal(login.status, 200);
    const jar = new CookieJar();
    jar.store(custom, login);
    const before = await handoffRows(server, b.tenantId);
    const fromCustom = await server.fetch(custom, "/auth/switch", {
      method: "POST",
      headers: {
        cookie: jar.header(custom),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: (await login.json()).csrf_token, tenant_id: b.tenantId })
        .toString(),
    });
    await fromCustom.body?.cancel();
    assert.equal(fromCustom.status, 303);
    const to = new URL(fromCustom.headers.get("location")!);
    assert.equal(to.hostname, b.host);
    assert.equal(to.pathname, "/login");
    assert.equal(await handoffRows(server, b.tenantId), before, "no link was made");
  } finally {
    await server.close();
  }
});
