/**
 * @module data_rights/deletion
 * An owner deletes a workspace: it enters DELETION_GRACE_DAYS of grace (by the services clock)
 * during which everyone can still sign in, export, and the owner can cancel; a final export is
 * made and its link e-mailed to the owner. When the grace ends, purge.ts removes everything.
 */
import type { Services } from "../services.ts";
import { findUserById } from "../auth/users.ts";
import { verifyPassword } from "../auth/password.ts";
import { ConflictError, InvalidError, NotFoundError } from "../domain/errors.ts";
import { sendMail } from "../mail/outbox.ts";
import { finalExportMail } from "../mail/templates.ts";
import { memberLanguage } from "../mail/language.ts";
import { createDownloadLink, requestExport, type WorkspaceExport } from "./exports.ts";

export const DELETION_GRACE_DAYS = 14;

export interface PendingDeletion {
  requestedAt: string;
  purgeAfter: string;
  requestedBy: string | null;
  finalExportId: string | null;
}

/** The workspace's pending deletion, or null. */
export async function pendingDeletion(
  services: Services,
  tenantId: string,
): Promise<PendingDeletion | null> {
  const rs = await services.control.execute({
    sql: `SELECT d.requested_at, d.requested_by, d.final_export_id, t.purge_after
          FROM workspace_deletions d JOIN tenants t ON t.id = d.tenant_id
          WHERE d.tenant_id = ? AND t.purge_after IS NOT NULL`,
    args: [tenantId],
  });
  const r = rs.rows[0];
  if (!r) return null;
  return {
    requestedAt: String(r.requested_at),
    purgeAfter: String(r.purge_after),
    requestedBy: r.requested_by === null ? null : String(r.requested_by),
    finalExportId: r.final_export_id === null ? null : String(r.final_export_id),
  };
}

/** The public origin of a workspace (links in mail sent from a job, where no request exists). */
export function workspaceOrigin(
  config: Services["config"],
  slug: string,
): string {
  return config.secureCookies
    ? `https://${slug}.${config.APP_DOMAIN}`
    : `http://${slug}.${config.APP_DOMAIN}:${config.PORT}`;
}

/**
 * Starts the deletion of a workspace after the owner re-entered the password: the grace begins,
 * the final export is queued. Nothing is removed until the purge.
 */
export async function requestDeletion(
  services: Services,
  tenantId: string,
  userId: string,
  password: string,
): Promise<PendingDeletion> {
  const user = await findUserById(services.control, userId);
  if (!user || !(await verifyPassword(password, user.passwordHash))) {
    throw new InvalidError("The password is not right. Enter your current password.", {
      password: ["The password is not right."],
    }, 422);
  }
  if (await pendingDeletion(services, tenantId)) {
    throw new ConflictError("This workspace is already scheduled for deletion.");
  }
  const now = services.clock.now();
  const purgeAfter = new Date(now.getTime() + DELETION_GRACE_DAYS * 86_400_000).toISOString();
  await services.control.batch([
    { sql: "DELETE FROM workspace_deletions WHERE tenant_id = ?", args: [tenantId] },
    {
      sql: `INSERT INTO workspace_deletions (tenant_id, requested_by, requested_at)
            VALUES (?, ?, ?)`,
      args: [tenantId, userId, now.toISOString()],
    },
    { sql: "UPDATE tenants SET purge_after = ? WHERE id = ?", args: [purgeAfter, tenantId] },
  ], "write");
  services.registry.invalidate();
  const final = await requestExport(services, tenantId, userId, "final");
  await services.control.execute({
    sql: "UPDATE workspace_deletions SET final_export_id = ? WHERE tenant_id = ?",
    args: [final.id, tenantId],
  });
  return (await pendingDeletion(services, tenantId))!;
}

/** Cancels a pending deletion: the workspace is as it was, nothing having been removed. */
export async function cancelDeletion(services: Services, tenantId: string): Promise<void> {
  if (!(await pendingDeletion(services, tenantId))) {
    throw new NotFoundError("This workspace is not scheduled for deletion.");
  }
  await services.control.batch([
    { sql: "DELETE FROM workspace_deletions WHERE tenant_id = ?", args: [tenantId] },
    { sql: "UPDATE tenants SET purge_after = NULL WHERE id = ?", args: [tenantId] },
  ], "write");
  services.registry.invalidate();
}

/** E-mails the owner who asked for the deletion the final export's download link. */
export async function mailFinalExport(services: Services, exp: WorkspaceExport): Promise<void> {
  const pending = await pendingDeletion(services, exp.tenantId);
  if (!pending?.requestedBy) return;
  const [user, tenant] = await Promise.all([
    findUserById(services.control, pending.requestedBy),
    services.registry.findById(exp.tenantId),
  ]);
  if (!user || !tenant) return;
  const link = await createDownloadLink(services, exp.tenantId, exp.id);
  const url = `${workspaceOrigin(services.config, tenant.slug)}/settings/data/exports/${exp.id}` +
    `/download?token=${link.token}`;
  await sendMail(services, {
    to: user.email,
    tenantId: exp.tenantId,
    ...finalExportMail({
      name: user.name,
      workspace: tenant.name,
      purgeAfter: pending.purgeAfter,
      url,
      until: link.expiresAt.slice(0, 10),
      language: await memberLanguage(services, user.id, { tenantId: exp.tenantId }),
    }),
  });
}
