import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import {
  configureSso,
  type OidcProvider,
  startOidcProvider,
} from "../tests/helpers/oidc_provider.ts";
import { putInState } from "../tests/helpers/billing.ts";
import {
  addMember,
  call,
  confirmAddress,
  linkIn,
  mailTo,
  signIn,
} from "../tests/helpers/members.ts";
import { createHandoff, UNBOUND } from "./handoff.ts";
import { setSecondFactorRequired } from "./second_factor.ts";

/** A browser going through the identity provider: start, approve, come back. */
async function ssoSignIn(server: TestServer, t: SignedUp, next = "/records/customers") {
  const jar = new CookieJar();
  const start = await server.fetch(t.host, `/auth/sso/start?next=${encodeURIComponent(next)}`);
  if (start.status !== 303) return { res: start, jar };
  jar.store(t.host, start);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  assert.equal(authorize.status, 302);
  const back = new URL(authorize.headers.get("location")!);
  const res = await server.fetch(t.host, back.pathname + back.search, {
    headers: { cookie: jar.header(t.host) },
  });
  jar.store(t.host, res);
  return { res, jar, back };
}

/** Users, memberships and sessions: what a refused sign-in must leave as it was. */
async function snapshot(server: TestServer) {
  const q = async (sql: string) =>
    (await server.services.control.execute(sql)).rows.map((r) => JSON.stringify(r));
  return {
    users: await q("SELECT id, email, email_verified_at FROM users ORDER BY id"),
    memberships: await q("SELECT tenant_id, user_id, role FROM memberships ORDER BY 1, 2"),
    sessions: await q("SELECT user_id, tenant_id FROM sessions ORDER BY 1, 2"),
  };
}

async function withSso(
  fn: (server: TestServer, t: SignedUp, provider: OidcProvider) => Promise<void>,
) {
  const server = await startTestServer();
  const provider = await startOidcProvider();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const saved = await configureSso(server, t, provider);
    assert.equal(saved.status, 303, await saved.text());
    await fn(server, t, provider);
  } finally {
    await provider.close();
    await server.close();
  }
}

Deno.test("single sign-on makes a new person a member with the default role; an existing member keeps theirs", async () => {
  await withSso(async (server, t, provider) => {
    provider.user = { sub: "n1", email: "Newcomer@Example.com", email_verified: true, name: "Nia" };
    const { res, jar } = await ssoSignIn(server, t);
    assert.equal(res.status, 303, await res.text());
    assert.equal(res.headers.get("location"), "/records/customers");
    const me = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: jar.header(t.host) },
    });
    assert.equal(me.status, 200);
    const body = await me.json();
    assert.equal(body.user.email, "newcomer@example.com");
    assert.equal(body.role, "broker");
    assert.equal(body.user.email_verified, true);
    const user = await server.services.control.execute({
      sql: "SELECT password_hash FROM users WHERE email = ?",
      args: ["newcomer@example.com"],
    });
    assert.equal(user.rows[0]!.password_hash, "sso$", "no usable password");

    // An admin already in the workspace stays admin.
    const admin = await addMember(server, t.tenantId, "admin", "ada@example.org");
    provider.user = { sub: "a1", email: admin.email, email_verified: true };
    const again = await ssoSignIn(server, t);
    assert.equal(again.res.status, 303);
    const role = await server.services.control.execute({
      sql: "SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?",
      args: [t.tenantId, admin.userId],
    });
    assert.equal(role.rows[0]!.role, "admin");
    assert.equal(provider.tokenRequests, 2);
    const log = await server.fetch(t.host, "/api/v1/security/events?action=", {
      headers: { cookie: t.jar.header(t.host) },
    });
    const actions = ((await log.json()).data as Array<{ action: string; actor_email: string }>)
      .map((e) => `${e.action} ${e.actor_email}`);
    assert.deepEqual(actions.slice(0, 4), [
      `auth.sign_in ${admin.email}`,
      "auth.sign_in newcomer@example.com",
      "member.joined_by_sso newcomer@example.com",
      `sso.configured ${t.email}`,
    ]);
  });
});

Deno.test("single sign-on refuses a wrong state, a wrong nonce, an unverified e-mail, a foreign domain and a replay, and changes nothing", async () => {
  await withSso(async (server, t, provider) => {
    const before = await snapshot(server);
    const cases: Array<[string, () => void, RegExp]> = [
      ["wrong state", () => provider.tamper = { state: "forged-state" }, /not accepted/],
      ["wrong nonce", () => provider.tamper = { nonce: "forged-nonce" }, /not accepted/],
      ["unverified e-mail", () => {
        provider.tamper = {};
        provider.user = { sub: "u1", email: "unverified@example.com", email_verified: false };
      }, /did not vouch/],
      ["foreign domain", () => {
        provider.user = { sub: "f1", email: "mallory@elsewhere.test", email_verified: true };
      }, /elsewhere\.test may not sign in/],
    ];
    for (const [label, arrange, message] of cases) {
      arrange();
      const { res, jar } = await ssoSignIn(server, t);
      assert.equal(res.status, 403, label);
      assert.match(await res.text(), message, label);
      assert.equal(jar.get(t.host, "pm_session"), undefined, label);
      assert.deepEqual(await snapshot(server), before, `${label}: nothing changed`);
    }

    // A good answer replayed: its handle was spent by the first use.
    provider.user = { sub: "r1", email: "replay@example.com", email_verified: true };
    const first = await ssoSignIn(server, t);
    assert.equal(first.res.status, 303);
    const after = await snapshot(server);
    const replay = await server.fetch(t.host, first.back!.pathname + first.back!.search);
    assert.equal(replay.status, 403);
    assert.deepEqual(await snapshot(server), after, "the replay changed nothing");
  });
});

Deno.test("single sign-on is Enterprise only: elsewhere it is refused with 402 and changes nothing", async () => {
  await withSso(async (server, t, provider) => {
    // Started while Enterprise, finished after a downgrade.
    provider.user = { sub: "d1", email: "late@example.com", email_verified: true };
    const jar = new CookieJar();
    const start = await server.fetch(t.host, "/auth/sso/start");
    jar.store(t.host, start);
    const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const back = new URL(authorize.headers.get("location")!);
    await putInState(server.services, t.tenantId, "professional", "active");
    const before = await snapshot(server);
    const late = await server.fetch(t.host, back.pathname + back.search, {
      headers: { cookie: jar.header(t.host) },
    });
    assert.equal(late.status, 402);
    assert.equal((await ssoSignIn(server, t)).res.status, 402, "a new start is refused too");
    assert.deepEqual(await snapshot(server), before);

    // The login page no longer offers it, and the settings refuse a change.
    const login = await (await server.fetch(t.host, "/login")).text();
    assert.doesNotMatch(login, /Sign in with SSO/);
    assert.equal((await configureSso(server, t, provider)).status, 402);
  });
});

Deno.test("requiring single sign-on stops password sign-in for everyone but owners", async () => {
  await withSso(async (server, t, provider) => {
    const broker = await addMember(server, t.tenantId, "broker", "bo@example.com");
    const login = (email: string, password: string) =>
      server.fetch(t.host, "/api/v1/auth/login", { method: "POST", json: { email, password } });
    assert.equal((await login(broker.email, broker.password)).status, 200, "allowed before");

    assert.equal((await configureSso(server, t, provider, { require_sso: "on" })).status, 303);
    const refused = await login(broker.email, broker.password);
    assert.equal(refused.status, 403);
    assert.match((await refused.json()).error.message, /identity provider/);
    assert.equal((await login(t.email, t.password)).status, 200, "owners keep their password");

    // Nor through the bare domain's workspace list (a handoff made after a password sign-in).
    const sessions = await server.services.control.execute("SELECT COUNT(*) AS n FROM sessions");
    // (Links are not bound to a browser on localhost: auth/handoff.ts.)
    const handoff = await createHandoff(
      server.services.control,
      broker.userId,
      t.tenantId,
      "sign_in",
      UNBOUND,
    );
    const entered = await server.fetch(t.host, `/auth/handoff?token=${handoff}`);
    assert.equal(entered.status, 403);
    assert.equal(entered.headers.getSetCookie().some((c) => c.startsWith("pm_session=")), false);
    assert.deepEqual(
      (await server.services.control.execute("SELECT COUNT(*) AS n FROM sessions")).rows,
      sessions.rows,
    );

    // An invitation accepted with a password makes the member but opens no session.
    await confirmAddress(server, t.userId); // inviting needs a confirmed address
    const owner = await signIn(server, t.host, t.email, t.password);
    const invited = await call(server, owner, "POST", "/api/v1/invitations", {
      email: "ivy@example.com",
      role: "accounting",
    });
    assert.equal(invited.status, 201);
    const link = linkIn((await mailTo(server, "ivy@example.com"))[0]!.text);
    const joined = await server.fetch(t.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, name: "Ivy", password: "rump roast and ribs 7" },
    });
    assert.equal(joined.status, 202);
    const answer = await joined.json();
    assert.equal(answer.result, "sso_required");
    assert.match(answer.sign_in_url, /\/auth\/sso\/start$/);
    assert.equal(joined.headers.getSetCookie().some((c) => c.startsWith("pm_session=")), false);
    provider.user = { sub: "i1", email: "ivy@example.com", email_verified: true };
    const ivy = await ssoSignIn(server, t);
    assert.equal(ivy.res.status, 303);
    const me = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: ivy.jar.header(t.host) },
    });
    assert.equal((await me.json()).role, "accounting", "the invited role, not the default");

    // The login page offers SSO; the broker gets in through it.
    assert.match(await (await server.fetch(t.host, "/login")).text(), /Sign in with SSO/);
    provider.user = { sub: "b1", email: broker.email, email_verified: true };
    assert.equal((await ssoSignIn(server, t)).res.status, 303);
  });
});

Deno.test("a single sign-on satisfies the workspace's second-factor requirement", async () => {
  await withSso(async (server, t, provider) => {
    await setSecondFactorRequired(server.services, t.tenantId, true);
    server.services.authCache.clear();
    provider.user = { sub: "p1", email: "pia@example.com", email_verified: true };
    const { res, jar } = await ssoSignIn(server, t, "/settings/profile");
    assert.equal(res.status, 303);
    const page = await server.fetch(t.host, "/settings/profile", {
      headers: { cookie: jar.header(t.host) },
    });
    assert.equal(page.status, 200, "no detour to enrol an authenticator app");
    // The owner's own password session, with no second factor, is still sent to enrol.
    const owner = await server.fetch(t.host, "/settings/profile", {
      headers: { cookie: t.jar.header(t.host) },
    });
    assert.equal(owner.status, 303);
  });
});

/** `t`'s owner also a member of `other` with a confirmed address (an invitation accepted). */
async function alsoMemberOf(server: TestServer, t: SignedUp, other: SignedUp, role = "broker") {
  const now = new Date().toISOString();
  await server.services.control.batch([
    {
      sql: "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
      args: [other.tenantId, t.userId, role, now],
    },
    { sql: "UPDATE users SET email_verified_at = ? WHERE id = ?", args: [now, t.userId] },
  ], "write");
  server.services.authCache.clear();
}

/** A victim workspace and an attacker's Enterprise workspace whose SSO claims the victim's domain. */
async function withRivalSso(
  fn: (server: TestServer, acme: SignedUp, demo: SignedUp, provider: OidcProvider) => Promise<void>,
) {
  const server = await startTestServer();
  const provider = await startOidcProvider();
  try {
    const demo = await signUpTenant(server);
    const acme = await signUpTenant(server);
    await putInState(server.services, acme.tenantId, "enterprise", "active");
    const saved = await configureSso(server, acme, provider, {
      allowed_domains: `${demo.slug}.example, example.com`,
    });
    assert.equal(saved.status, 303, await saved.text());
    await fn(server, acme, demo, provider);
  } finally {
    await provider.close();
    await server.close();
  }
}

Deno.test("a workspace's identity provider cannot open an existing account that is not a member there", async () => {
  await withRivalSso(async (server, acme, demo, provider) => {
    await server.services.control.execute({
      sql: "UPDATE users SET email_verified_at = NULL WHERE id = ?",
      args: [demo.userId],
    });
    const before = await snapshot(server);
    provider.user = { sub: "victim", email: demo.email.toUpperCase(), email_verified: true };
    const { res, jar } = await ssoSignIn(server, acme);
    assert.equal(res.status, 403);
    const page = await res.text();
    assert.match(page, /already exists and is not a member of this workspace/);
    assert.match(page, /Ask an administrator of this workspace to invite you/);
    assert.equal(jar.get(acme.host, "pm_session"), undefined);
    assert.deepEqual(
      await snapshot(server),
      before,
      "no membership, no session, and the address is still unconfirmed",
    );
    // A new address at the same domain is still provisioned just in time.
    provider.user = { sub: "new", email: `new@${demo.slug}.example`, email_verified: true };
    assert.equal((await ssoSignIn(server, acme)).res.status, 303);
  });
});

Deno.test("single sign-on does not confirm an existing member's address", async () => {
  await withSso(async (server, t, provider) => {
    const member = await addMember(server, t.tenantId, "broker", "unconfirmed@example.com");
    provider.user = { sub: "u2", email: member.email, email_verified: true };
    const { res } = await ssoSignIn(server, t);
    assert.equal(res.status, 303);
    const row = await server.services.control.execute({
      sql: "SELECT email_verified_at FROM users WHERE id = ?",
      args: [member.userId],
    });
    assert.equal(row.rows[0]!.email_verified_at, null);
  });
});

Deno.test("a session from a workspace's single sign-on cannot switch into another workspace: that one asks for the account's own sign-in", async () => {
  await withRivalSso(async (server, acme, demo, provider) => {
    // The demo owner was invited to acme and accepted: acme's provider may sign them in to acme.
    await alsoMemberOf(server, demo, acme);
    provider.user = { sub: "victim", email: demo.email, email_verified: true };
    const { res, jar } = await ssoSignIn(server, acme, "/");
    assert.equal(res.status, 303);
    const csrf = await server.fetch(acme.host, "/api/v1/auth/csrf", {
      headers: { cookie: jar.header(acme.host) },
    });
    assert.equal(csrf.status, 200);
    const token = (await csrf.json()).csrf_token;
    const handoffs = async () =>
      Number(
        (await server.services.control.execute({
          sql: "SELECT COUNT(*) AS n FROM login_handoffs WHERE tenant_id = ?",
          args: [demo.tenantId],
        })).rows[0]!.n,
      );
    const before = await handoffs();
    const ask = await server.fetch(acme.host, "/auth/switch", {
      method: "POST",
      headers: {
        cookie: jar.header(acme.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: token, tenant_id: demo.tenantId }).toString(),
    });
    await ask.body?.cancel();
    assert.equal(ask.status, 303);
    const to = new URL(ask.headers.get("location")!);
    assert.equal(to.hostname, demo.host);
    assert.equal(to.pathname, "/login", "the target's own sign-in page");
    assert.equal(to.search, "", "no switch token");
    assert.equal(await handoffs(), before, "no link into demo was made");

    // The account's own password session still switches (demo's owner, from acme).
    const own = await server.fetch(acme.host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: demo.email, password: demo.password },
    });
    assert.equal(own.status, 200);
    const ownJar = new CookieJar();
    ownJar.store(acme.host, own);
    const ownSwitch = await server.fetch(acme.host, "/auth/switch", {
      method: "POST",
      headers: {
        cookie: ownJar.header(acme.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: (await own.json()).csrf_token, tenant_id: demo.tenantId })
        .toString(),
    });
    await ownSwitch.body?.cancel();
    assert.equal(ownSwitch.status, 303);
    assert.equal(new URL(ownSwitch.headers.get("location")!).pathname, "/auth/switch");
  });
});

Deno.test("a session from a workspace's single sign-on cannot turn on an authenticator app, add a passkey without the password, or sign the account out of its other workspaces", async () => {
  await withRivalSso(async (server, acme, demo, provider) => {
    await alsoMemberOf(server, demo, acme);
    // The account's own sessions: one in its own workspace, one in acme.
    const home = await signIn(server, demo.host, demo.email, demo.password);
    const inAcme = await signIn(server, acme.host, demo.email, demo.password);
    provider.user = { sub: "victim", email: demo.email, email_verified: true };
    const { res, jar } = await ssoSignIn(server, acme, "/");
    assert.equal(res.status, 303);
    const csrf = (await (await server.fetch(acme.host, "/api/v1/auth/csrf", {
      headers: { cookie: jar.header(acme.host) },
    })).json()).csrf_token;
    const sso = { ...inAcme, jar, csrf };
    const totpRows = async () =>
      Number(
        (await server.services.control.execute({
          sql: "SELECT COUNT(*) AS n FROM user_totp WHERE user_id = ?",
          args: [demo.userId],
        })).rows[0]!.n,
      );

    // An authenticator app the provider's user held would lock the owner out everywhere.
    const start = await server.fetch(acme.host, "/settings/profile/second-factor/start", {
      method: "POST",
      headers: {
        cookie: jar.header(acme.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    assert.equal(start.status, 422);
    assert.match(await start.text(), /Enter your password to confirm it is you/);
    assert.equal(await totpRows(), 0, "no authenticator app was started");
    const passkey = await call(
      server,
      sso,
      "POST",
      "/api/v1/auth/passkeys/registration-options",
      {},
    );
    assert.equal(passkey.status, 422);
    await passkey.body?.cancel();

    // Signing out elsewhere reaches this workspace's sessions only.
    const listed = await (await call(server, sso, "GET", "/api/v1/auth/sessions")).json();
    const homeSession = listed.data.find((s: { workspace: string }) => s.workspace === demo.slug);
    assert.ok(homeSession, "the home session is listed");
    const one = await call(server, sso, "DELETE", `/api/v1/auth/sessions/${homeSession.id}`);
    assert.equal(one.status, 403);
    assert.match((await one.json()).error.message, /this workspace only/);
    const others = await call(server, sso, "POST", "/api/v1/auth/sessions/revoke-others", {});
    assert.deepEqual(await others.json(), { revoked: 1 }, "acme's password session only");
    assert.equal((await call(server, inAcme, "GET", "/api/v1/me")).status, 401);
    const still = await call(server, home, "GET", "/api/v1/me");
    assert.equal(still.status, 200, "the account's own workspace keeps its session");
    await still.body?.cancel();
  });
});
