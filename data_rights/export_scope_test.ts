/**
 * The workspace export through scoped API tokens: only a token with `workspace:export` starts,
 * lists or follows an export; without it the answer is 403 naming the scope and nothing is queued.
 * The owner's role is its ceiling; the workspace's deletion stays closed to every scoped token.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { clientWithToken } from "../tests/helpers/api.ts";
import { addMember } from "../tests/helpers/members.ts";

async function makeToken(
  server: TestServer,
  t: { host: string; email: string; password: string },
  scopes: string[],
) {
  const res = await server.fetch(t.host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: t.email, password: t.password, name: "export", scopes },
  });
  return { status: res.status, body: await res.json() };
}

async function exportCount(server: TestServer, tenantId: string): Promise<number> {
  const rs = await server.services.control.execute({
    sql: "SELECT count(*) AS n FROM workspace_exports WHERE tenant_id = ?",
    args: [tenantId],
  });
  return Number(rs.rows[0]!.n);
}

Deno.test("only a token with the workspace:export scope reaches the export API", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const readAll = await makeToken(server, t, [
      "suppliers:write",
      "security:read",
      "billing:read",
    ]);
    assert.equal(readAll.status, 201, JSON.stringify(readAll.body));
    const without = clientWithToken(server, t.host, readAll.body.token);
    for (const [method, path] of [["POST", "/api/v1/exports"], ["GET", "/api/v1/exports"]]) {
      const res = await without.call(method!, path!);
      assert.equal(res.status, 403, `${method} ${path}`);
      const error = (res.body as { error: { details: Record<string, unknown> } }).error;
      assert.deepEqual(error.details, {
        reason: "missing_scope",
        missing_scopes: ["workspace:export"],
      });
    }
    assert.equal(await exportCount(server, t.tenantId), 0, "nothing was queued");

    const made = await makeToken(server, t, ["workspace:export"]);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const exporter = clientWithToken(server, t.host, made.body.token);
    const started = await exporter.ok("POST", "/api/v1/exports", undefined, 202);
    assert.equal(await exportCount(server, t.tenantId), 1);
    assert.equal((await exporter.ok("GET", "/api/v1/exports")).data[0].id, started.id);
    assert.equal((await exporter.ok("GET", `/api/v1/exports/${started.id}`)).id, started.id);
    // The export scope is not a key to anything else, nor to the workspace's deletion.
    assert.equal((await exporter.call("GET", "/api/v1/suppliers")).status, 403);
    assert.equal((await exporter.call("GET", "/api/v1/workspace/deletion")).status, 403);
  } finally {
    await server.close();
  }
});

Deno.test("a member who is not the owner cannot make a token with the workspace:export scope", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const admin = await addMember(server, t.tenantId, "admin");
    const made = await makeToken(server, { host: t.host, ...admin }, ["workspace:export"]);
    assert.equal(made.status, 422, JSON.stringify(made.body));
    assert.equal(await exportCount(server, t.tenantId), 0);
  } finally {
    await server.close();
  }
});
