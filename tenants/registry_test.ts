import assert from "node:assert/strict";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { TenantRegistry } from "./registry.ts";

Deno.test("the host cache stays bounded however many made-up hosts are asked for", async () => {
  const dir = await Deno.makeTempDir();
  const control = await openDatabase({ url: `file:${dir}/control.db` });
  try {
    await migrate(control, "control");
    const registry = new TenantRegistry(control);
    // Each request names its own Host: a client sending a fresh name every time must not grow
    // the cache without end (it held every miss until the process ran out of memory).
    for (let i = 0; i < 12_000; i++) {
      assert.equal(await registry.lookup(`made-up-${i}.example`, null), null);
    }
    assert.ok(registry.cachedHosts <= 10_000, `${registry.cachedHosts} hosts cached`);
    // The cache still works after being trimmed.
    await registry.lookup("again.example", null);
    assert.equal(registry.cached("again.example"), null);
  } finally {
    control.close();
    await Deno.remove(dir, { recursive: true });
  }
});
