import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";

Deno.test("BillingRuntime.cached() answers only what current() cached, while fresh and not invalidated", async () => {
  const server = await startTestServer();
  try {
    const { services } = server;
    const tenant = await signUpTenant(server);
    const other = await signUpTenant(server);
    const billing = services.billing;
    billing.invalidate();
    assert.equal(billing.cached(tenant.tenantId), undefined, "nothing before a load");

    const loaded = await billing.current(services, tenant.tenantId);
    assert.ok(loaded);
    assert.equal(billing.cached(tenant.tenantId), loaded, "the loaded billing, not a copy");
    assert.equal(billing.cached(other.tenantId), undefined, "another tenant's is not loaded");
    // Stale once its time is up: the request path then loads it again.
    assert.equal(billing.cached(tenant.tenantId, Date.now() + billing.ttlMs + 1), undefined);

    billing.invalidate(tenant.tenantId);
    assert.equal(
      billing.cached(tenant.tenantId),
      undefined,
      "a change in billing drops it at once",
    );
    // A tenant that does not exist is never cached.
    assert.equal(await billing.current(services, "no-such-tenant"), null);
    assert.equal(billing.cached("no-such-tenant"), undefined);
  } finally {
    await server.close();
  }
});
