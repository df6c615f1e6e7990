/**
 * @module tenants/tenant_move
 * Moves an installation's tenant databases from local files to Turso (`deno task
 * tenants:move-to-turso`, after `control:move-to-turso`): the one operation that walks every
 * tenant for it. For each tenant whose database is a local file (`tenants.db_url` null): its Turso
 * database `<TURSO_DB_PREFIX><tenant id>` is found or created through the Platform API (the
 * provider's naming), both sides are migrated, every table is copied with the control move's
 * resumable copy (tenants/table_copy.ts, progress in `_tenant_move` on the Turso database), the
 * row counts are compared, and only then is the location written on the tenant row. So an
 * interrupted run continues where it stopped, a chunk is never copied twice, and a tenant never
 * points at a copy that was not verified; a tenant already moved is skipped. Counts that differ
 * mean a write reached the local file during the move: that copy, which nothing points at, is
 * deleted, so the next run (with writes stopped) copies the tenant afresh.
 *
 * The local file is read through the local provider (decrypted with the tenant's key) and kept:
 * `removeMovedLocalFiles` (`--remove-local`) deletes it later, only for a tenant whose location is
 * recorded and whose Turso copy is marked verified, and then drops the progress table. The tenant's
 * data keys stay: they encrypt its replica files.
 */
import type { Client } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import type { LocalDatabaseProvider } from "./database_provider.ts";
import type { TursoDatabaseProvider } from "./turso_provider.ts";
import {
  type CopyReport,
  copyTables,
  isCopyFinished,
  markCopyFinished,
  type TableCount,
} from "./table_copy.ts";
import { pathExists } from "../db/files.ts";

/** The table on each tenant's Turso database that records the copy's progress. */
export const TENANT_MOVE_TABLE = "_tenant_move";

export interface TenantMoveDeps {
  /** The control database (on Turso, after the control move): tenants and their data keys. */
  control: Client;
  /** Opens the tenants' local files, encrypted at rest with their keys. */
  local: LocalDatabaseProvider;
  /** Names, creates and opens the tenants' Turso databases. */
  turso: TursoDatabaseProvider;
}

export interface TenantMoveOptions {
  /** Most rows per batch (passed to the table copy). */
  chunkRows?: number;
  /** Progress lines for the operator. */
  say?: (line: string) => void;
}

export interface TenantMoveResult {
  tenantId: string;
  slug: string;
  /** moved now; already on Turso; failed (see error: run again to continue). */
  outcome: "moved" | "already" | "failed";
  /** Continued a copy an earlier run had begun. */
  resumed?: boolean;
  tables?: TableCount[];
  error?: string;
}

interface TenantRow {
  id: string;
  slug: string;
  dbUrl: string | null;
}

/** Moves every tenant still on a local file to Turso, one after another; reports each. */
export async function moveTenantsToTurso(
  deps: TenantMoveDeps,
  options: TenantMoveOptions = {},
): Promise<TenantMoveResult[]> {
  const say = options.say ?? (() => {});
  const results: TenantMoveResult[] = [];
  for (const tenant of await allTenants(deps.control)) {
    if (tenant.dbUrl !== null) {
      results.push({ tenantId: tenant.id, slug: tenant.slug, outcome: "already" });
      continue;
    }
    try {
      const done = await moveTenant(deps, tenant, { ...options, say });
      results.push({ tenantId: tenant.id, slug: tenant.slug, outcome: "moved", ...done });
      say(`${tenant.slug}: moved to ${done.location}`);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      results.push({ tenantId: tenant.id, slug: tenant.slug, outcome: "failed", error });
      say(`${tenant.slug}: stopped: ${error}`);
    }
  }
  return results;
}

async function moveTenant(
  deps: TenantMoveDeps,
  tenant: TenantRow,
  options: TenantMoveOptions,
): Promise<{ location: string; resumed: boolean; tables: TableCount[] }> {
  const path = deps.local.pathOf(tenant.id);
  if (!await pathExists(path)) {
    throw new Error(`${path} does not exist, and no Turso location is recorded for the tenant.`);
  }
  const { platform, group } = deps.turso.options;
  const database = await platform.ensureDatabase(deps.turso.nameOf(tenant.id), group);
  const location = `libsql://${database.hostname}`;
  const source = await deps.local.open(tenant.id);
  let report: CopyReport;
  try {
    const target = await deps.turso.openPrimary(tenant.id, location);
    try {
      await migrate(source, "tenant");
      await migrate(target, "tenant");
      report = await copyTables(source, target, {
        progressTable: TENANT_MOVE_TABLE,
        targetName: `The Turso database ${database.name} of ${tenant.slug}`,
        chunkRows: options.chunkRows,
        migrations: "tenant",
        say: (line) => options.say?.(`${tenant.slug}: ${line}`),
      });
      if (report.tables.every((t) => t.source === t.target)) {
        await markCopyFinished(target, TENANT_MOVE_TABLE);
      }
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
  const wrong = report.tables.filter((t) => t.source !== t.target);
  if (wrong.length > 0) {
    // Nothing points at this copy yet: dropping it lets the next run start afresh.
    await platform.deleteDatabase(database.name);
    throw new Error(
      "Row counts differ between the local file and Turso: " +
        wrong.map((t) => `${t.table} (local ${t.source}, Turso ${t.target})`).join(", ") +
        `. Something wrote during the move. The tenant stays on its local file and its copy ` +
        `${database.name} was deleted: stop the app and the workers, then run the command again.`,
    );
  }
  // Only a verified copy becomes the tenant's location.
  await deps.control.execute({
    sql: "UPDATE tenants SET db_url = ? WHERE id = ? AND db_url IS NULL",
    args: [location, tenant.id],
  });
  return { location, resumed: report.resumed, tables: report.tables };
}

export interface RemovedLocal {
  removed: string[];
  /** Tenants whose local file was kept, and why. */
  kept: Array<{ slug: string; reason: string }>;
}

/**
 * Deletes the local file of every tenant whose Turso location is recorded and whose Turso copy
 * is marked verified, then drops the copy's progress table there (`--remove-local`).
 */
export async function removeMovedLocalFiles(deps: TenantMoveDeps): Promise<RemovedLocal> {
  const out: RemovedLocal = { removed: [], kept: [] };
  for (const tenant of await allTenants(deps.control)) {
    const path = deps.local.pathOf(tenant.id);
    if (!await pathExists(path)) continue;
    if (tenant.dbUrl === null) {
      out.kept.push({ slug: tenant.slug, reason: "not moved yet (no Turso location recorded)" });
      continue;
    }
    const target = await deps.turso.openPrimary(tenant.id, tenant.dbUrl);
    try {
      if (!await isCopyFinished(target, TENANT_MOVE_TABLE)) {
        out.kept.push({ slug: tenant.slug, reason: "its Turso copy is not marked verified" });
        continue;
      }
      for (const suffix of ["", "-wal", "-shm", "-journal"]) {
        await Deno.remove(path + suffix).catch((err) => {
          if (!(err instanceof Deno.errors.NotFound)) throw err;
        });
      }
      // Files first: a run stopped between the two finds no file and has nothing left to check.
      await target.execute(`DROP TABLE IF EXISTS ${TENANT_MOVE_TABLE}`);
      out.removed.push(tenant.slug);
    } finally {
      target.close();
    }
  }
  return out;
}

async function allTenants(control: Client): Promise<TenantRow[]> {
  const rs = await control.execute("SELECT id, slug, db_url FROM tenants ORDER BY id");
  return rs.rows.map((r) => ({
    id: String(r.id),
    slug: String(r.slug),
    dbUrl: r.db_url === null ? null : String(r.db_url),
  }));
}
