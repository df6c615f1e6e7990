import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { openDatabase } from "../db/client.ts";
import { databaseKeyOf } from "../crypto/tenant_keys.ts";
import { newId } from "../db/ids.ts";
import { markChanged, VERSION_TTL_MS } from "./records/changes.ts";
import { ReadCache } from "./read_cache.ts";
import type { Executor } from "../db/transaction.ts";

Deno.test("cached reads (dashboard, lists, search) change as soon as any record changes", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const openPos = async () => {
      const res = await server.fetch(tenant.host, "/", {
        headers: { authorization: `Bearer ${api.token}` },
      });
      const html = await res.text();
      return Number(/id="open-pos">[^<]*<\/h2><p class="stat">(\d+)</.exec(html)?.[1]);
    };
    assert.equal(await openPos(), 0);
    assert.equal(await openPos(), 0); // served from the cache
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Cache Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      status: "approved",
    }, 201);
    assert.equal(await openPos(), 1);
    await api.ok("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      version: po.version,
      status: "delivered",
    });
    assert.equal(await openPos(), 0);

    // Lists and search answer from the cache until something changes, then show the change.
    const names = async () =>
      (await api.ok("GET", "/api/v1/suppliers?sort=name")).data.map((s: { name: string }) =>
        s.name
      );
    const found = async (q: string) => (await api.ok("GET", `/api/v1/search?q=${q}`)).data.length;
    assert.deepEqual(await names(), ["Cache Packers"]);
    assert.equal(await found("Zebra"), 0);
    await api.ok("POST", "/api/v1/suppliers", { name: "Zebra Meats" }, 201);
    assert.deepEqual(await names(), ["Cache Packers", "Zebra Meats"]);
    assert.equal(await found("Zebra"), 1);
    const current = await api.ok("GET", `/api/v1/suppliers/${supplier.id}`);
    await api.ok("PATCH", `/api/v1/suppliers/${supplier.id}`, {
      version: current.version,
      name: "Aardvark",
    });
    assert.deepEqual(await names(), ["Aardvark", "Zebra Meats"]);

    // A write by another process (its own connection to the tenant's file) bumps the counter in
    // the database: this process sees it once its last reading of the counter is older than
    // VERSION_TTL_MS.
    const other = await openDatabase({
      url: `file:${server.dataDir}/tenants/${tenant.tenantId}.db`,
      // The file is encrypted at rest with the tenant's own key, as the other process holds it.
      encryptionKey: await databaseKeyOf(await server.services.tenantKeys.current(tenant.tenantId)),
    });
    try {
      const tx = await other.transaction("write");
      const now = new Date().toISOString();
      await tx.execute({
        sql:
          "INSERT INTO suppliers (id, name, version, created_at, updated_at) VALUES (?, 'Yak Foods', 1, ?, ?)",
        args: [newId(), now, now],
      });
      await markChanged(tx);
      await tx.commit();
      tx.close();
    } finally {
      other.close();
    }
    await new Promise((r) => setTimeout(r, VERSION_TTL_MS + 50));
    assert.deepEqual(await names(), ["Aardvark", "Yak Foods", "Zebra Meats"]);
  } finally {
    await server.close();
  }
});

Deno.test("a cached value is kept as one flat string, not the rope of pieces its render built", async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc, "run with --v8-flags=--expose-gc (deno task test does)");
  const db = { execute: () => Promise.resolve({ rows: [{ next: 1 }] }) } as unknown as Executor;
  const cache = new ReadCache();
  const rope = (i: number) => {
    let s = "";
    for (let k = 0; k < 300; k++) s += `<td>${i}-${k}</td>`;
    return s;
  };
  let chars = 0;
  gc();
  const before = Deno.memoryUsage().heapUsed;
  for (let i = 0; i < 1000; i++) {
    chars += (await cache.read(db, `t${i}`, "page", () => Promise.resolve(rope(i)))).length;
  }
  gc();
  gc();
  const perChar = (Deno.memoryUsage().heapUsed - before) / chars;
  // Flat: a byte per character and the entry. As a rope: a node and a string header per piece too.
  assert.ok(perChar < 2, `${perChar.toFixed(2)} bytes of heap per cached character`);
  assert.equal(cache.misses, 1000);
});
