/**
 * @module tenants/key_rotation
 * Key rotation without downtime (`deno task keys:rotate`, docs/operations/security.md).
 *
 * A tenant: a new data-key version is added, and the tenant's database, borrowed from this
 * process's pool, is copied encrypted under it and swapped in under its write lock; the pooled
 * handle is reopened on the new file, so requests that were waiting simply continue on it. The copy
 * is made by the process that serves the tenant: a file swapped under another process's open
 * connection would leave that process writing to the old, unlinked file. Files keep the version
 * they were written under (their header names it), so they stay readable. On Turso the local
 * replica is only a copy: it is dropped and pulled again under the new key.
 *
 * The master key: every wrapped data key and the root key are re-wrapped under the key given as
 * `ENCRYPTION_MASTER_KEY_NEXT`; until the operator makes it `ENCRYPTION_MASTER_KEY`, both unwrap.
 */
import type { Services } from "../services.ts";
import { appendSecurityEvent } from "../security/chain.ts";
import { appendTenantSecurityEvent } from "../security/tenant_log.ts";
import { LocalDatabaseProvider } from "./database_provider.ts";

/** The job that rotates a tenant's key inside the serving process (payload: `tenant_id`). */
export const ROTATE_TENANT_KEY_JOB = "keys.rotate_tenant";

type RotationServices = Pick<
  Services,
  | "registry"
  | "pool"
  | "provider"
  | "tenantKeys"
  | "keys"
  | "log"
  | "billing"
  | "control"
  | "config"
  | "clock"
>;

/** Re-encrypts one tenant's database under a new data key while it keeps serving. */
export async function rotateTenantKey(
  services: RotationServices,
  tenantId: string,
): Promise<number> {
  const tenant = await services.registry.findById(tenantId);
  if (!tenant) throw new Error(`No tenant ${tenantId}.`);
  const provider = services.provider;
  let version: number;
  if (provider instanceof LocalDatabaseProvider) {
    const lease = await services.pool.acquire(tenant.id, tenant.dbUrl);
    try {
      version = await provider.rotateKey(tenant.id, lease.db);
    } catch (err) {
      // The handle may be half reopened: the next request opens the database afresh.
      await services.pool.forget(tenant.id);
      throw err;
    } finally {
      lease.release();
    }
  } else {
    version = (await services.tenantKeys.addVersion(tenant.id)).version;
    await services.pool.forget(tenant.id);
  }
  services.log.info("tenant data key rotated", { tenant: tenant.slug, version });
  await appendTenantSecurityEvent(services, tenant.id, {
    action: "keys.rotated",
    target: "tenant data key",
    details: { version, master_key_id: services.keys.provider.currentKeyId },
  });
  return version;
}

/**
 * Re-wraps every data key and the root key under the current master key (the `_NEXT` one while a
 * rotation is configured). Returns how many data keys it re-wrapped and how many still are not.
 */
export async function rotateMasterKey(
  services: RotationServices,
): Promise<{ rewrapped: number; remaining: number; masterKeyId: string }> {
  const provider = services.keys.provider;
  if (provider.keyIds.length < 2) {
    throw new Error(
      "Set ENCRYPTION_MASTER_KEY_NEXT to the new master key (openssl rand -base64 32) on every " +
        "machine first; both keys are accepted until the rotation is done.",
    );
  }
  const result = await services.tenantKeys.rewrapAll();
  await services.keys.rewrapRoot();
  services.log.info("master key rotated", { ...result, master_key_id: provider.currentKeyId });
  await appendSecurityEvent(services.control, {
    action: "keys.rotated",
    target: "master key",
    details: { ...result, master_key_id: provider.currentKeyId },
  }, { now: services.clock.now() });
  return { ...result, masterKeyId: provider.currentKeyId };
}
