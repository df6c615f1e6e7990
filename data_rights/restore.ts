/**
 * @module data_rights/restore
 * Restores a workspace archive into a NEW workspace, never over one with data:
 *
 * - `restoreNewWorkspace` (the operators' `deno task workspace:restore`): creates the workspace
 *   under a new slug, fills its database and files from the archive, then writes its control rows,
 *   giving back the memberships of archived members who have an account here;
 * - `restoreIntoEmptyWorkspace` (Settings → Your data of a new workspace): refused once the
 *   workspace holds a record, a document or a change in its history.
 *
 * Both verify the whole archive against its manifest first; a damaged or foreign archive is refused
 * before anything is written.
 */
import { newId } from "../db/ids.ts";
import { ConflictError, fieldErrors, InvalidError } from "../domain/errors.ts";
import { findUserByEmail } from "../auth/users.ts";
import { SlugSchema } from "../tenants/signup_schema.ts";
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import {
  ARCHIVE_LIMITS,
  type ArchiveLimits,
  type ArchiveSource,
  verifyArchive,
} from "./archive_reader.ts";
import { type RestoreCounts, restoreDatabase } from "./restore_database.ts";

export interface RestoreResult {
  tenantId: string;
  slug: string;
  counts: RestoreCounts;
  /** Archived members given their membership back (they have an account here). */
  restoredMembers: string[];
  /** Archived members without an account here: invite them again. */
  missingMembers: string[];
}

const ROLES = new Set(["owner", "admin", "broker", "accounting", "viewer"]);

/** Creates workspace `slug` from the archive (see the module header). */
export async function restoreNewWorkspace(
  services: Services,
  source: ArchiveSource,
  options: { slug: string; ownerEmail?: string; limits?: ArchiveLimits },
): Promise<RestoreResult> {
  const limits = options.limits ?? ARCHIVE_LIMITS;
  const parsedSlug = SlugSchema.safeParse(options.slug);
  if (!parsedSlug.success) {
    throw new InvalidError("Choose another address.", fieldErrors(parsedSlug.error.issues), 422);
  }
  const slug = parsedSlug.data;
  const { control, provider, pool, registry } = services;
  const taken = await control.execute({
    sql: "SELECT 1 FROM tenants WHERE slug = ?",
    args: [slug],
  });
  if (taken.rows.length) throw new ConflictError(`The address ${slug} is taken. Choose another.`);

  const archive = await verifyArchive(source, limits);
  const members: Array<{ userId: string; email: string; role: string }> = [];
  const missing: string[] = [];
  for (const m of archive.facts.members) {
    const user = await findUserByEmail(control, m.email);
    if (user && ROLES.has(m.role)) {
      members.push({ userId: user.id, email: user.email, role: m.role });
    } else missing.push(m.email);
  }
  if (options.ownerEmail) {
    const owner = await findUserByEmail(control, options.ownerEmail);
    if (!owner) {
      throw new InvalidError(
        `There is no account for ${options.ownerEmail} here. Sign it up first, or name another owner.`,
      );
    }
    const found = members.find((m) => m.userId === owner.id);
    if (found) found.role = "owner";
    else members.push({ userId: owner.id, email: owner.email, role: "owner" });
  }
  if (!members.some((m) => m.role === "owner")) {
    throw new InvalidError(
      "None of the archive's owners has an account here: name one with --owner <e-mail>.",
    );
  }

  const tenantId = newId();
  const storage = services.storage;
  const location = await provider.create(tenantId);
  let counts: RestoreCounts;
  try {
    const lease = await pool.acquire(tenantId, location);
    try {
      counts = await restoreDatabase({ tenantId, db: lease.db, storage }, source, archive, limits);
    } finally {
      lease.release();
    }
    const now = services.clock.now().toISOString();
    await control.batch([
      {
        sql:
          `INSERT INTO tenants (id, slug, name, status, db_url, time_zone, created_at, updated_at)
              VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`,
        args: [tenantId, slug, archive.facts.name, location, archive.facts.time_zone, now, now],
      },
      ...members.map((m) => ({
        sql: "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
        args: [tenantId, m.userId, m.role, now],
      })),
    ], "write");
  } catch (err) {
    await discardWorkspace(services, tenantId, location);
    throw err;
  }
  registry.invalidate();
  return {
    tenantId,
    slug,
    counts,
    restoredMembers: members.map((m) => m.email),
    missingMembers: missing,
  };
}

/** Undoes a restore that failed after its database was made: files, database, pool entry. */
async function discardWorkspace(services: Services, tenantId: string, location: string | null) {
  const storage = services.storage;
  try {
    const lease = await services.pool.acquire(tenantId, location);
    try {
      const docs = await lease.db.execute("SELECT storage_key FROM documents");
      for (const r of docs.rows) await storage.delete(String(r.storage_key));
    } finally {
      lease.release();
    }
  } catch { /* the database never became usable: it holds no file keys */ }
  await services.pool.forget(tenantId);
  await services.provider.destroy(tenantId, location).catch((err) =>
    services.log.error("restore cleanup failed", { tenant_id: tenantId, error: String(err) })
  );
}

/** Whether the workspace holds anything of its own: a record, a document, a change in history. */
export async function workspaceHasRecords(db: Client): Promise<boolean> {
  const rs = await db.execute(
    `SELECT (SELECT COUNT(*) FROM search_docs) + (SELECT COUNT(*) FROM documents)
          + (SELECT COUNT(*) FROM audit_log) AS n`,
  );
  return Number(rs.rows[0]?.n ?? 0) > 0;
}

/** Restores the archive into the (empty) workspace of this request. */
export async function restoreIntoEmptyWorkspace(
  services: Services,
  tenant: { id: string; db: Client },
  source: ArchiveSource,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<Omit<RestoreResult, "slug" | "restoredMembers">> {
  if (await workspaceHasRecords(tenant.db)) {
    throw new ConflictError(
      "This workspace already has records. Restore an export into a new, empty workspace.",
    );
  }
  const archive = await verifyArchive(source, limits);
  // Checked again after the archive's long read: someone may have added a record meanwhile.
  if (await workspaceHasRecords(tenant.db)) {
    throw new ConflictError(
      "This workspace already has records. Restore an export into a new, empty workspace.",
    );
  }
  const counts = await restoreDatabase(
    { tenantId: tenant.id, db: tenant.db, storage: services.storage },
    source,
    archive,
    limits,
  );
  await services.registry.setTimeZone(tenant.id, archive.facts.time_zone);
  const here = await services.control.execute({
    sql: `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ?`,
    args: [tenant.id],
  });
  const present = new Set(here.rows.map((r) => String(r.email).toLowerCase()));
  return {
    tenantId: tenant.id,
    counts,
    missingMembers: archive.facts.members.map((m) => m.email)
      .filter((e) => !present.has(e.toLowerCase())),
  };
}
