/**
 * @module app
 * Builds the Hono app: middleware in the order of DESIGN.md ("A request's way"), then the routes.
 */
import { Hono } from "hono";
import type { AppEnv } from "./http/env.ts";
import type { Services } from "./services.ts";
import { requestPipeline } from "./http/middleware.ts";
import { handleError, handleNotFound } from "./http/errors.ts";
import { resolveTenant } from "./tenants/middleware.ts";
import { authenticate } from "./auth/middleware.ts";
import { assetRoutes } from "./framework/assets.ts";
import { healthRoutes } from "./routes/health.ts";
import apiSignup from "./routes/api/v1/signup.ts";
import apiTokens from "./routes/api/v1/auth/tokens.ts";
import apiMe from "./routes/api/v1/me.ts";
import authHandoff from "./routes/auth/handoff.ts";

/** Creates the app for a set of services (one per process; tests make their own). */
export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  app.notFound(handleNotFound);

  // Health checks and hashed assets answer on any host, before rate limits and tenant lookups.
  app.route("/", healthRoutes(services));
  app.route("/", assetRoutes(services.assets));
  app.use("*", requestPipeline(services));
  app.use("*", resolveTenant());
  app.use("*", authenticate());

  for (const routes of [apiSignup, apiTokens, apiMe, authHandoff]) app.route("/", routes);
  return app;
}
