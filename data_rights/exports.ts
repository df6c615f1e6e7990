/**
 * @module data_rights/exports
 * Workspace exports: asked for by an owner (or made as the final export of a deletion), produced
 * by the `workspace.export` job with its progress on the export's row, stored through storage/ in
 * parts of PART_BYTES (keys `<tenant>/<export>x<n>`), downloadable through links that only owners
 * may open, and deleted 7 days after they were made.
 */
import type { Client } from "../db/client.ts";
import { newId, randomToken, sha256Hex } from "../db/ids.ts";
import { latestVersion } from "../db/migrate.ts";
import { ConflictError, NotFoundError } from "../domain/errors.ts";
import { enqueue } from "../workers/queue.ts";
import { type FileStorage } from "../storage/mod.ts";
import type { Services } from "../services.ts";
import type { WorkspaceFacts } from "./archive_format.ts";
import { writeWorkspaceArchive } from "./archive_writer.ts";

export const EXPORT_JOB = "workspace.export";
/** An export (and every link to it) can be downloaded for this long, then it is deleted. */
export const EXPORT_TTL_DAYS = 7;
/** Size of one stored part of an archive: what the job holds in memory at most. */
export const PART_BYTES = 8 * 1024 * 1024;

export type ExportStatus = "queued" | "running" | "ready" | "failed" | "expired";

export interface WorkspaceExport {
  id: string;
  tenantId: string;
  reason: "owner" | "final";
  status: ExportStatus;
  stepsDone: number;
  stepsTotal: number;
  parts: number;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
}

function toExport(r: Record<string, unknown>): WorkspaceExport {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    tenantId: String(r.tenant_id),
    reason: r.reason === "final" ? "final" : "owner",
    status: String(r.status) as ExportStatus,
    stepsDone: Number(r.steps_done),
    stepsTotal: Number(r.steps_total),
    parts: Number(r.parts),
    bytes: r.bytes === null ? null : Number(r.bytes),
    sha256: text(r.sha256),
    error: text(r.error),
    createdAt: String(r.created_at),
    finishedAt: text(r.finished_at),
    expiresAt: text(r.expires_at),
  };
}

/**
 * The storage key of an archive's part `n`: beside the tenant's documents (whose ids are 26
 * characters, so they never meet these 28 or more), with no folder of its own to leave behind.
 */
export function partKey(tenantId: string, exportId: string, n: number): string {
  return `${tenantId}/${exportId}x${n}`;
}

/** Queues an export of the workspace; one at a time per workspace. */
export async function requestExport(
  services: Services,
  tenantId: string,
  userId: string | null,
  reason: "owner" | "final" = "owner",
): Promise<WorkspaceExport> {
  const { control, clock } = services;
  const busy = await control.execute({
    sql: `SELECT id FROM workspace_exports
          WHERE tenant_id = ? AND status IN ('queued', 'running') AND reason = ?`,
    args: [tenantId, reason],
  });
  if (busy.rows.length && reason === "owner") {
    throw new ConflictError("An export of this workspace is already being made. Wait for it.");
  }
  const id = newId();
  await control.execute({
    sql: `INSERT INTO workspace_exports (id, tenant_id, requested_by, reason, status, created_at)
          VALUES (?, ?, ?, ?, 'queued', ?)`,
    args: [id, tenantId, userId, reason, clock.now().toISOString()],
  });
  await enqueue(control, {
    kind: EXPORT_JOB,
    tenantId,
    payload: { export_id: id },
    maxAttempts: 3,
  });
  return (await findExport(control, tenantId, id))!;
}

/** One export of a workspace, or null (another workspace's export is not found). */
export async function findExport(
  control: Client,
  tenantId: string,
  id: string,
): Promise<WorkspaceExport | null> {
  const rs = await control.execute({
    sql: "SELECT * FROM workspace_exports WHERE id = ? AND tenant_id = ?",
    args: [id, tenantId],
  });
  return rs.rows[0] ? toExport(rs.rows[0]) : null;
}

/** The workspace's exports, newest first. */
export async function listExports(control: Client, tenantId: string): Promise<WorkspaceExport[]> {
  const rs = await control.execute({
    sql: "SELECT * FROM workspace_exports WHERE tenant_id = ? ORDER BY created_at DESC, id DESC",
    args: [tenantId],
  });
  return rs.rows.map(toExport);
}

/** What the control database knows of a workspace, for its archive's workspace.json. */
export async function workspaceFacts(control: Client, tenantId: string): Promise<WorkspaceFacts> {
  const [tenant, billing, members, domains] = await control.batch([
    {
      sql: "SELECT id, slug, name, time_zone, created_at FROM tenants WHERE id = ?",
      args: [tenantId],
    },
    { sql: "SELECT plan, status FROM tenant_billing WHERE tenant_id = ?", args: [tenantId] },
    {
      sql: `SELECT u.email, u.name, m.role, m.created_at FROM memberships m
            JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? ORDER BY u.email`,
      args: [tenantId],
    },
    {
      sql: "SELECT domain, verified_at FROM tenant_domains WHERE tenant_id = ? ORDER BY domain",
      args: [tenantId],
    },
  ], "read");
  const t = tenant!.rows[0];
  if (!t) throw new NotFoundError("This workspace no longer exists.");
  const b = billing!.rows[0];
  return {
    id: String(t.id),
    slug: String(t.slug),
    name: String(t.name),
    time_zone: String(t.time_zone),
    created_at: String(t.created_at),
    plan: b ? { plan: String(b.plan), status: String(b.status) } : null,
    members: members!.rows.map((m) => ({
      email: String(m.email),
      name: String(m.name),
      role: String(m.role),
      joined_at: String(m.created_at),
    })),
    domains: domains!.rows.map((d) => ({
      domain: String(d.domain),
      verified_at: d.verified_at === null ? null : String(d.verified_at),
    })),
  };
}

/** The `workspace.export` job: writes the archive in parts and marks the export ready. */
export async function runExportJob(
  services: Services,
  exportId: string,
  signal?: AbortSignal,
): Promise<WorkspaceExport | null> {
  const { control, clock, registry, pool } = services;
  const row = (await control.execute({
    sql: "SELECT * FROM workspace_exports WHERE id = ?",
    args: [exportId],
  })).rows[0];
  if (!row) return null;
  const exp = toExport(row);
  if (exp.status === "ready" || exp.status === "expired") return exp;
  const tenant = await registry.findById(exp.tenantId);
  if (!tenant) return null;
  const storage = services.storage;
  // A retried attempt starts over: the parts of the interrupted one are replaced or removed.
  await deleteParts(storage, exp);
  await control.execute({
    sql: `UPDATE workspace_exports SET status = 'running', steps_done = 0, parts = 0, error = NULL
          WHERE id = ?`,
    args: [exportId],
  });
  const lease = await pool.acquire(tenant.id, tenant.dbUrl);
  let parts = 0;
  let buffer: Uint8Array[] = [];
  let buffered = 0;
  const flush = async () => {
    if (!buffered) return;
    const bytes = new Uint8Array(buffered);
    let at = 0;
    for (const c of buffer) (bytes.set(c, at), (at += c.length));
    await storage.put(partKey(tenant.id, exportId, parts), bytes, "application/zip");
    parts++;
    buffer = [];
    buffered = 0;
    await control.execute({
      sql: "UPDATE workspace_exports SET parts = ? WHERE id = ?",
      args: [parts, exportId],
    });
  };
  try {
    const summary = await writeWorkspaceArchive({
      db: lease.db,
      storage,
      facts: await workspaceFacts(control, tenant.id),
      tenantSchemaVersion: await latestVersion("tenant"),
      now: clock.now(),
      signal,
      onProgress: async (done, total) => {
        await control.execute({
          sql: "UPDATE workspace_exports SET steps_done = ?, steps_total = ? WHERE id = ?",
          args: [done, total, exportId],
        });
      },
    }, async (chunk) => {
      buffer.push(chunk);
      buffered += chunk.length;
      if (buffered >= PART_BYTES) await flush();
    });
    await flush();
    const now = clock.now();
    let expiresAt = new Date(now.getTime() + EXPORT_TTL_DAYS * 86_400_000).toISOString();
    if (exp.reason === "final") {
      // The final export of a deletion stays until the purge, however long that is.
      const purge = (await control.execute({
        sql: "SELECT purge_after FROM tenants WHERE id = ?",
        args: [tenant.id],
      })).rows[0]?.purge_after;
      if (typeof purge === "string" && purge > expiresAt) expiresAt = purge;
    }
    await control.execute({
      sql: `UPDATE workspace_exports SET status = 'ready', parts = ?, bytes = ?, sha256 = ?,
            finished_at = ?, expires_at = ?, steps_done = steps_total WHERE id = ?`,
      args: [
        parts,
        summary.bytes,
        summary.sha256,
        now.toISOString(),
        expiresAt,
        exportId,
      ],
    });
  } catch (err) {
    await control.execute({
      sql: "UPDATE workspace_exports SET status = 'failed', error = ? WHERE id = ?",
      args: [String((err as Error).message ?? err).slice(0, 500), exportId],
    });
    throw err;
  } finally {
    lease.release();
  }
  return await findExport(control, tenant.id, exportId);
}

/** Deletes an export's stored parts (all of them, however far an attempt got). */
export async function deleteParts(storage: FileStorage, exp: WorkspaceExport): Promise<void> {
  for (let n = 0; n < Math.max(exp.parts, 1) + 1; n++) {
    await storage.delete(partKey(exp.tenantId, exp.id, n));
  }
}

/** A new download link for a ready export: valid until the export expires. */
export async function createDownloadLink(
  services: Services,
  tenantId: string,
  exportId: string,
): Promise<{ token: string; expiresAt: string }> {
  const exp = await findExport(services.control, tenantId, exportId);
  if (!exp) throw new NotFoundError("There is no such export in this workspace.");
  if (exp.status !== "ready" || !exp.expiresAt) {
    throw new ConflictError("This export is not ready to download.");
  }
  const token = randomToken(32);
  await services.control.execute({
    sql: `INSERT INTO workspace_export_links (token_hash, export_id, tenant_id, created_at,
          expires_at) VALUES (?, ?, ?, ?, ?)`,
    args: [
      await sha256Hex(token),
      exportId,
      tenantId,
      services.clock.now().toISOString(),
      exp.expiresAt,
    ],
  });
  return { token, expiresAt: exp.expiresAt };
}

/** The export a link opens, if the token is one of its links and neither has expired. */
export async function exportForLink(
  services: Services,
  tenantId: string,
  exportId: string,
  token: string,
): Promise<WorkspaceExport> {
  const rs = await services.control.execute({
    sql: `SELECT expires_at FROM workspace_export_links
          WHERE token_hash = ? AND export_id = ? AND tenant_id = ?`,
    args: [await sha256Hex(token), exportId, tenantId],
  });
  const link = rs.rows[0];
  const now = services.clock.now().toISOString();
  const exp = await findExport(services.control, tenantId, exportId);
  if (!link || String(link.expires_at) <= now || !exp || exp.status !== "ready") {
    throw new NotFoundError(
      "This download link is not valid: it has expired or was not made for this workspace. Start a new export in Settings → Your data.",
    );
  }
  return exp;
}

/** The archive's bytes as a stream, one stored part at a time. */
export function archiveStream(
  services: Services,
  exp: WorkspaceExport,
): ReadableStream<Uint8Array> {
  const storage = services.storage;
  let n = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (n >= exp.parts) return controller.close();
      controller.enqueue(await storage.get(partKey(exp.tenantId, exp.id, n++)));
    },
  });
}

/** Deletes exports past their 7 days (parts first, then the row is marked expired). */
export async function expireExports(services: Services): Promise<number> {
  const now = services.clock.now().toISOString();
  const rs = await services.control.execute({
    sql: "SELECT * FROM workspace_exports WHERE status = 'ready' AND expires_at <= ?",
    args: [now],
  });
  const storage = services.storage;
  for (const row of rs.rows) {
    const exp = toExport(row);
    await deleteParts(storage, exp);
    await services.control.batch([
      { sql: "UPDATE workspace_exports SET status = 'expired' WHERE id = ?", args: [exp.id] },
      { sql: "DELETE FROM workspace_export_links WHERE export_id = ?", args: [exp.id] },
    ], "write");
  }
  return rs.rows.length;
}
