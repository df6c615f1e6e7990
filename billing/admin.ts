/**
 * @module billing/admin
 * Changes an operator (or the offline CLI) makes to a tenant's billing: set the plan and status,
 * set entitlement overrides, install or remove a licence key. Each returns the new billing so the
 * caller can show it; callers in a running server invalidate `services.billing` afterwards.
 */
import type { Client } from "../db/client.ts";
import { InvalidError, NotFoundError } from "../domain/errors.ts";
import { type BillingDeps, entitlementsFor, type TenantBilling } from "./entitlements.ts";
import { type License, LicenseError, verifyLicense } from "./license.ts";
import { FEATURE_KEYS, type Interval, LIMIT_KEYS, type PlanId } from "./plans.ts";
import {
  type BillingPatch,
  loadBillingState,
  type SubscriptionStatus,
  updateBillingState,
} from "./state.ts";

/** Finds a tenant id by slug (operators name tenants by slug). */
export async function tenantIdBySlug(control: Client, slug: string): Promise<string> {
  const rs = await control.execute({ sql: "SELECT id FROM tenants WHERE slug = ?", args: [slug] });
  const id = rs.rows[0]?.id;
  if (id === undefined) throw new NotFoundError(`There is no tenant with the slug "${slug}".`);
  return String(id);
}

/** Sets plan and status directly (offline mode; with Stripe, the next event wins). */
export async function setPlan(
  deps: BillingDeps,
  tenantId: string,
  input: {
    plan: PlanId;
    status: SubscriptionStatus;
    interval?: Interval | null;
    trialEndsAt?: string | null;
    pastDueSince?: string | null;
    currentPeriodEnd?: string | null;
  },
): Promise<TenantBilling> {
  const state = await loadBillingState(deps.control, tenantId);
  if (!state) throw new NotFoundError("No such tenant.");
  const now = deps.clock.now().toISOString();
  const patch: BillingPatch = { plan: input.plan, status: input.status };
  if (input.interval !== undefined) patch.billing_interval = input.interval;
  if (input.trialEndsAt !== undefined) patch.trial_ends_at = input.trialEndsAt;
  if (input.currentPeriodEnd !== undefined) patch.current_period_end = input.currentPeriodEnd;
  // Entering past_due starts the grace period now, unless the caller names its start.
  if (input.pastDueSince !== undefined) patch.past_due_since = input.pastDueSince;
  else if (input.status === "past_due" || input.status === "unpaid") {
    patch.past_due_since = state.pastDueSince ?? now;
  } else patch.past_due_since = null;
  await updateBillingState(deps.control, tenantId, patch);
  return await entitlementsFor(deps, tenantId);
}

/** Parses `key=value` pairs into entitlement overrides (`seats=25`, `apiAccess=true`, `-seats`). */
export function parseOverrides(
  pairs: string[],
  current: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...current };
  for (const pair of pairs) {
    if (pair.startsWith("-")) {
      delete out[pair.slice(1)];
      continue;
    }
    const [key, raw] = pair.split("=", 2);
    if (!key || raw === undefined) throw new InvalidError(`Write overrides as key=value: ${pair}`);
    if ((FEATURE_KEYS as readonly string[]).includes(key)) {
      if (raw !== "true" && raw !== "false") throw new InvalidError(`${key} is true or false.`);
      out[key] = raw === "true";
    } else if ((LIMIT_KEYS as readonly string[]).includes(key)) {
      if (raw === "unlimited" && key !== "auditRetentionDays") out[key] = null;
      else if (/^\d+$/.test(raw)) out[key] = Number(raw);
      else throw new InvalidError(`${key} is a whole number or "unlimited".`);
    } else {
      throw new InvalidError(
        `Unknown entitlement ${key}. Known: ${[...FEATURE_KEYS, ...LIMIT_KEYS].join(", ")}.`,
      );
    }
  }
  return out;
}

/** Replaces a tenant's entitlement overrides. */
export async function setOverrides(
  deps: BillingDeps,
  tenantId: string,
  overrides: Record<string, unknown>,
): Promise<TenantBilling> {
  await updateBillingState(deps.control, tenantId, { overrides: JSON.stringify(overrides) });
  return await entitlementsFor(deps, tenantId);
}

/** Verifies a licence for this tenant and installs it; an altered or foreign key is refused. */
export async function installLicense(
  deps: BillingDeps,
  tenantId: string,
  token: string,
): Promise<License> {
  const publicKey = deps.config.LICENSE_PUBLIC_KEY;
  if (!publicKey) {
    throw new InvalidError("This server has no LICENSE_PUBLIC_KEY, so it cannot check licences.");
  }
  let license: License;
  try {
    license = await verifyLicense(token.trim(), publicKey, tenantId);
  } catch (err) {
    if (err instanceof LicenseError) {
      throw new InvalidError(err.message, { license: [err.message] }, 422);
    }
    throw err;
  }
  if (!(await loadBillingState(deps.control, tenantId))) throw new NotFoundError("No such tenant.");
  await updateBillingState(deps.control, tenantId, {
    license_token: token.trim(),
    plan: license.plan,
  });
  return license;
}

/** Removes the licence: the tenant's subscription state decides again. */
export async function removeLicense(deps: BillingDeps, tenantId: string): Promise<void> {
  await updateBillingState(deps.control, tenantId, { license_token: null });
}
