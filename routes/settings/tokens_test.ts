import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { putInState } from "../../tests/helpers/billing.ts";

const CREATE_FORM =
  /<form method="post" action="\/settings\/tokens" class="record-form token-form">/;

async function tokensPage(server: TestServer, s: Session): Promise<string> {
  const res = await server.fetch(s.host, "/settings/tokens", {
    headers: { cookie: s.jar.header(s.host) },
  });
  assert.equal(res.status, 200);
  return await res.text();
}

async function postToken(
  server: TestServer,
  s: Session,
  name: string,
  extra: Record<string, string> | Array<[string, string]> = {},
): Promise<Response> {
  const fields = Array.isArray(extra) ? extra : Object.entries(extra);
  return await server.fetch(s.host, "/settings/tokens", {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams([["_csrf", s.csrf], ["name", name], ...fields]).toString(),
  });
}

async function createToken(
  server: TestServer,
  s: Session,
  name: string,
  extra: Record<string, string> = {},
): Promise<number> {
  const res = await postToken(server, s, name, extra);
  await res.body?.cancel();
  return res.status;
}

async function storedToken(server: TestServer, name: string) {
  const rs = await server.services.control.execute({
    sql: "SELECT scopes, allowed_ips FROM api_tokens WHERE name = ?",
    args: [name],
  });
  return rs.rows[0] ? { scopes: rs.rows[0].scopes, ips: rs.rows[0].allowed_ips } : undefined;
}

Deno.test("the Create token form shows only to roles and plans the server lets create tokens", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const member = async (role: "viewer" | "broker") => {
      const m = await addMember(server, t.tenantId, role);
      return await signIn(server, t.host, m.email, m.password);
    };
    const viewer = await member("viewer");
    const broker = await member("broker");

    const viewerPage = await tokensPage(server, viewer);
    assert.doesNotMatch(viewerPage, CREATE_FORM);
    assert.match(viewerPage, /id="tokens-not-for-role"[^>]*>\s*Your role \(viewer\) cannot create/);
    assert.equal(await createToken(server, viewer, "viewer token"), 403, "the server refuses too");

    const brokerPage = await tokensPage(server, broker);
    assert.match(brokerPage, CREATE_FORM);
    assert.match(brokerPage, /<a href="\/api\/docs">API reference<\/a>/);
    assert.doesNotMatch(brokerPage, /tokens-not-for-role/);
    assert.equal(await createToken(server, broker, "broker token"), 201);
    // The form offers an expiry, 90 days first; what was chosen shows in the list.
    assert.match(
      brokerPage,
      /<select id="token-expires" name="expires_in_days"><option value="90">In 90 days<\/option>/,
    );
    assert.equal(await createToken(server, broker, "month token", { expires_in_days: "30" }), 201);
    assert.equal(await createToken(server, broker, "odd", { expires_in_days: "7" }), 422);
    const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const listed = await tokensPage(server, broker);
    // Columns: name, prefix, created, last used, expires.
    const row = (name: string) => new RegExp(`<td>${name}</td>(?:<td>.*?</td>){3}<td>([^<]*)</td>`);
    assert.equal(row("month token").exec(listed)?.[1], expiry);
    assert.equal(row("broker token").exec(listed)?.[1], "never");
    await server.services.control.execute({
      sql: "UPDATE api_tokens SET expires_at = '2026-01-02T00:00:00.000Z' WHERE name = ?",
      args: ["month token"],
    });
    assert.equal(
      row("month token").exec(await tokensPage(server, broker))?.[1],
      "expired 2026-01-02",
    );

    // A plan without API access: nobody gets the form, and the plan (not the role) is the reason.
    await putInState(server.services, t.tenantId, "starter", "active");
    const starterPage = await tokensPage(server, broker);
    assert.doesNotMatch(starterPage, CREATE_FORM);
    assert.match(starterPage, /id="api-not-in-plan"/);
    assert.equal(await createToken(server, broker, "starter token"), 402);

    const rs = await server.services.control.execute({
      sql: "SELECT name FROM api_tokens WHERE tenant_id = ? ORDER BY name",
      args: [t.tenantId],
    });
    assert.deepEqual(rs.rows.map((r) => String(r.name)), ["broker token", "month token"]);
  } finally {
    await server.close();
  }
});

Deno.test("the form gives a token the ticked scopes and addresses, offers only what the role grants, and lists them", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const m = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, m.email, m.password);
    const page = await tokensPage(server, broker);
    // Read everything is the default; boxes the broker's role does not grant are disabled.
    assert.match(page, /<input type="radio" name="access" value="read_all" checked/);
    assert.match(
      page,
      /<input type="checkbox" name="scopes" value="loads:write" aria-label="Change loads" title="loads:write"\/>/,
    );
    assert.match(page, /value="invoices:write" aria-label="Change invoices" disabled/);
    assert.match(page, /value="invoices:read" aria-label="Read invoices" title/);

    const ok = await postToken(server, broker, "dock scanner", [
      ["access", "chosen"],
      ["scopes", "loads:write"],
      ["scopes", "carriers:read"],
      ["allowed_ips", "203.0.113.7\n10.1.2.3/8"],
    ]);
    assert.equal(ok.status, 201);
    await ok.body?.cancel();
    assert.deepEqual(await storedToken(server, "dock scanner"), {
      scopes: "loads:write carriers:read",
      ips: "203.0.113.7/32 10.0.0.0/8",
    });
    assert.equal(await createToken(server, broker, "everything", { access: "read_all" }), 201);
    const readAll = await storedToken(server, "everything");
    assert.match(String(readAll?.scopes), /invoices:read/);
    assert.doesNotMatch(String(readAll?.scopes), /:write|domains:read/, "only what a broker reads");
    await createToken(server, broker, "groups", { access: "chosen", read_group: "Records" });
    assert.match(String((await storedToken(server, "groups"))?.scopes), /^purchase_orders:read /);
    // Read everything adds what is ticked; nothing ticked is ever dropped silently.
    const plus = await postToken(server, broker, "reads and loads", [
      ["access", "read_all"],
      ["scopes", "loads:write"],
    ]);
    assert.equal(plus.status, 201);
    await plus.body?.cancel();
    assert.match(String((await storedToken(server, "reads and loads"))?.scopes), / loads:write$/);
    assert.equal(await createToken(server, broker, "full", { access: "full" }), 201);
    assert.equal((await storedToken(server, "full"))?.scopes, "*");

    const listed = await tokensPage(server, broker);
    const cells = (name: string) =>
      new RegExp(
        `<td>${name}</td>(?:<td>.*?</td>){4}<td class="token-access">([^<]*)</td><td>([^<]*)</td>`,
      )
        .exec(listed)?.slice(1);
    assert.deepEqual(cells("dock scanner"), [
      "loads:write, carriers:read",
      "203.0.113.7/32, 10.0.0.0/8",
    ]);
    assert.deepEqual(cells("everything"), ["Read everything", "anywhere"]);
    assert.deepEqual(cells("reads and loads"), ["Read everything, loads:write", "anywhere"]);
    assert.deepEqual(cells("full"), ["Full access", "anywhere"]);

    // Refused with the reason beside the field, and nothing created.
    const badIp = await postToken(server, broker, "bad ip", { allowed_ips: "10.0.0.0/33" });
    assert.equal(badIp.status, 422);
    assert.match(
      await badIp.text(),
      /id="token-ips-error">&quot;10\.0\.0\.0\/33&quot;: an IPv4 range has at most 32/,
    );
    const beyond = await postToken(server, broker, "beyond", [["access", "chosen"], [
      "scopes",
      "invoices:write",
    ]]);
    assert.equal(beyond.status, 422);
    assert.match(await beyond.text(), /Your role \(broker\) does not grant invoices:write/);
    const none = await postToken(server, broker, "none", { access: "chosen" });
    assert.equal(none.status, 422);
    assert.match(await none.text(), /Tick at least one scope/);
    const unknown = await postToken(server, broker, "unknown", [["access", "chosen"], [
      "scopes",
      "loads:delete",
    ]]);
    assert.equal(unknown.status, 422);
    await unknown.body?.cancel();
    for (const name of ["bad ip", "beyond", "none", "unknown"]) {
      assert.equal(await storedToken(server, name), undefined, name);
    }
  } finally {
    await server.close();
  }
});

/** Posts a revoke form of "Tokens of all members" as the page does: cookie and CSRF field. */
async function revokeMemberToken(server: TestServer, s: Session, id: string): Promise<Response> {
  return await server.fetch(s.host, `/settings/tokens/members/${id}/revoke`, {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams([["_csrf", s.csrf]]).toString(),
  });
}

Deno.test("an owner sees every member's token under Tokens of all members and revokes one; a broker sees no such section", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await signIn(server, t.host, t.email, t.password);
    const m = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, m.email, m.password);
    const take = async (who: { email: string; password: string }, name: string) => {
      const res = await server.fetch(t.host, "/api/v1/auth/tokens", {
        method: "POST",
        json: { email: who.email, password: who.password, name },
      });
      assert.equal(res.status, 201);
      return (await res.json()) as { id: string; token: string };
    };
    const brokerToken = await take(m, "dock scanner");
    const ownerToken = await take(t, "owner script");
    const me = async (token: string) => {
      const res = await server.fetch(t.host, "/api/v1/me", {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(await me(brokerToken.token), 200);

    const page = await tokensPage(server, owner);
    assert.match(page, /<section class="card" id="member-tokens"><h2>Tokens of all members<\/h2>/);
    const section = page.slice(page.indexOf('id="member-tokens"'));
    assert.match(section, new RegExp(`<td>broker person <span class="muted">&lt;${m.email}>`));
    assert.match(section, /<td>dock scanner<\/td>/);
    assert.match(section, /<td>owner script<\/td>/);
    assert.match(
      section,
      new RegExp(
        `<form method="post" action="/settings/tokens/members/${brokerToken.id}/revoke"><input type="hidden" name="_csrf"`,
      ),
    );
    const spanish = await server.fetch(t.host, "/settings/tokens", {
      headers: { cookie: owner.jar.header(t.host), "accept-language": "es" },
    });
    assert.match(await spanish.text(), /<h2>Tokens de todos los miembros<\/h2>/);

    const brokerPage = await tokensPage(server, broker);
    assert.doesNotMatch(brokerPage, /member-tokens|Tokens of all members/);
    assert.doesNotMatch(brokerPage, /owner script/);
    const refused = await revokeMemberToken(server, broker, ownerToken.id);
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.equal(await me(ownerToken.token), 200, "the broker revoked nothing");

    const revoked = await revokeMemberToken(server, owner, brokerToken.id);
    assert.equal(revoked.status, 303);
    await revoked.body?.cancel();
    assert.equal(await me(brokerToken.token), 401, "refused at once");
    assert.doesNotMatch(await tokensPage(server, owner), /dock scanner/);

    const log = await server.fetch(t.host, "/api/v1/security/events?action=token.revoked", {
      headers: { authorization: `Bearer ${ownerToken.token}` },
    });
    const events = (await log.json()).data;
    assert.equal(events.length, 1);
    assert.equal(events[0].actor_email, t.email);
    assert.equal(events[0].details.token_owner_email, m.email);
  } finally {
    await server.close();
  }
});
