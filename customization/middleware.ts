/**
 * @module customization/middleware
 * Puts the tenant's configuration on the request (`c.get("configuration")`) for pages, so the
 * shell can link the theme's versioned stylesheet and show the product name and logo without
 * waiting on anything. API calls skip it: they read the configuration only where they need it.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import { activeConfiguration } from "./cache.ts";

/** Loads the tenant's configuration (from the process's cache) for page requests. */
export function loadConfiguration(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get("tenant");
    if (tenant && !c.req.path.startsWith("/api/")) {
      const services = c.get("services");
      try {
        c.set("configuration", await activeConfiguration(services.readCache, tenant.db, tenant.id));
      } catch (err) {
        // A configuration that cannot be read must not take the workspace's pages down with it:
        // they show the built-in look, and the operator hears of it.
        services.log.error("configuration not loaded", { tenant: tenant.slug, error: String(err) });
      }
    }
    await next();
  };
}
