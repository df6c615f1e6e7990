/**
 * Login CSRF through one-time links (red team): an attacker signed in on the bare domain asked
 * for a workspace's sign-in link (/workspaces/enter), or signed up, and a fresh browser opening
 * that link was signed in as the attacker. A link now opens only in the browser that asked for it
 * (the `pm_handoff` cookie, auth/handoff.ts); anywhere else it is refused with a page that says
 * why and offers to sign in, opens no session and stays good for its own browser. (Tests run on
 * `localhost`, where binding is off by default because browsers refuse a Domain=localhost cookie:
 * these turn it on, as every dotted APP_DOMAIN has it.)
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { CookieJar } from "../../tests/helpers/http.ts";
import { signIn } from "../../tests/helpers/members.ts";

function sessionCookies(res: Response): string[] {
  return res.headers.getSetCookie().filter((l) => l.startsWith("pm_session="));
}

/** Signs in on the bare domain and asks for the sign-in link into `tenantId`, as the list does. */
async function enterLink(
  server: TestServer,
  email: string,
  password: string,
  tenantId: string,
): Promise<{ link: URL; jar: CookieJar; answer: Response }> {
  const session = await signIn(server, "localhost", email, password);
  const answer = await server.fetch("localhost", "/workspaces/enter", {
    method: "POST",
    headers: {
      cookie: session.jar.header("localhost"),
      "content-type": "application/x-www-form-urlencoded",
      origin: `http://localhost:${server.port}`,
    },
    body: new URLSearchParams({ _csrf: session.csrf, tenant_id: tenantId }).toString(),
  });
  await answer.body?.cancel();
  assert.equal(answer.status, 303);
  session.jar.store("localhost", answer);
  return { link: new URL(answer.headers.get("location")!), jar: session.jar, answer };
}

Deno.test("a workspace's sign-in link opens only in the browser that asked for it", async () => {
  const server = await startTestServer({ HANDOFF_BINDING: "on" });
  try {
    const attacker = await signUpTenant(server);
    const { link, jar, answer } = await enterLink(
      server,
      attacker.email,
      attacker.password,
      attacker.tenantId,
    );
    assert.equal(link.pathname, "/auth/handoff");
    const bound = answer.headers.getSetCookie().find((l) => l.startsWith("pm_handoff=")) ?? "";
    assert.match(bound, /HttpOnly/i);
    assert.match(bound, /SameSite=Lax/i);
    assert.match(bound, /Domain=localhost/i, "the workspace's subdomain receives it");
    assert.match(bound, /Max-Age=120/i);

    // The victim's fresh browser, and a browser with a binding of its own: refused, no session.
    const path = link.pathname + link.search;
    const fresh = await server.fetch(attacker.host, path);
    assert.equal(fresh.status, 401);
    assert.deepEqual(sessionCookies(fresh), []);
    const page = await fresh.text();
    assert.match(page, /only in the browser that asked for it/);
    assert.match(page, /Sign in/);
    const victimJar = new CookieJar();
    const own = await signUpTenant(server);
    victimJar.store(
      "localhost",
      (await enterLink(server, own.email, own.password, own.tenantId)).answer,
    );
    const other = await server.fetch(attacker.host, path, {
      headers: { cookie: victimJar.header(attacker.host) },
    });
    await other.body?.cancel();
    assert.equal(other.status, 401);
    assert.deepEqual(sessionCookies(other), []);
    const refusals = await server.services.control.execute(
      "SELECT COUNT(*) AS n FROM sessions WHERE user_id = '" + attacker.userId + "'",
    );

    // The browser that asked still enters, once.
    const entered = await server.fetch(attacker.host, path, {
      headers: { cookie: jar.header(attacker.host) },
    });
    await entered.body?.cancel();
    assert.equal(entered.status, 303);
    assert.equal(sessionCookies(entered).length, 1);
    const after = await server.services.control.execute(
      "SELECT COUNT(*) AS n FROM sessions WHERE user_id = '" + attacker.userId + "'",
    );
    assert.equal(Number(after.rows[0]!.n), Number(refusals.rows[0]!.n) + 1);
    const again = await server.fetch(attacker.host, path, {
      headers: { cookie: jar.header(attacker.host) },
    });
    await again.body?.cancel();
    assert.equal(again.status, 401, "still one use");
  } finally {
    await server.close();
  }
});

Deno.test("the sign-in link a sign-up answers opens only in the client that signed up", async () => {
  const server = await startTestServer({ HANDOFF_BINDING: "on" });
  try {
    const res = await server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: {
        company_name: "Attacker Foods",
        slug: "attackerfoods",
        owner_name: "Mallory",
        email: "mallory@attacker.example",
        password: "brisket and ribeye 7",
      },
    });
    assert.equal(res.status, 201);
    const link = new URL((await res.json()).login_url);
    const path = link.pathname + link.search;
    const elsewhere = await server.fetch("attackerfoods.localhost", path);
    await elsewhere.body?.cancel();
    assert.equal(elsewhere.status, 401);
    assert.deepEqual(sessionCookies(elsewhere), []);

    const jar = new CookieJar();
    jar.store("localhost", res);
    const here = await server.fetch("attackerfoods.localhost", path, {
      headers: { cookie: jar.header("attackerfoods.localhost") },
    });
    await here.body?.cancel();
    assert.equal(here.status, 303);
    assert.equal(sessionCookies(here).length, 1);
  } finally {
    await server.close();
  }
});
