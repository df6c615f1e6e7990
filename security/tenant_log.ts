/**
 * @module security/tenant_log
 * Security events that happen outside a request on the workspace's host: a Stripe event applied
 * by a worker, an operator's command. The tenant comes from the caller (a job's payload, a CLI
 * argument); its database is borrowed from the pool like a job's, and the plan's retention applies.
 */
import type { Services } from "../services.ts";
import { loadBillingState } from "../billing/state.ts";
import { type AppendOptions, appendSecurityEvent, type SecurityEventInput } from "./chain.ts";

/** Appends `input` to tenant `tenantId`'s chain; a tenant that no longer exists is skipped. */
export async function appendTenantSecurityEvent(
  services: Pick<
    Services,
    "registry" | "pool" | "billing" | "control" | "config" | "clock" | "tenantKeys"
  >,
  tenantId: string,
  input: SecurityEventInput,
): Promise<void> {
  const tenant = await services.registry.findById(tenantId);
  if (!tenant) return;
  const billing = await services.billing.current(services, tenantId).catch(() => null);
  const options: AppendOptions = {
    now: services.clock.now(),
    retentionDays: billing?.entitlements.auditRetentionDays,
    tail: { control: services.control, chain: tenant.id, keys: services.tenantKeys },
  };
  const lease = await services.pool.acquire(tenant.id, tenant.dbUrl);
  try {
    await appendSecurityEvent(lease.db, input, options);
  } finally {
    lease.release();
  }
}

/** Records a billing change applied outside a request (a Stripe event, an operator's command). */
export async function recordBillingChange(
  services: Pick<
    Services,
    "registry" | "pool" | "billing" | "control" | "config" | "clock" | "tenantKeys"
  >,
  tenantId: string,
  details: Record<string, unknown>,
): Promise<void> {
  const state = await loadBillingState(services.control, tenantId);
  await appendTenantSecurityEvent(services, tenantId, {
    action: "billing.changed",
    details: { ...details, plan: state?.plan ?? null, status: state?.status ?? null },
  });
}
