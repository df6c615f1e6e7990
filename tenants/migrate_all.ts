/**
 * @module tenants/migrate_all
 * Brings every tenant database to the newest schema: the one operation that walks all tenants.
 * Each migration is recorded in its tenant's own database as it completes, so an interrupted run
 * (Ctrl-C, a deploy) simply resumes on the next run, skipping what is done.
 */
import { latestVersion, migrate, schemaVersion } from "../db/migrate.ts";
import type { Services } from "../services.ts";

export interface MigrateProgress {
  done: number;
  total: number;
  migrated: number;
  failed: Array<{ tenantId: string; slug: string; error: string }>;
}

/** Migrates every tenant, `concurrency` at a time; reports progress after each tenant. */
export async function migrateAllTenants(
  services: Services,
  opts: { concurrency?: number; signal?: AbortSignal; onProgress?: (p: MigrateProgress) => void } =
    {},
): Promise<MigrateProgress> {
  const tenants = await services.registry.allTenants();
  const target = await latestVersion("tenant");
  const progress: MigrateProgress = { done: 0, total: tenants.length, migrated: 0, failed: [] };
  let next = 0;
  const worker = async () => {
    while (next < tenants.length && !opts.signal?.aborted) {
      const tenant = tenants[next++]!;
      // Open directly (not through the pool) so a migration run never evicts live tenants.
      const db = await services.provider.open(tenant.id, tenant.dbUrl).catch((err) => {
        progress.failed.push({ tenantId: tenant.id, slug: tenant.slug, error: String(err) });
        return null;
      });
      if (db) {
        try {
          if (await schemaVersion(db) < target) {
            await migrate(db, "tenant");
            progress.migrated++;
          }
        } catch (err) {
          progress.failed.push({ tenantId: tenant.id, slug: tenant.slug, error: String(err) });
        } finally {
          db.close();
        }
      }
      progress.done++;
      opts.onProgress?.(progress);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return progress;
}
