import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../../tests/helpers/api.ts";
import { addMember, call, signIn } from "../../../tests/helpers/members.ts";

/** A member's token, taken with their password as a script would. */
async function tokenOf(
  server: TestServer,
  host: string,
  member: { email: string; password: string },
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string; name: string }> {
  const res = await server.fetch(host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: member.email, password: member.password, name: "dock scanner", ...extra },
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json();
}

/** What `/api/v1/me` answers to a bearer token: 200 while it works, 401 once revoked. */
async function meStatus(server: TestServer, host: string, token: string): Promise<number> {
  const res = await server.fetch(host, "/api/v1/me", {
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

async function brokerWithToken(server: TestServer, t: SignedUp) {
  const broker = await addMember(server, t.tenantId, "broker");
  const token = await tokenOf(server, t.host, broker, {
    scopes: ["loads:read"],
    allowed_ips: ["127.0.0.1"],
    expires_in_days: 30,
  });
  return { broker, token };
}

Deno.test("an owner lists a broker's token with its member and revokes it: refused at once, and logged", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    const { broker, token } = await brokerWithToken(server, t);
    assert.equal(await meStatus(server, t.host, token.token), 200, "works, and is now cached");

    const list = await owner.ok("GET", "/api/v1/workspace-tokens");
    const listed = list.data.find((row: { id: string }) => row.id === token.id);
    assert.ok(listed, JSON.stringify(list.data));
    assert.deepEqual(listed.user, {
      id: broker.userId,
      name: "broker person",
      email: broker.email,
      role: "broker",
    });
    assert.equal(listed.name, "dock scanner");
    assert.equal(listed.prefix, token.token.slice(0, 11));
    assert.deepEqual(listed.scopes, ["loads:read"]);
    assert.deepEqual(listed.allowed_ips, ["127.0.0.1/32"]);
    assert.ok(listed.expires_at);
    assert.equal(listed.token, undefined, "the secret is never listed");
    assert.equal(list.data.length, 2, "the broker's token and the owner's own");

    const revoked = await owner.call("DELETE", `/api/v1/workspace-tokens/${token.id}`);
    assert.equal(revoked.status, 204);
    assert.equal(await meStatus(server, t.host, token.token), 401, "refused at once");

    const after = await owner.ok("GET", "/api/v1/workspace-tokens");
    assert.ok(after.data.every((row: { id: string }) => row.id !== token.id));
    assert.equal((await owner.call("DELETE", `/api/v1/workspace-tokens/${token.id}`)).status, 404);

    const log = await owner.ok("GET", "/api/v1/security/events?action=token.revoked");
    assert.equal(log.data.length, 1);
    const event = log.data[0];
    assert.equal(event.actor_email, t.email, "the owner revoked it");
    assert.equal(event.target, "dock scanner");
    assert.equal(event.details.token_id, token.id);
    assert.equal(event.details.token_owner_user_id, broker.userId);
    assert.equal(event.details.token_owner_email, broker.email);
  } finally {
    await server.close();
  }
});

Deno.test("a broker can neither list nor revoke other members' tokens, and an admin not an owner's", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const ownerToken = await tokenOf(server, t.host, t);
    const { broker, token: brokerToken } = await brokerWithToken(server, t);
    const brokerSession = await signIn(server, t.host, broker.email, broker.password);
    const brokerFull = clientWithToken(
      server,
      t.host,
      (await tokenOf(server, t.host, broker)).token,
    );

    for (const path of ["/api/v1/workspace-tokens", `/api/v1/workspace-tokens/${ownerToken.id}`]) {
      const method = path.endsWith(ownerToken.id) ? "DELETE" : "GET";
      const bySession = await call(server, brokerSession, method, path);
      assert.equal(bySession.status, 403, `${method} ${path}`);
      await bySession.body?.cancel();
      assert.equal((await brokerFull.call(method, path)).status, 403, `${method} ${path}`);
    }
    assert.equal(await meStatus(server, t.host, ownerToken.token), 200, "the owner's still works");

    const adminUser = await addMember(server, t.tenantId, "admin");
    const admin = await signIn(server, t.host, adminUser.email, adminUser.password);
    const listed = await call(server, admin, "GET", "/api/v1/workspace-tokens");
    assert.equal(listed.status, 200);
    assert.equal((await listed.json()).data.length, 3, "an admin sees every token");
    const onOwner = await call(
      server,
      admin,
      "DELETE",
      `/api/v1/workspace-tokens/${ownerToken.id}`,
    );
    assert.equal(onOwner.status, 403);
    assert.match((await onOwner.json()).error.message, /Only an owner can revoke an owner's token/);
    assert.equal(await meStatus(server, t.host, ownerToken.token), 200);
    const onBroker = await call(
      server,
      admin,
      "DELETE",
      `/api/v1/workspace-tokens/${brokerToken.id}`,
    );
    assert.equal(onBroker.status, 204);
    assert.equal(await meStatus(server, t.host, brokerToken.token), 401);
  } finally {
    await server.close();
  }
});

Deno.test("another workspace's token is not found and keeps working; the list shows none of its tokens", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server, "alpha");
    const b = await signUpTenant(server, "bravo");
    const owner = await apiClient(server, a);
    const { token: foreign } = await brokerWithToken(server, b);

    const res = await owner.call("DELETE", `/api/v1/workspace-tokens/${foreign.id}`);
    assert.equal(res.status, 404);
    assert.equal(await meStatus(server, b.host, foreign.token), 200, "still works on bravo");
    const list = await owner.ok("GET", "/api/v1/workspace-tokens");
    assert.deepEqual(list.data.map((row: { id: string }) => row.id), [
      (await server.services.control.execute({
        sql: "SELECT id FROM api_tokens WHERE tenant_id = ?",
        args: [a.tenantId],
      })).rows[0]!.id,
    ]);
    assert.equal((await owner.call("DELETE", "/api/v1/workspace-tokens/not-an-id")).status, 404);
  } finally {
    await server.close();
  }
});

Deno.test("a scoped token, even an owner's with members:write, cannot list or revoke the workspace's tokens", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const { token: brokerToken } = await brokerWithToken(server, t);
    const scoped = clientWithToken(
      server,
      t.host,
      (await tokenOf(server, t.host, t, { scopes: ["members:write"] })).token,
    );
    const list = await scoped.call("GET", "/api/v1/workspace-tokens");
    assert.equal(list.status, 403);
    assert.equal(list.body.error.details.reason, "scoped_token");
    const revoke = await scoped.call("DELETE", `/api/v1/workspace-tokens/${brokerToken.id}`);
    assert.equal(revoke.status, 403);
    assert.equal(await meStatus(server, t.host, brokerToken.token), 200);
    // The same owner's full-access token may: the refusal is the scope, not the role.
    const full = await apiClient(server, t);
    const listed = await full.ok("GET", "/api/v1/workspace-tokens");
    assert.ok(listed.data.some((row: { id: string }) => row.id === brokerToken.id));
  } finally {
    await server.close();
  }
});
