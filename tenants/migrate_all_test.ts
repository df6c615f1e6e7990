import assert from "node:assert/strict";
import { startTestServer } from "../tests/helpers/server.ts";
import { migrateAllTenants } from "./migrate_all.ts";
import { latestVersion, schemaVersion } from "../db/migrate.ts";
import { newId } from "../db/ids.ts";

Deno.test("migrateAllTenants() migrates every tenant, reports progress, and resumes after an interruption", async () => {
  const server = await startTestServer();
  try {
    const { services } = server;
    const now = new Date().toISOString();
    const ids = Array.from({ length: 12 }, () => newId());
    for (const [i, id] of ids.entries()) {
      await services.provider.create(id);
      await services.control.execute({
        sql: "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        args: [id, `empty-${i}`, `Empty ${i}`, now, now],
      });
    }
    const abort = new AbortController();
    const seen: number[] = [];
    const first = await migrateAllTenants(services, {
      concurrency: 1,
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done === 5) abort.abort(); // Ctrl-C after five tenants
      },
    });
    assert.equal(first.done, 5);
    assert.equal(first.migrated, 5);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);

    const second = await migrateAllTenants(services, { concurrency: 3 });
    assert.equal(second.done, 12);
    assert.equal(second.migrated, 7, "the five done before are skipped");
    assert.deepEqual(second.failed, []);
    for (const id of ids) {
      const db = await services.provider.open(id, null);
      assert.equal(await schemaVersion(db), await latestVersion("tenant"));
      db.close();
    }
  } finally {
    await server.close();
  }
});
