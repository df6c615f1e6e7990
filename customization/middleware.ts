/**
 * @module customization/middleware
 * Puts the tenant's configuration on the request (`c.get("configuration")`) for pages, so the
 * shell can link the theme's versioned stylesheet and show the product name and logo without
 * waiting on anything, and, where a rule requires approvals, the pending requests the navigation
 * counts. API calls skip it: they read the configuration only where they need it.
 */
import type { MiddlewareHandler, Next } from "hono";
import type { AppContext, AppEnv, TenantContext } from "../http/env.ts";
import { NotFoundError } from "../domain/errors.ts";
import { activeConfiguration } from "./cache.ts";
import type { FeatureSwitch } from "./document/shaping.ts";
import { approvalRulesOn, cachedWaitingApprovals } from "./approvals_menu.ts";

/** Loads the tenant's configuration (from the process's cache) for page requests. */
export function loadConfiguration(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const tenant = c.get("tenant");
    // A plain function on the way through: an API call or the bare domain costs no promise here.
    if (!tenant || c.req.path.startsWith("/api/")) return next();
    return withConfiguration(c, tenant, next);
  };
}

/** The configuration (and the approvals waiting) on a page request, then the rest of the chain. */
async function withConfiguration(c: AppContext, tenant: TenantContext, next: Next): Promise<void> {
  const services = c.get("services");
  try {
    const loaded = await activeConfiguration(services.readCache, tenant.db, tenant.id);
    c.set("configuration", loaded);
    // The navigation's count of approvals, only where a rule asks for approvals.
    if (approvalRulesOn(loaded.document)) {
      c.set(
        "approvalsWaiting",
        await cachedWaitingApprovals(services.readCache, tenant.db, tenant.id),
      );
    }
  } catch (err) {
    // A configuration that cannot be read must not take the workspace's pages down with it:
    // they show the built-in look, and the operator hears of it.
    services.log.error("configuration not loaded", { tenant: tenant.slug, error: String(err) });
  }
  await next();
}

/**
 * Refuses the pages of a feature the tenant switched off (`features` in its configuration) with
 * 404, as if it did not exist. Reads the configuration `loadConfiguration` put on the request.
 */
export function requireFeature(feature: FeatureSwitch): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get("configuration")?.document.features[feature] === false) {
      throw new NotFoundError("This workspace does not use this feature.");
    }
    await next();
  };
}
