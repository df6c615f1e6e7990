import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { markChanged } from "../domain/records/changes.ts";

Deno.test("a configuration change made through another process reaches this process's pages within a second", async () => {
  const server = await startTestServer();
  // A second app on the same data folder: its own pool, connections and read cache, as another
  // process or machine has.
  const other = await startTestServer({ DATA_DIR: server.dataDir });
  try {
    const tenant = await signUpTenant(server);
    const themeOfHome = async () => {
      const res = await server.fetch(tenant.host, "/", {
        headers: { cookie: tenant.jar.header(tenant.host) },
      });
      const html = await res.text();
      return {
        link: /href="(\/theme\/\d+\.css)"/.exec(html)?.[1],
        product: /class="product-name">([^<]*)</.exec(html)?.[1],
      };
    };
    assert.equal((await themeOfHome()).link, "/theme/0.css");
    assert.equal((await themeOfHome()).link, "/theme/0.css"); // now from the cache

    const api = await apiClient(other, tenant);
    const res = await api.call("PUT", "/api/v1/config", {
      branding: { product_name: "Prairie Desk" },
    }, { "if-match": '"0"' });
    assert.equal(res.status, 200);
    const applied = performance.now();
    let seen = await themeOfHome();
    while (seen.link !== "/theme/1.css" && performance.now() - applied < 1000) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await themeOfHome();
    }
    assert.deepEqual(seen, { link: "/theme/1.css", product: "Prairie Desk" }, "within a second");
  } finally {
    await other.close();
    await server.close();
  }
});

Deno.test("a stored configuration that no longer reads leaves the pages up in the built-in look, and a rollback repairs it", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const name = { branding: { product_name: "Prairie Desk" } };
    assert.equal(
      (await api.call("PUT", "/api/v1/config", name, { "if-match": '"0"' })).status,
      200,
    );
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      await inWriteTransaction(lease.db, async (tx) => {
        await tx.execute(`UPDATE configuration SET document = '{"branding":{"font":"Papyrus"}}'`);
        await markChanged(tx);
      });
    } finally {
      lease.release();
    }
    const res = await server.fetch(tenant.host, "/", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.doesNotMatch(html, /\/theme\/|Prairie Desk/);
    assert.match(html, /class="product-name">ProjectMeats</);
    // An admin repairs it by rolling back (or replacing it): the stored document is not in the way.
    assert.equal((await api.call("POST", "/api/v1/config/rollback", { version: 1 })).status, 200);
    const repaired = await server.fetch(tenant.host, "/", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    assert.match(await repaired.text(), /class="product-name">Prairie Desk</);
  } finally {
    await server.close();
  }
});
