/**
 * @module ops/tenant_actions
 * What an operator does to a workspace from the console. Each action changes the control database,
 * then writes to the workspace's own audit log so its owner can see who did what and why; the
 * route writes the operators' entry (it knows the request). Suspending closes nothing and deletes
 * nothing: tenants/middleware.ts answers the workspace's host with a page that says so.
 */
import type { Services } from "../services.ts";
import type { TenantRecord, TenantStatus } from "../tenants/registry.ts";
import { appendTenantSecurityEvent } from "../security/tenant_log.ts";
import { ConflictError } from "../domain/errors.ts";
import { type ChannelSetting, setChannel } from "./release_channels.ts";

/** Who acted and why, as the audit entries record it. */
export interface OperatorAct {
  operatorUserId: string;
  operatorEmail: string;
  reason: string;
}

/**
 * Suspends (`suspended`) or reactivates (`active`) `tenant`; refuses a change to the status it
 * already has, so a double submit does not write two audit entries. A workspace whose database
 * does not open (often why it is suspended) is still suspended: returns false when its own log
 * could not be written, and the operators' entry says so.
 */
export async function changeTenantStatus(
  services: Pick<
    Services,
    "registry" | "pool" | "billing" | "control" | "config" | "clock" | "readCache" | "tenantKeys"
  >,
  tenant: TenantRecord,
  status: TenantStatus,
  act: OperatorAct,
): Promise<boolean> {
  if (tenant.status === status) {
    throw new ConflictError(
      status === "suspended"
        ? `The workspace "${tenant.slug}" is already suspended.`
        : `The workspace "${tenant.slug}" is already active.`,
    );
  }
  await services.registry.setStatus(tenant.id, status);
  try {
    await appendTenantSecurityEvent(services, tenant.id, {
      action: status === "suspended" ? "operator.tenant_suspended" : "operator.tenant_reactivated",
      actorUserId: act.operatorUserId,
      actorEmail: act.operatorEmail,
      target: tenant.slug,
      details: { reason: act.reason, by: "operator" },
    });
    return true;
  } catch {
    return false;
  }
}

/** Moves `tenant` to a release channel and says so in its own log. */
export async function changeReleaseChannel(
  services: Pick<
    Services,
    "registry" | "pool" | "billing" | "control" | "config" | "clock" | "tenantKeys"
  >,
  tenant: TenantRecord,
  setting: ChannelSetting,
  act: OperatorAct,
): Promise<void> {
  await setChannel(services.control, tenant.id, setting, act.operatorEmail, services.clock.now());
  await appendTenantSecurityEvent(services, tenant.id, {
    action: "operator.release_channel_changed",
    actorUserId: act.operatorUserId,
    actorEmail: act.operatorEmail,
    target: tenant.slug,
    details: { channel: setting.channel, release: setting.release, reason: act.reason },
  });
}
