import assert from "node:assert/strict";
import { closedLoopBound, provisionMixedTenants, runMixedLoad } from "./mixed_load.ts";
import { startTestServer } from "../tests/helpers/server.ts";

Deno.test("Little's law: 50 connections flat out at 1,000 req/s spend 50 ms per request, and a 25 ms p99 needs at least 2,000 req/s", () => {
  const bound = closedLoopBound(50, { requestsPerSecond: 1_000, p99Ms: 100 }, 25);
  assert.equal(bound.meanMs, 50);
  assert.equal(bound.tailRatio, 2);
  assert.equal(bound.necessaryRps, 2_000);
  assert.equal(bound.atThisShapeRps, 4_000, "at p99 = 2x the mean, the mean must be 12.5 ms");
});

Deno.test("Little's law: a run that already meets the target needs no more throughput at its shape", () => {
  const bound = closedLoopBound(50, { requestsPerSecond: 5_000, p99Ms: 20 }, 25);
  assert.equal(bound.meanMs, 10);
  assert.ok(bound.atThisShapeRps <= 5_000);
});

Deno.test("the mix's wrk script gets only 2xx answers and its PATCHes keep landing, each with the version the server holds", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000000",
    RATE_LIMIT_PER_TENANT: "100000000",
  });
  try {
    const tenants = await provisionMixedTenants(server.port, 2, { runs: 1, prefix: "wrk" });
    const result = await runMixedLoad(server.port, tenants, {
      run: 0,
      seconds: 3,
      connections: 12,
    });
    assert.ok(result.requests > 200, `${result.requests} requests`);
    assert.equal(result.non2xx, 0, "no answer but 2xx");
    // Each tenant's update target took PATCHes: its version went past 1 (a stale version is a 409).
    let patched = 0;
    for (const t of tenants) {
      const res = await server.fetch(t.host, `/api/v1/purchase-orders/${t.updateTargets[0]}`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      assert.equal(res.status, 200);
      patched += (await res.json()).version - 1;
    }
    // More than one per tenant: a second PATCH lands only with the version read from the first.
    assert.ok(patched > tenants.length, `${patched} PATCHes landed`);
  } finally {
    await server.close();
  }
});
