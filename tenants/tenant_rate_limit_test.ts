import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

Deno.test("anonymous requests cannot use up a workspace's rate limit; its members' requests still count", async () => {
  // Five requests a minute per workspace; the per-IP limit (600) is far away.
  const server = await startTestServer({ RATE_LIMIT_PER_TENANT: "5" });
  try {
    const t = await signUpTenant(server, "besieged");
    const owner = await apiClient(server, t);
    // An outsider (here, one address; in the attack, a handful) asks for the sign-in page and
    // sends made-up session cookies: before, these used up the workspace's allowance and every
    // member was answered 429 until the window ended.
    for (let i = 0; i < 12; i++) {
      const res = await server.fetch(t.host, "/login", {
        headers: i % 2 ? { cookie: `pm_session=${"x".repeat(40)}${i}` } : {},
      });
      assert.equal(res.status, 200, `anonymous request ${i}`);
      await res.body?.cancel();
    }
    // The member is not locked out by them.
    assert.equal((await owner.call("GET", "/api/v1/me")).status, 200);
    // The member's own calls are the ones the workspace's limit counts.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await owner.call("GET", "/api/v1/me");
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers.get("retry-after")) >= 1);
    }
    assert.ok(statuses.includes(429), `members' calls: ${statuses.join(", ")}`);
    assert.equal(statuses.at(-1), 429);
  } finally {
    await server.close();
  }
});
