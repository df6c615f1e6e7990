import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { addMember, signIn } from "../../tests/helpers/members.ts";
import type { Role } from "../../auth/roles.ts";

const JOBS_TAB = /<a href="\/settings\/jobs"/;

Deno.test("the Jobs settings tab shows only to the roles the jobs page lets in", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const expected: Record<Role, boolean> = {
      owner: true,
      admin: true,
      broker: false,
      accounting: false,
      viewer: false,
    };
    for (const [role, allowed] of Object.entries(expected) as [Role, boolean][]) {
      const m = role === "owner" ? t : await addMember(server, t.tenantId, role);
      const s = await signIn(server, t.host, m.email, m.password);
      const headers = { cookie: s.jar.header(s.host) };
      for (const path of ["/settings/profile", "/settings/members", "/settings/billing"]) {
        const res = await server.fetch(t.host, path, { headers });
        assert.equal(res.status, 200, `${role} ${path}`);
        const html = await res.text();
        assert.equal(JOBS_TAB.test(html), allowed, `${role} sees the Jobs tab on ${path}`);
        assert.match(html, /<a href="\/settings\/tokens"/, "the other tabs stay");
      }
      const jobs = await server.fetch(t.host, "/settings/jobs", { headers });
      await jobs.body?.cancel();
      assert.equal(jobs.status, allowed ? 200 : 403, `${role} opens /settings/jobs`);
    }
  } finally {
    await server.close();
  }
});
