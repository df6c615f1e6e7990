/**
 * @module ops/impersonation
 * An operator looks at a workspace the way its members do, to see what they report, without
 * being able to change anything. It takes a reason and a time limit (60 minutes at most); it is
 * written to the operators' log (by the console's route) and to the workspace's own security log
 * here, when it starts and when it ends. The console hands a one-minute, one-time link to the
 * workspace's host, which trades it for a host-only cookie (http/impersonation.ts); each request
 * checks the grant again, so ending it or reaching its time stops it at once.
 */
import type { Client } from "../db/client.ts";
import { newId, randomToken, sha256Hex } from "../db/ids.ts";
import type { Services } from "../services.ts";
import type { TenantRecord } from "../tenants/registry.ts";
import { appendTenantSecurityEvent } from "../security/tenant_log.ts";

/** The longest an operator may view a workspace in one go. */
export const MAX_IMPERSONATION_MINUTES = 60;
const LINK_MS = 60_000;

/** A live grant, as the workspace host sees it. */
export interface Impersonation {
  id: string;
  operatorUserId: string;
  operatorEmail: string;
  tenantId: string;
  reason: string;
  expiresAt: string;
}

type Deps = Pick<
  Services,
  "registry" | "pool" | "billing" | "control" | "config" | "clock" | "tenantKeys"
>;

/** Starts a grant; returns the one-time token of the link to the workspace's host. */
export async function startImpersonation(
  services: Deps,
  input: {
    operatorUserId: string;
    operatorEmail: string;
    tenant: TenantRecord;
    reason: string;
    minutes: number;
  },
): Promise<{ id: string; linkToken: string; expiresAt: string }> {
  const now = services.clock.now();
  const minutes = Math.min(Math.max(Math.round(input.minutes), 1), MAX_IMPERSONATION_MINUTES);
  const id = newId(now.getTime());
  const linkToken = randomToken(32);
  const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString();
  await services.control.execute({
    sql: `INSERT INTO ops_impersonations (id, operator_user_id, operator_email, tenant_id, reason,
            link_hash, link_expires_at, started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      input.operatorUserId,
      input.operatorEmail,
      input.tenant.id,
      input.reason,
      await sha256Hex(linkToken),
      new Date(now.getTime() + LINK_MS).toISOString(),
      now.toISOString(),
      expiresAt,
    ],
  });
  await appendTenantSecurityEvent(services, input.tenant.id, {
    action: "operator.impersonation_started",
    actorUserId: input.operatorUserId,
    actorEmail: input.operatorEmail,
    target: input.tenant.slug,
    details: { reason: input.reason, minutes, expires_at: expiresAt, read_only: true },
  });
  return { id, linkToken, expiresAt };
}

/** Trades the link's token for the cookie's (once, within a minute); null when it cannot. */
export async function openImpersonation(
  control: Client,
  linkToken: string,
  tenantId: string,
  now: Date,
): Promise<{ viewToken: string; expiresAt: string } | null> {
  const viewToken = randomToken(32);
  const rs = await control.execute({
    sql: `UPDATE ops_impersonations SET view_hash = ?
          WHERE link_hash = ? AND tenant_id = ? AND view_hash IS NULL AND link_expires_at > ?
            AND ended_at IS NULL
          RETURNING expires_at`,
    args: [await sha256Hex(viewToken), await sha256Hex(linkToken), tenantId, now.toISOString()],
  });
  const row = rs.rows[0];
  return row ? { viewToken, expiresAt: String(row.expires_at) } : null;
}

/** The live grant behind a workspace cookie, or null (unknown, other workspace, ended, expired). */
export async function findImpersonation(
  control: Client,
  viewToken: string,
  tenantId: string,
  now: Date,
): Promise<Impersonation | null> {
  const rs = await control.execute({
    sql: `SELECT id, operator_user_id, operator_email, tenant_id, reason, expires_at
          FROM ops_impersonations
          WHERE view_hash = ? AND tenant_id = ? AND ended_at IS NULL AND expires_at > ?`,
    args: [await sha256Hex(viewToken), tenantId, now.toISOString()],
  });
  const r = rs.rows[0];
  return r
    ? {
      id: String(r.id),
      operatorUserId: String(r.operator_user_id),
      operatorEmail: String(r.operator_email),
      tenantId: String(r.tenant_id),
      reason: String(r.reason),
      expiresAt: String(r.expires_at),
    }
    : null;
}

/** Ends a grant now and says so in the workspace's log; false when it had already ended. */
export async function endImpersonation(services: Deps, grant: Impersonation): Promise<boolean> {
  const now = services.clock.now().toISOString();
  const rs = await services.control.execute({
    sql: "UPDATE ops_impersonations SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
    args: [now, grant.id],
  });
  if (!rs.rowsAffected) return false;
  await appendTenantSecurityEvent(services, grant.tenantId, {
    action: "operator.impersonation_ended",
    actorUserId: grant.operatorUserId,
    actorEmail: grant.operatorEmail,
    details: { reason: grant.reason },
  });
  return true;
}

/** A workspace's grants, newest first, for the console. */
export async function listImpersonations(control: Client, tenantId: string) {
  const rs = await control.execute({
    sql: `SELECT operator_email, reason, started_at, expires_at, ended_at FROM ops_impersonations
          WHERE tenant_id = ? ORDER BY started_at DESC LIMIT 20`,
    args: [tenantId],
  });
  return rs.rows.map((r) => ({
    operatorEmail: String(r.operator_email),
    reason: String(r.reason),
    startedAt: String(r.started_at),
    expiresAt: String(r.expires_at),
    endedAt: r.ended_at === null ? null : String(r.ended_at),
  }));
}
