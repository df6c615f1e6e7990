/**
 * @module billing/middleware
 * The one layer that applies billing to every request on a tenant host (mounted after
 * `authenticate()`):
 *
 * - while the workspace is read-only, refuses every write (POST, PUT, PATCH, DELETE) with 402
 *   `payment_required`: JSON for API calls, an explanatory page for browser forms. Signing in and
 *   out, the caller's own account and tokens, billing itself and exports stay open;
 * - refuses bearer-token calls when the plan has no API access;
 * - puts the tenant's billing on `c.get("billing")` for pages (the grace banner).
 *
 * Routes that gate a feature or a limit use `requireEntitlement(key)`; other code calls
 * `assertMayUse(services, tenantId, key)`.
 */
import type { MiddlewareHandler, Next } from "hono";
import type { AppContext, AppEnv } from "../http/env.ts";
import { wantsJson } from "../http/env.ts";
import { errorLanguage, localizedError } from "../http/errors.ts";
import type { FeatureKey } from "./plans.ts";
import {
  type BillingDeps,
  mayAskAssistant,
  mayUse,
  type MeteredKey,
  type TenantBilling,
} from "./entitlements.ts";
import { entitlementError, type PaymentRequiredError, readOnlyError } from "./errors.ts";
import { renderRefusalPage } from "./refusal_page.tsx";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Writes a read-only workspace may still make: sign-in, own account, billing, exports. */
const OPEN_WHILE_READ_ONLY: readonly RegExp[] = [
  /^\/(login|logout|forgot-password|reset-password)$/,
  /^\/workspaces\/enter$/,
  /^\/auth\//,
  /^\/api\/v1\/auth\//,
  /^\/settings\/(profile|tokens|billing)(\/|$)/,
  /^\/api\/v1\/billing(\/|$)/,
  /\/exports?(\.[a-z]+)?(\/|$)/,
  // A list's column choice is a way of reading, not a change to the records.
  /^\/[a-z-]+\/columns$/,
];

/** True when a write to `path` is allowed while the workspace is read-only. */
export function openWhileReadOnly(path: string): boolean {
  return OPEN_WHILE_READ_ONLY.some((re) => re.test(path));
}

/** Applies the read-only state and API access to every request on a tenant host. */
export function billingGate(): MiddlewareHandler<AppEnv> {
  // A plain function when the tenant's billing is in the process's cache (nearly every request):
  // no promise and no hop unless a refusal or a load from the control database needs one.
  return (c, next) => {
    c.set("billing", undefined);
    const tenant = c.get("tenant");
    if (!tenant) return next();
    const write = !SAFE.has(c.req.method);
    if (!write && !c.get("auth")) return next();
    const billing = c.get("services").billing.cached(tenant.id);
    return billing
      ? gate(c, next, tenant.id, billing, write)
      : gateAfterLoading(c, next, tenant.id);
  };
}

/** Loads the tenant's billing (not cached, or stale), then gates the request with it. */
async function gateAfterLoading(c: AppContext, next: Next, tenantId: string): Promise<void> {
  const services = c.get("services");
  const billing = await services.billing.current(services, tenantId);
  if (!billing) return await next();
  await gate(c, next, tenantId, billing, !SAFE.has(c.req.method));
}

/** Refuses what the tenant's billing does not allow, else runs the rest of the chain. */
function gate(
  c: AppContext,
  next: Next,
  tenantId: string,
  billing: TenantBilling,
  write: boolean,
): Promise<void> {
  c.set("billing", billing);
  if (c.get("auth")?.via === "token" && !billing.entitlements.apiAccess) {
    const services = c.get("services");
    return mayUse(services, tenantId, "apiAccess").then((decision) => {
      refuse(c, entitlementError(decision));
    });
  }
  if (write && billing.access.mode === "read_only" && !openWhileReadOnly(c.req.path)) {
    refuse(c, readOnlyError(billing));
    return Promise.resolve();
  }
  return next();
}

/** Answers the refusal. Sets `c.res` as well: inside `chain()` a returned response is dropped. */
function refuse(c: AppContext, err: PaymentRequiredError) {
  // The API's message in the language the client asks for (English by default), like every error.
  const { message, details } = localizedError(err, errorLanguage(c, true));
  c.res = wantsJson(c)
    ? c.json({ error: { code: err.code, message, details } }, 402)
    : renderRefusalPage(c, err);
  return c.res;
}

/** Route guard: the tenant's plan must allow `key` (a feature, or `amount` more of a limit). */
export function requireEntitlement(
  key: FeatureKey | MeteredKey,
  amount = 1,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const tenant = c.get("tenant");
    if (tenant) await assertMayUse(c.get("services"), tenant.id, key, amount);
    await next();
  };
}

/** Throws 402 unless the tenant may use `key` (`amount` more of it for a metered limit). */
export async function assertMayUse(
  deps: BillingDeps,
  tenantId: string,
  key: FeatureKey | MeteredKey,
  amount = 1,
): Promise<void> {
  const decision = await mayUse(deps, tenantId, key, amount);
  if (!decision.allowed) throw entitlementError(decision);
}

/** Throws 402 unless the tenant may ask the AI assistant (in the plan, AI tokens left this month). */
export async function assertMayAskAssistant(deps: BillingDeps, tenantId: string): Promise<void> {
  const decision = await mayAskAssistant(deps, tenantId);
  if (!decision.allowed) throw entitlementError(decision);
}
