import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../config.ts";
import type { Client } from "../db/client.ts";
import { DataDirBusyError, holdAppLock } from "../db/data_dir_lock.ts";
import { openControlDatabase } from "../crypto/keyring.ts";
import { databaseKeyOf, TenantKeys } from "../crypto/tenant_keys.ts";
import { openEncryptedDatabase } from "../db/encrypted.ts";
import { createStorage } from "../storage/mod.ts";
import { rotateMasterKey, rotateTenantKey } from "../tenants/key_rotation.ts";
import { closeServices, createServices } from "../services.ts";
import { randomKey, toBase64 } from "../crypto/keys.ts";
import { readRootKeyCopy } from "./backup_catalog.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import {
  signUpTenant,
  startTestServer,
  TEST_MASTER_KEY,
  type TestServer,
} from "../tests/helpers/server.ts";
import { backupStorage, CONTROL, readCatalog } from "./backup_catalog.ts";
import { runBackupChore, runBackups } from "./backups.ts";
import { restoreAll, restoreTenant, tenantDatabasePath } from "./restore.ts";

const env = { ENCRYPTION_MASTER_KEY: TEST_MASTER_KEY };

/** Every row of every table, as sorted JSON lines per table. */
async function dump(db: Client): Promise<Record<string, string[]>> {
  const tables = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const out: Record<string, string[]> = {};
  for (const t of tables.rows) {
    const name = String(t.name);
    const rs = await db.execute(`SELECT * FROM "${name.replaceAll('"', '""')}"`);
    out[name] = rs.rows.map((row) =>
      JSON.stringify(
        rs.columns.map((c) => {
          const v = row[c];
          return v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v;
        }),
      )
    ).sort();
  }
  return out;
}

async function dumpTenant(server: TestServer, tenantId: string) {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return await dump(lease.db);
  } finally {
    lease.release();
  }
}

/** Opens a data folder's databases the way the app does, to read what a restore left there. */
async function dumpFolder(dataDir: string, tenantIds: string[], master = TEST_MASTER_KEY) {
  const config = parseConfig({ DATA_DIR: dataDir, ENCRYPTION_MASTER_KEY: master });
  const { control, keys } = await openControlDatabase(config);
  try {
    const tenantKeys = new TenantKeys(control, keys.provider, () => new Date());
    const tenants: Record<string, Record<string, string[]>> = {};
    for (const id of tenantIds) {
      const db = await openEncryptedDatabase(
        tenantDatabasePath(dataDir, id),
        await databaseKeyOf(await tenantKeys.current(id)),
      );
      try {
        tenants[id] = await dump(db);
      } finally {
        db.close();
      }
    }
    return { control: await dump(control), tenants };
  } finally {
    control.close();
  }
}

Deno.test("restoreAll() brings back every row of the control and tenant databases into a fresh folder, after a key rotation, and the restored workspace serves", async () => {
  const dirA = await Deno.makeTempDir({ prefix: "pm-backup-a-" });
  const dirB = await Deno.makeTempDir({ prefix: "pm-backup-b-" });
  const a = await startTestServer({ ...env, DATA_DIR: dirA });
  let b: TestServer | null = null;
  try {
    const t1 = await signUpTenant(a);
    const t2 = await signUpTenant(a);
    const api1 = await apiClient(a, t1);
    const kept = await seedOneOfEach(api1, "Kept");
    await seedOneOfEach(await apiClient(a, t2), "Other");
    const before = {
      control: await dump(a.services.control),
      tenants: {
        [t1.tenantId]: await dumpTenant(a, t1.tenantId),
        [t2.tenantId]: await dumpTenant(a, t2.tenantId),
      },
    };
    const taken = await runBackups(a.services);
    assert.deepEqual(taken.map((t) => t.db).sort(), [CONTROL, t1.tenantId, t2.tenantId].sort());

    // After the backup: the tenant's key is rotated, a record deleted, another created.
    await rotateTenantKey(a.services, t1.tenantId);
    const gone = await api1.call("DELETE", `/api/v1/contacts/${kept.contacts.id}`);
    assert.ok(gone.status < 300, `delete: ${gone.status}`);
    const late = await api1.ok("POST", "/api/v1/suppliers", { name: "Late Packing" }, 201);
    assert.notDeepEqual(await dumpTenant(a, t1.tenantId), before.tenants[t1.tenantId]);

    const from = backupStorage(a.services.storage);
    const report = await restoreAll({ config: parseConfig({ ...env, DATA_DIR: dirB }), from });
    assert.equal(report.restored.length, 3);
    assert.deepEqual(report.missing, []);

    const after = await dumpFolder(dirB, [t1.tenantId, t2.tenantId]);
    assert.deepEqual(after.control, before.control, "every control row as backed up");
    assert.deepEqual(after.tenants, before.tenants, "every tenant row as backed up");

    // The restored folder serves: the token made before the backup still works there.
    b = await startTestServer({ ...env, DATA_DIR: dirB });
    const res = await b.fetch(t1.host, "/api/v1/suppliers", {
      headers: { authorization: `Bearer ${api1.token}` },
    });
    assert.equal(res.status, 200);
    const ids = (await res.json()).data.map((s: { id: string }) => s.id);
    assert.ok(ids.includes(kept.suppliers.id), "the record of the backup is there");
    assert.ok(!ids.includes(late.id), "the record made after the backup is not");
  } finally {
    await b?.close();
    await a.close();
    await Deno.remove(dirA, { recursive: true }).catch(() => {});
    await Deno.remove(dirB, { recursive: true }).catch(() => {});
  }
});

Deno.test("restoreTenant() refuses while the app holds the data folder, then restores in place under the tenant's rotated key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-backup-" });
  let server: TestServer | null = await startTestServer({ ...env, DATA_DIR: dir });
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const api = await apiClient(server, t);
    const kept = await api.ok("POST", "/api/v1/suppliers", { name: "Kept Packing" }, 201);
    const backedUp = await dumpTenant(server, t.tenantId);
    await runBackups(server.services);
    const version = await rotateTenantKey(server.services, t.tenantId);
    const late = await api.ok("POST", "/api/v1/suppliers", { name: "Late Packing" }, 201);
    const otherApi = await apiClient(server, other);
    const otherLate = await otherApi.ok("POST", "/api/v1/suppliers", { name: "Theirs" }, 201);
    await server.close();
    server = null;

    const config = parseConfig({ ...env, DATA_DIR: dir });
    const from = backupStorage(createStorage(config));
    const path = tenantDatabasePath(dir, t.tenantId);
    const untouched = await Deno.readFile(path);
    const running = await holdAppLock(dir); // as a running app or worker holds it
    try {
      await assert.rejects(() => restoreTenant({ config, from }, t.slug), DataDirBusyError);
    } finally {
      running.close();
    }
    assert.deepEqual(await Deno.readFile(path), untouched, "nothing replaced while refused");

    const done = await restoreTenant({ config, from }, t.slug);
    assert.equal(done.db, t.tenantId);

    server = await startTestServer({ ...env, DATA_DIR: dir });
    assert.equal((await server.services.tenantKeys.current(t.tenantId)).version, version);
    assert.deepEqual(await dumpTenant(server, t.tenantId), backedUp);
    const res = await server.fetch(t.host, "/api/v1/suppliers", {
      headers: { authorization: `Bearer ${api.token}` },
    });
    const ids = (await res.json()).data.map((s: { id: string }) => s.id);
    assert.ok(ids.includes(kept.id) && !ids.includes(late.id));
    // The other workspace was not part of it: its later record is still there.
    const theirs = await server.fetch(other.host, "/api/v1/suppliers", {
      headers: { authorization: `Bearer ${otherApi.token}` },
    });
    assert.ok((await theirs.json()).data.some((s: { id: string }) => s.id === otherLate.id));
    assert.ok(await Deno.stat(join(dir, "files", "backups", "control", "catalog")));
    assert.equal((await readCatalog(from, t.tenantId)).length, 1);
  } finally {
    await server?.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("a backup taken before a master-key rotation restores into a fresh folder with the new master key alone", async () => {
  const dirA = await Deno.makeTempDir({ prefix: "pm-backup-a-" });
  const dirB = await Deno.makeTempDir({ prefix: "pm-backup-b-" });
  const newMaster = toBase64(randomKey());
  const a = await startTestServer({ ...env, DATA_DIR: dirA });
  try {
    const t = await signUpTenant(a);
    await seedOneOfEach(await apiClient(a, t), "Masters");
    const before = {
      control: await dump(a.services.control),
      tenants: { [t.tenantId]: await dumpTenant(a, t.tenantId) },
    };
    await runBackups(a.services);
    const originalKeys = await a.services.tenantKeys.all(t.tenantId);

    const rotating = await createServices(
      parseConfig({
        DATA_DIR: dirA,
        LOG_LEVEL: "silent",
        SEED_DEMO: "false",
        ENCRYPTION_MASTER_KEY: TEST_MASTER_KEY,
        ENCRYPTION_MASTER_KEY_NEXT: newMaster,
      }),
      { assets: a.services.assets },
    );
    try {
      assert.equal((await rotateMasterKey(rotating)).remaining, 0);
      // The next chore check is not a run, but it refreshes the stored copy of control.key.
      assert.deepEqual(await runBackupChore(rotating), []);
    } finally {
      await closeServices(rotating);
    }
    const from = backupStorage(a.services.storage);
    assert.equal(
      await readRootKeyCopy(from),
      (await Deno.readTextFile(join(dirA, "control.key"))).trim(),
    );

    const config = parseConfig({ DATA_DIR: dirB, ENCRYPTION_MASTER_KEY: newMaster });
    await restoreAll({ config, from });
    const after = await dumpFolder(dirB, [t.tenantId], newMaster);
    // tenant_keys rows are wrapped anew under the new master key; everything else is as it was.
    delete after.control.tenant_keys;
    delete before.control.tenant_keys;
    assert.deepEqual(after, before);
    const { control, keys } = await openControlDatabase(config);
    try {
      assert.equal(keys.provider.keyIds.length, 1, "the new master key alone");
      const restoredKeys = await new TenantKeys(control, keys.provider, () => new Date())
        .all(t.tenantId);
      assert.deepEqual(restoredKeys, originalKeys, "the same data keys (files stay readable)");
    } finally {
      control.close();
    }
  } finally {
    await a.close();
    await Deno.remove(dirA, { recursive: true }).catch(() => {});
    await Deno.remove(dirB, { recursive: true }).catch(() => {});
  }
});
