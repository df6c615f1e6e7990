import assert from "node:assert/strict";
import { join } from "node:path";
import { FixedClock } from "../domain/clock.ts";
import { purgeWorkspace } from "../data_rights/purge.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { workerOptions } from "../workers/handlers.ts";
import { backupStorage, CONTROL, readCatalog } from "./backup_catalog.ts";
import { BACKUP_CHECK_EVERY_MS, backupsEnabled, runBackupChore, runBackups } from "./backups.ts";

const HOUR = 3_600_000;
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("runBackupChore() runs once the last backup is BACKUP_INTERVAL_HOURS old, and retention drops copies older than BACKUP_RETENTION_DAYS but the newest", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer(
    { BACKUP_INTERVAL_HOURS: "24", BACKUP_RETENTION_DAYS: "2" },
    { clock },
  );
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    await api.ok("POST", "/api/v1/suppliers", { name: "Plaintextcheck Packing" }, 201);
    const storage = backupStorage(server.services.storage);
    const first = await runBackupChore(server.services);
    assert.deepEqual(first.map((e) => e.db).sort(), [CONTROL, t.tenantId].sort());
    assert.deepEqual(await runBackupChore(server.services), [], "not due again at once");
    clock.advance(23 * HOUR);
    assert.deepEqual(await runBackupChore(server.services), [], "not due before the interval");
    clock.advance(HOUR);
    assert.equal((await runBackupChore(server.services)).length, 2);
    assert.equal((await readCatalog(storage, t.tenantId)).length, 2);

    // The copy is encrypted: no SQLite header, no record's text.
    const copy = first.find((e) => e.db === t.tenantId)!;
    const copyPath = join(server.dataDir, "files", "backups", t.tenantId, copy.id);
    const bytes = await Deno.readFile(copyPath);
    const text = new TextDecoder("latin1").decode(bytes);
    assert.ok(!text.startsWith("SQLite format 3") && !text.includes("Plaintextcheck"));

    clock.advance(72 * HOUR);
    const third = await runBackupChore(server.services);
    const kept = await readCatalog(storage, t.tenantId);
    assert.deepEqual(kept.map((e) => e.id), [third.find((e) => e.db === t.tenantId)!.id]);
    assert.equal((await readCatalog(storage, CONTROL)).length, 1);
    assert.ok(!(await exists(copyPath)), "the expired copy is deleted");
  } finally {
    await server.close();
  }
});

Deno.test("purgeWorkspace() deletes the workspace's backups and leaves another workspace's", async () => {
  const server = await startTestServer();
  try {
    const gone = await signUpTenant(server);
    const stays = await signUpTenant(server);
    await runBackups(server.services);
    const storage = backupStorage(server.services.storage);
    assert.equal((await readCatalog(storage, gone.tenantId)).length, 1);
    await purgeWorkspace(server.services, gone.tenantId);
    assert.deepEqual(await readCatalog(storage, gone.tenantId), []);
    const root = join(server.dataDir, "files", "backups");
    assert.ok(!(await exists(join(root, gone.tenantId))), "no folder names the workspace");
    assert.equal((await readCatalog(storage, stays.tenantId)).length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("BACKUP_INTERVAL_HOURS=0 turns the backup chore off", async () => {
  const server = await startTestServer({ BACKUP_INTERVAL_HOURS: "0" });
  try {
    assert.equal(backupsEnabled(server.services), false);
    const chores = workerOptions(server.services).periodic ?? [];
    assert.ok(!chores.some((c) => c.everyMs === BACKUP_CHECK_EVERY_MS));
    assert.deepEqual(await runBackupChore(server.services), []);
  } finally {
    await server.close();
  }
});
