import assert from "node:assert/strict";
import { startTestServer } from "../tests/helpers/server.ts";

Deno.test("behind the proxy the client address is Fly-Client-IP only: a made-up X-Forwarded-For gets no fresh rate limit", async () => {
  const server = await startTestServer({ TRUST_PROXY: "true", RATE_LIMIT_PER_IP: "3" });
  try {
    // A caller that reaches the app without Fly's proxy (another machine on the private network)
    // sends no Fly-Client-IP; a new X-Forwarded-For each time made it a new client each time,
    // past the per-IP limit, the sign-in throttle and a token's IP allow-list.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await server.fetch("localhost", "/login", {
        headers: { "x-forwarded-for": `203.0.113.${i + 1}` },
      });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    // Fly's own header still names the client (each address its own limit).
    const fly = await server.fetch("localhost", "/login", {
      headers: { "fly-client-ip": "198.51.100.7" },
    });
    assert.equal(fly.status, 200);
    await fly.body?.cancel();
  } finally {
    await server.close();
  }
});
