import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import {
  addMember,
  call,
  ownerAdminBroker,
  rolesOf,
  signIn,
} from "../../../tests/helpers/members.ts";

Deno.test("members: an admin cannot touch owners or grant owner; a workspace always keeps an owner", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const { owner, adminUser, admin, broker } = await ownerAdminBroker(server, t);

    const list = await (await call(server, admin, "GET", "/api/v1/members")).json();
    assert.deepEqual(
      list.data.map((m: { user_id: string; role: string }) => m.role).sort(),
      ["admin", "broker", "owner"],
    );

    const patch = (s: typeof owner, id: string, role: string) =>
      call(server, s, "PATCH", `/api/v1/members/${id}`, { role });
    const status = async (p: Promise<Response>) => {
      const res = await p;
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(await status(patch(admin, t.userId, "viewer")), 403, "admin demotes owner");
    assert.equal(await status(patch(admin, broker.userId, "owner")), 403, "admin grants owner");
    assert.equal(await status(call(server, admin, "DELETE", `/api/v1/members/${t.userId}`)), 403);
    assert.equal(await status(patch(admin, broker.userId, "accounting")), 200);
    assert.equal(await status(patch(admin, broker.userId, "nonsense")), 422);

    // The only owner can neither step down nor leave.
    assert.equal(await status(patch(owner, t.userId, "admin")), 409);
    assert.equal(await status(call(server, owner, "DELETE", `/api/v1/members/${t.userId}`)), 409);
    // Only an owner grants owner; then the first owner may step down.
    assert.equal(await status(patch(owner, adminUser.userId, "owner")), 200);
    assert.equal(await status(patch(owner, t.userId, "viewer")), 200);

    assert.deepEqual(
      await rolesOf(server, t.tenantId),
      { [t.userId]: "viewer", [adminUser.userId]: "owner", [broker.userId]: "accounting" },
    );
  } finally {
    await server.close();
  }
});

Deno.test("removing a member ends their sessions and API tokens on that workspace only", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const owner = await signIn(server, a.host, a.email, a.password);
    const broker = await addMember(server, a.tenantId, "broker");
    await server.services.control.execute({
      sql:
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'viewer', ?)",
      args: [b.tenantId, broker.userId, new Date().toISOString()],
    });
    const brokerA = await signIn(server, a.host, broker.email, broker.password);
    const brokerB = await signIn(server, b.host, broker.email, broker.password);
    const tokenRes = await call(server, brokerA, "POST", "/api/v1/auth/tokens", { name: "script" });
    const { token } = await tokenRes.json();
    const bearer = (host: string) =>
      server.fetch(host, "/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await bearer(a.host)).status, 200);

    const removed = await call(server, owner, "DELETE", `/api/v1/members/${broker.userId}`);
    assert.equal(removed.status, 204);
    assert.equal((await call(server, brokerA, "GET", "/api/v1/me")).status, 401);
    assert.equal((await bearer(a.host)).status, 401);
    assert.equal(
      (await call(server, brokerB, "GET", "/api/v1/me")).status,
      200,
      "other workspace untouched",
    );
    const left = await server.services.control.execute({
      sql: "SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND tenant_id = ?",
      args: [broker.userId, a.tenantId],
    });
    assert.equal(Number(left.rows[0]!.n), 0);
    // The token stays dead even if the person is invited back later.
    await server.services.control.execute({
      sql:
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'broker', ?)",
      args: [a.tenantId, broker.userId, new Date().toISOString()],
    });
    server.services.authCache.clear();
    assert.equal((await bearer(a.host)).status, 401);
    await server.services.control.execute({
      sql: "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ?",
      args: [a.tenantId, broker.userId],
    });

    // Members of another workspace are not found here.
    const foreign = await call(server, owner, "DELETE", `/api/v1/members/${b.userId}`);
    assert.equal(foreign.status, 404);
    await foreign.body?.cancel();
    assert.equal(
      (await call(server, owner, "DELETE", `/api/v1/members/${broker.userId}`)).status,
      404,
    );
  } finally {
    await server.close();
  }
});
