import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { DatabaseKeyError, openEncryptedDatabase } from "../db/encrypted.ts";
import { databaseKeyOf } from "../crypto/tenant_keys.ts";
import { randomKey, toBase64 } from "../crypto/keys.ts";
import { listJobs } from "../workers/queue.ts";
import { startWorker } from "../tests/helpers/documents.ts";
import type { LocalDatabaseProvider } from "./database_provider.ts";
import { ROTATE_TENANT_KEY_JOB, rotateMasterKey, rotateTenantKey } from "./key_rotation.ts";
import { runKeysCli } from "./keys_cli.ts";
import { parseConfig } from "../config.ts";
import { closeServices, createServices } from "../services.ts";

Deno.test("rotateTenantKey() re-encrypts a serving tenant: reads and writes go on, the old key no longer opens the file", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const other = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const before = await api.ok("POST", "/api/v1/customers", { name: "Before Rotation" }, 201);
    const { services } = server;
    const provider = services.provider as LocalDatabaseProvider;
    const oldKey = await databaseKeyOf(await services.tenantKeys.current(tenant.tenantId));
    const otherKey = await services.tenantKeys.current(other.tenantId);
    const storage = services.storage;
    await storage.put(`${tenant.tenantId}/oldfile`, new Uint8Array([1, 2, 3]), "x");

    // Requests keep coming while the rotation runs; none fails, none is lost.
    const during = Array.from(
      { length: 5 },
      (_, i) => api.ok("POST", "/api/v1/customers", { name: `During ${i}` }, 201),
    );
    const version = await rotateTenantKey(services, tenant.tenantId);
    await Promise.all(during);
    assert.equal(version, 2);

    const list = await api.ok("GET", "/api/v1/customers?limit=50");
    const names = list.data.map((c: { name: string }) => c.name).sort();
    assert.deepEqual(names, ["Before Rotation", ...[0, 1, 2, 3, 4].map((i) => `During ${i}`)]);
    assert.equal((await api.ok("GET", `/api/v1/customers/${before.id}`)).name, "Before Rotation");

    const path = provider.pathOf(tenant.tenantId);
    await assert.rejects(() => openEncryptedDatabase(path, oldKey), DatabaseKeyError);
    const newKey = await databaseKeyOf(await services.tenantKeys.current(tenant.tenantId));
    const direct = await openEncryptedDatabase(path, newKey);
    const n = await direct.execute("SELECT count(*) AS n FROM customers");
    direct.close();
    assert.equal(n.rows[0]?.n, 6);

    // A file written under version 1 still reads; the other tenant's key is untouched.
    assert.deepEqual(await storage.get(`${tenant.tenantId}/oldfile`), new Uint8Array([1, 2, 3]));
    assert.deepEqual(await services.tenantKeys.current(other.tenantId), otherKey);
    const lease = await services.pool.acquire(tenant.tenantId, null);
    const logged = await lease.db.execute(
      "SELECT details FROM security_events WHERE action = 'keys.rotated'",
    );
    lease.release();
    assert.equal(logged.rows.length, 1, "the rotation is in the tenant's security log");
    assert.equal(JSON.parse(String(logged.rows[0]!.details)).version, 2);
  } finally {
    await server.close();
  }
});

Deno.test("keys:rotate --tenant queues the rotation for the serving process; its job rotates", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const out = await runKeysCli(["--tenant", tenant.slug], server.services);
    assert.match(out, /rotation queued/);
    const jobs = await listJobs(server.services.control, {});
    const job = jobs.find((j) => j.kind === ROTATE_TENANT_KEY_JOB);
    assert.ok(job, "a rotation job is queued");
    assert.equal(job.tenantId, tenant.tenantId);
    assert.equal((await server.services.tenantKeys.current(tenant.tenantId)).version, 1);
    const worker = startWorker(server);
    try {
      const deadline = Date.now() + 10_000;
      const status = async () =>
        (await listJobs(server.services.control, {})).find((j) => j.id === job.id)?.status;
      while (await status() !== "done") {
        assert.ok(Date.now() < deadline, "the worker ran the rotation");
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal((await server.services.tenantKeys.all(tenant.tenantId)).length, 2);
    } finally {
      await worker.stop();
    }
    await assert.rejects(
      () => runKeysCli(["--tenant", "nobody-here"], server.services),
      /No workspace/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("rotateMasterKey() re-wraps every key under the next master key; the old one alone opens nothing", async () => {
  const oldMaster = toBase64(randomKey());
  const newMaster = toBase64(randomKey());
  const server = await startTestServer({ ENCRYPTION_MASTER_KEY: oldMaster });
  const servicesWith = (env: Record<string, string>) =>
    createServices(
      parseConfig({ DATA_DIR: server.dataDir, LOG_LEVEL: "silent", SEED_DEMO: "false", ...env }),
      { assets: server.services.assets },
    );
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    await api.ok("POST", "/api/v1/customers", { name: "Kept Across Masters" }, 201);
    await assert.rejects(() => rotateMasterKey(server.services), /ENCRYPTION_MASTER_KEY_NEXT/);

    const rotating = await servicesWith({
      ENCRYPTION_MASTER_KEY: oldMaster,
      ENCRYPTION_MASTER_KEY_NEXT: newMaster,
    });
    const result = await rotateMasterKey(rotating).finally(() => closeServices(rotating));
    assert.deepEqual({ rewrapped: result.rewrapped > 0, remaining: result.remaining }, {
      rewrapped: true,
      remaining: 0,
    });

    const after = await servicesWith({ ENCRYPTION_MASTER_KEY: newMaster });
    try {
      const lease = await after.pool.acquire(tenant.tenantId, null);
      const rs = await lease.db.execute("SELECT name FROM customers");
      lease.release();
      assert.deepEqual(rs.rows.map((r) => r.name), ["Kept Across Masters"]);
      const masters = await after.control.execute("SELECT DISTINCT master_key_id FROM tenant_keys");
      assert.deepEqual(masters.rows.map((r) => r.master_key_id), [
        after.keys.provider.currentKeyId,
      ]);
    } finally {
      await closeServices(after);
    }
    await assert.rejects(
      () => servicesWith({ ENCRYPTION_MASTER_KEY: oldMaster }),
      /not configured/,
    );
  } finally {
    await server.close();
  }
});
