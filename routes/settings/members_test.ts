import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { ownerAdminBroker, rolesOf, type Session } from "../../tests/helpers/members.ts";

async function membersPage(server: TestServer, s: Session): Promise<string> {
  const res = await server.fetch(s.host, "/settings/members", {
    headers: { cookie: s.jar.header(s.host) },
  });
  assert.equal(res.status, 200);
  return await res.text();
}

/** The options of the select with `id`, or null when the page has no such select. */
function optionsOf(html: string, id: string): string[] | null {
  const select = new RegExp(`<select id="${id}"[^>]*>(.*?)</select>`, "s").exec(html);
  if (!select) return null;
  return [...select[1]!.matchAll(/<option[^>]*value="([^"]+)"/g)].map((m) => m[1]!);
}

Deno.test("the members page offers only the roles the current member may grant", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const { owner, adminUser, admin, broker } = await ownerAdminBroker(server, t);
    const all = ["owner", "admin", "broker", "accounting", "viewer"];
    const invitable = ["admin", "broker", "accounting", "viewer"];

    // An owner may make anyone owner; no one invites an owner (the invitation schema refuses it).
    const ownerPage = await membersPage(server, owner);
    assert.deepEqual(optionsOf(ownerPage, `role-${broker.userId}`), all);
    assert.deepEqual(optionsOf(ownerPage, `role-${adminUser.userId}`), all);
    assert.deepEqual(optionsOf(ownerPage, "invite-role"), invitable);
    assert.match(ownerPage, new RegExp(`action="/settings/members/${broker.userId}/remove"`));

    // An admin is not offered owner, and has no controls at all for an owner.
    const adminPage = await membersPage(server, admin);
    assert.deepEqual(optionsOf(adminPage, `role-${broker.userId}`), invitable);
    assert.deepEqual(optionsOf(adminPage, "invite-role"), invitable);
    assert.equal(optionsOf(adminPage, `role-${t.userId}`), null, "no role select for the owner");
    assert.doesNotMatch(adminPage, new RegExp(`/settings/members/${t.userId}/`));
    assert.match(adminPage, new RegExp(`action="/settings/members/${broker.userId}/remove"`));

    // What the page no longer offers, the server refuses.
    const post = async (s: Session, path: string, body: Record<string, string>) => {
      const res = await server.fetch(s.host, path, {
        method: "POST",
        headers: {
          cookie: s.jar.header(s.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: s.csrf, ...body }).toString(),
      });
      await res.body?.cancel();
      return res.status;
    };
    assert.equal(
      await post(admin, `/settings/members/${broker.userId}/role`, { role: "owner" }),
      403,
    );
    assert.equal(await post(admin, `/settings/members/${t.userId}/role`, { role: "viewer" }), 403);
    assert.equal(
      await post(admin, `/settings/members/${broker.userId}/role`, { role: "viewer" }),
      303,
    );
    assert.deepEqual(
      await rolesOf(server, t.tenantId),
      { [t.userId]: "owner", [adminUser.userId]: "admin", [broker.userId]: "viewer" },
    );
  } finally {
    await server.close();
  }
});
