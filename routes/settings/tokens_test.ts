import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { putInState } from "../../tests/helpers/billing.ts";

const CREATE_FORM = /<form method="post" action="\/settings\/tokens" class="inline-form">/;

async function tokensPage(server: TestServer, s: Session): Promise<string> {
  const res = await server.fetch(s.host, "/settings/tokens", {
    headers: { cookie: s.jar.header(s.host) },
  });
  assert.equal(res.status, 200);
  return await res.text();
}

async function createToken(
  server: TestServer,
  s: Session,
  name: string,
  extra: Record<string, string> = {},
): Promise<number> {
  const res = await server.fetch(s.host, "/settings/tokens", {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: s.csrf, name, ...extra }).toString(),
  });
  await res.body?.cancel();
  return res.status;
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
