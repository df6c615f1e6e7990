import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import { SoftAuthenticator } from "../tests/helpers/soft_authenticator.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { FixedClock } from "../domain/clock.ts";
import { setSecondFactorRequired } from "./second_factor.ts";
import { addMember, signIn } from "../tests/helpers/members.ts";
import { putInState } from "../tests/helpers/billing.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function call(
  server: TestServer,
  t: { host: string; jar: CookieJar; csrf?: string },
  method: string,
  path: string,
  json?: unknown,
): Promise<{ status: number; body: Json; res: Response }> {
  const res = await server.fetch(t.host, path, {
    method,
    headers: { cookie: t.jar.header(t.host), "x-csrf-token": t.csrf ?? "" },
    ...(json === undefined ? {} : { json }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, res };
}

const origin = (server: TestServer, t: SignedUp) => `http://${t.host}:${server.port}`;

/** Registers a passkey for the signed-up owner; answers the authenticator. */
async function register(server: TestServer, t: SignedUp, auth = new SoftAuthenticator()) {
  const options = await call(server, t, "POST", "/api/v1/auth/passkeys/registration-options", {
    password: t.password,
  });
  assert.equal(options.status, 200, JSON.stringify(options.body));
  assert.equal(options.body.rp.id, t.host);
  assert.equal(options.body.authenticatorSelection.residentKey, "required");
  assert.equal(options.body.authenticatorSelection.userVerification, "required");
  const response = await auth.create(options.body, { origin: origin(server, t) });
  const added = await call(server, t, "POST", "/api/v1/auth/passkeys", {
    name: "Work laptop",
    response,
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  return auth;
}

/** Signs in with the authenticator from a fresh browser; answers the status, body and jar. */
async function signInWith(
  server: TestServer,
  t: SignedUp,
  auth: SoftAuthenticator,
  ceremony: Parameters<SoftAuthenticator["get"]>[1],
) {
  const jar = new CookieJar();
  const options = await call(
    server,
    { host: t.host, jar },
    "POST",
    "/api/v1/auth/passkeys/sign-in-options",
  );
  assert.equal(options.status, 200);
  assert.equal(options.body.userVerification, "required");
  assert.deepEqual(options.body.allowCredentials ?? [], [], "discoverable: no e-mail, no list");
  const response = await auth.get(options.body, ceremony);
  const r = await call(server, { host: t.host, jar }, "POST", "/api/v1/auth/passkeys/sign-in", {
    response,
  });
  jar.store(t.host, r.res);
  return { ...r, jar, response };
}

async function passkeyRows(server: TestServer) {
  return (await server.services.control.execute(
    "SELECT user_id, tenant_id, rp_id, counter, last_used_at FROM passkeys ORDER BY id",
  )).rows.map((r) => ({ ...r }));
}

async function sessionCount(server: TestServer): Promise<number> {
  const rs = await server.services.control.execute("SELECT COUNT(*) AS n FROM sessions");
  return Number(rs.rows[0]!.n);
}

Deno.test("a passkey added in the profile signs its owner in with no e-mail, once per challenge", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const auth = await register(server, t);
    const list = await call(server, t, "GET", "/api/v1/auth/passkeys");
    assert.equal(list.body.data.length, 1);
    assert.equal(list.body.data[0].name, "Work laptop");
    assert.equal(list.body.data[0].last_used_at, null);

    const ok = await signInWith(server, t, auth, { origin: origin(server, t) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.user.id, t.userId);
    assert.equal(ok.body.role, "owner");
    const me = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: ok.jar.header(t.host) },
    });
    assert.equal(me.status, 200, "the new session cookie works");
    const [row] = await passkeyRows(server);
    assert.equal(row!.counter, 1);
    assert.ok(row!.last_used_at, "last use recorded");

    // The same signed answer again: its challenge is spent.
    const sessions = await sessionCount(server);
    const replay = await call(
      server,
      { host: t.host, jar: new CookieJar() },
      "POST",
      "/api/v1/auth/passkeys/sign-in",
      {
        response: ok.response,
      },
    );
    assert.equal(replay.status, 401);
    assert.equal(await sessionCount(server), sessions, "no session for a replay");
    assert.equal((await passkeyRows(server))[0]!.counter, 1);

    // The workspace's security log has the passkey's addition, the sign-in and the refused replay.
    const log = await call(server, t, "GET", "/api/v1/security/events?action=auth.");
    assert.equal(log.status, 200, JSON.stringify(log.body));
    const events = (log.body.data as Json[]).map((e) => [e.action, e.details?.via ?? e.target]);
    assert.deepEqual(events.slice(0, 3), [
      ["auth.sign_in_failed", "passkey"],
      ["auth.sign_in", "passkey"],
      ["auth.passkey.added", "Work laptop"],
    ]);

    // The profile page lists it.
    const page = await server.fetch(t.host, "/settings/profile", {
      headers: { cookie: t.jar.header(t.host) },
    });
    const html = await page.text();
    assert.match(html, /Work laptop/);
    assert.match(html, /data-island="PasskeyButton"/);
  } finally {
    await server.close();
  }
});

Deno.test("a cloned passkey whose counter did not rise is refused and changes nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const auth = await register(server, t);
    assert.equal((await signInWith(server, t, auth, { origin: origin(server, t) })).status, 200);
    assert.equal((await signInWith(server, t, auth, { origin: origin(server, t) })).status, 200);
    const before = await passkeyRows(server);
    assert.equal(before[0]!.counter, 2);
    const sessions = await sessionCount(server);
    const clone = await signInWith(server, t, auth, { origin: origin(server, t), counter: 1 });
    assert.equal(clone.status, 401);
    assert.equal(clone.jar.get(t.host, "pm_session"), undefined);
    assert.deepEqual(await passkeyRows(server), before);
    assert.equal(await sessionCount(server), sessions);
  } finally {
    await server.close();
  }
});

Deno.test("a passkey of another workspace, another address or without user verification never signs in", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const auth = await register(server, a);
    const sessions = await sessionCount(server);
    const before = await passkeyRows(server);

    // A's credential answering B's challenge, as if for B's address.
    const elsewhere = await signInWith(server, b, auth, {
      origin: origin(server, b),
      credential: auth.credentials[0]!,
    });
    assert.equal(elsewhere.status, 401);
    assert.match(elsewhere.body.error.message, /does not sign in to this workspace/);

    // A's credential for A, but the browser was on another origin (a phishing page).
    const phished = await signInWith(server, a, auth, { origin: "http://evil.localhost" });
    assert.equal(phished.status, 401);

    // No user verification (a touch without PIN or biometrics).
    const noUv = await signInWith(server, a, auth, {
      origin: origin(server, a),
      skipUserVerification: true,
    });
    assert.equal(noUv.status, 401);

    assert.equal(await sessionCount(server), sessions, "no session was created");
    assert.deepEqual(
      (await passkeyRows(server)).map((r) => [r.tenant_id, r.counter, r.last_used_at]),
      before.map((r) => [r.tenant_id, r.counter, r.last_used_at]),
    );

    // Registration without user verification is refused too, and stores nothing.
    const options = await call(server, b, "POST", "/api/v1/auth/passkeys/registration-options", {
      password: b.password,
    });
    const weak = await new SoftAuthenticator().create(options.body, {
      origin: origin(server, b),
      skipUserVerification: true,
    });
    const refused = await call(server, b, "POST", "/api/v1/auth/passkeys", {
      name: "Key",
      response: weak,
    });
    assert.equal(refused.status, 400);
    assert.equal((await passkeyRows(server)).length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("a passkey challenge expires after five minutes", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({}, { clock });
  try {
    const t = await signUpTenant(server);
    const auth = await register(server, t);
    const jar = new CookieJar();
    const options = await call(
      server,
      { host: t.host, jar },
      "POST",
      "/api/v1/auth/passkeys/sign-in-options",
    );
    clock.advance(5 * 60 * 1000 + 1);
    const response = await auth.get(options.body, { origin: origin(server, t) });
    const late = await call(
      server,
      { host: t.host, jar },
      "POST",
      "/api/v1/auth/passkeys/sign-in",
      { response },
    );
    assert.equal(late.status, 401);
    assert.equal((await passkeyRows(server))[0]!.last_used_at, null);
  } finally {
    await server.close();
  }
});

Deno.test("a removed member's passkey no longer signs in", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const auth = await register(server, t);
    // A second owner removes the first.
    await server.services.control.execute({
      sql: "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?",
      args: [t.tenantId, t.userId],
    });
    const r = await signInWith(server, t, auth, { origin: origin(server, t) });
    assert.equal(r.status, 401);
    assert.equal(r.jar.get(t.host, "pm_session"), undefined);
  } finally {
    await server.close();
  }
});

Deno.test("removing a passkey needs the password; API tokens cannot manage passkeys", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await register(server, t);
    const [{ id }] = (await call(server, t, "GET", "/api/v1/auth/passkeys")).body.data;
    const wrong = await call(server, t, "POST", `/api/v1/auth/passkeys/${id}/remove`, {
      password: "nope nope nope",
    });
    assert.equal(wrong.status, 422, JSON.stringify(wrong.body));
    assert.equal((await passkeyRows(server)).length, 1, "kept after a wrong password");

    const api = await apiClient(server, t);
    assert.equal(
      (await api.call("POST", "/api/v1/auth/passkeys/registration-options")).status,
      403,
    );
    assert.equal(
      (await api.call("POST", `/api/v1/auth/passkeys/${id}/remove`, { password: t.password }))
        .status,
      403,
    );
    assert.equal((await passkeyRows(server)).length, 1);

    // The profile page's form, with the right password.
    const form = new URLSearchParams({ _csrf: t.csrf, password: t.password });
    const res = await server.fetch(t.host, `/settings/profile/passkeys/${id}/remove`, {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form.toString(),
    });
    assert.equal(res.status, 303);
    assert.match(res.headers.get("location") ?? "", /passkey=removed/);
    assert.equal((await passkeyRows(server)).length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("a passkey sign-in satisfies the workspace's second-factor requirement; a password alone does not", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const auth = await register(server, t);
    await setSecondFactorRequired(server.services, t.tenantId, true);
    server.services.authCache.clear();
    const profile = (jar: CookieJar) =>
      server.fetch(t.host, "/settings/profile", { headers: { cookie: jar.header(t.host) } });

    const byPassword = await server.fetch(t.host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: t.email, password: t.password },
    });
    assert.equal(byPassword.status, 200);
    const passwordJar = new CookieJar();
    passwordJar.store(t.host, byPassword);
    const sent = await profile(passwordJar);
    assert.equal(sent.status, 303, "a password alone must enrol an authenticator first");
    assert.equal(sent.headers.get("location"), "/settings/profile/second-factor");

    const byPasskey = await signInWith(server, t, auth, { origin: origin(server, t) });
    assert.equal(byPasskey.status, 200);
    assert.equal((await profile(byPasskey.jar)).status, 200, "the passkey was both factors");
  } finally {
    await server.close();
  }
});

Deno.test("a workspace that requires single sign-on refuses a member's passkey and records no use", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const broker = await addMember(server, t.tenantId, "broker");
    const session = await signIn(server, t.host, broker.email, broker.password);
    const member = { ...t, ...session, email: broker.email, password: broker.password };
    const auth = await register(server, member);
    assert.equal(
      (await signInWith(server, member, auth, { origin: origin(server, t) })).status,
      200,
    );

    await putInState(server.services, t.tenantId, "enterprise", "active");
    const now = new Date().toISOString();
    await server.services.control.execute({
      sql: `INSERT INTO sso_connections (tenant_id, issuer, client_id, client_secret,
              allowed_domains, default_role, require_sso, created_at, updated_at)
            VALUES (?, 'https://login.example.com', 'id', 'secret', '["example.com"]', 'viewer', 1,
              ?, ?)`,
      args: [t.tenantId, now, now],
    });
    const before = await passkeyRows(server);
    const sessions = await sessionCount(server);
    const refused = await signInWith(server, member, auth, { origin: origin(server, t) });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.details.reason, "sso_required");
    assert.deepEqual(await passkeyRows(server), before, "counter and last use unchanged");
    assert.equal(await sessionCount(server), sessions);
  } finally {
    await server.close();
  }
});

Deno.test("adding a passkey asks for the password first: none or a wrong one gets 422 and no challenge", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const challenges = async () =>
      Number(
        (await server.services.control.execute("SELECT count(*) AS n FROM webauthn_challenges"))
          .rows[0]!.n,
      );
    const none = await call(server, t, "POST", "/api/v1/auth/passkeys/registration-options", {});
    assert.equal(none.status, 422, JSON.stringify(none.body));
    assert.ok(none.body.error.details.password, "the password field is named");
    const wrong = await call(server, t, "POST", "/api/v1/auth/passkeys/registration-options", {
      password: "not the password at all",
    });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body.error.message, /password is not right/);
    assert.equal(await challenges(), 0, "no ceremony was started");
    assert.equal((await passkeyRows(server)).length, 0);
    // With it, the ceremony runs as before.
    await register(server, t);
    assert.equal((await passkeyRows(server)).length, 1);
  } finally {
    await server.close();
  }
});
