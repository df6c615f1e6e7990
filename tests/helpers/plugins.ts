/**
 * Plugins in tests: a private plugin with one hook, install a catalog plugin or a bundle straight
 * into a tenant (as the settings page does after approval), and read what the security log says
 * about plugins.
 */
import type { Services } from "../../services.ts";
import { bundleFrom, catalogBundle, type PluginBundle } from "../../plugins/host/bundle.ts";
import {
  configurePlugin,
  installPlugin,
  type LifecycleDeps,
} from "../../plugins/host/installations.ts";
import { appendTenantSecurityEvent } from "../../security/tenant_log.ts";
import { syncPluginTasks } from "../../plugins/host/tasks.ts";

/** Runs `work` with lifecycle deps on tenant `tenantId`'s database (audited like the page). */
export async function withLifecycle<T>(
  services: Services,
  tenantId: string,
  work: (deps: LifecycleDeps) => Promise<T>,
): Promise<T> {
  const tenant = (await services.registry.findById(tenantId))!;
  const lease = await services.pool.acquire(tenant.id, tenant.dbUrl);
  try {
    return await work({
      db: lease.db,
      userId: null,
      now: services.clock.now(),
      audit: (e) => appendTenantSecurityEvent(services, tenantId, e),
      changed: () => services.plugins.forget(tenantId),
      afterChange: (name, installation) =>
        syncPluginTasks(services.control, tenantId, name, installation, services.clock.now()),
    });
  } finally {
    lease.release();
  }
}

/** Installs a catalog plugin (or `bundle`) with every permission approved, then its settings. */
export async function installForTest(
  services: Services,
  tenantId: string,
  nameOrBundle: string | PluginBundle,
  settings?: Record<string, unknown>,
): Promise<void> {
  const bundle = typeof nameOrBundle === "string"
    ? await catalogBundle(nameOrBundle)
    : nameOrBundle;
  if (!bundle) throw new Error(`no catalog plugin ${nameOrBundle}`);
  await withLifecycle(services, tenantId, async (deps) => {
    await installPlugin(deps, bundle, {
      permissions: bundle.manifest.permissions,
      domains: bundle.manifest.allowedDomains,
    });
    if (settings) await configurePlugin(deps, bundle.manifest.name, settings);
  });
}

/** A private plugin whose one hook runs `body` (its arguments: `event`, `context`). */
export function hookBundle(hook: {
  name: string;
  event?: "beforeSave" | "afterSave";
  collection: string;
  permissions: string[];
  allowedDomains?: string[];
  handler?: string;
  body: string;
}): PluginBundle {
  const { name, event = "beforeSave", collection, handler = "check" } = hook;
  return bundleFrom(
    "private",
    JSON.stringify({
      name,
      title: name,
      version: "1.0.0",
      // afterSave hooks run after the response since extension API 2.0.
      apiVersion: event === "afterSave" ? "^2.0.0" : "^1.0.0",
      permissions: hook.permissions,
      ...(hook.allowedDomains ? { allowedDomains: hook.allowedDomains } : {}),
      entryPoints: { hooks: [{ event, collection, handler }] },
    }),
    `export async function ${handler}(event, context) { ${hook.body} }`,
  );
}
