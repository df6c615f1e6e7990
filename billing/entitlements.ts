/**
 * @module billing/entitlements
 * The one place that answers "may this tenant use X, and how much is left?". It combines the
 * plan's entitlements (or a licence's), an operator's per-tenant overrides and the usage counters,
 * and knows the tenant's access mode (full, grace, read-only). Every other module asks here;
 * nothing else compares plan names.
 *
 *     const decision = await mayUse(services, tenantId, "documentsPerMonth", 1);
 *     if (!decision.allowed) throw paymentRequired(decision);
 *     ... process the document ...
 *     await recordUsage(services, tenantId, "documentsPerMonth", 1);
 */
import type { Client } from "../db/client.ts";
import type { Config } from "../config.ts";
import type { Clock } from "../domain/clock.ts";
import { type License, LicenseError, verifyLicense } from "./license.ts";
import {
  type Entitlements,
  FEATURE_KEYS,
  type FeatureKey,
  LIMIT_KEYS,
  type PlanId,
  PLANS,
} from "./plans.ts";
import {
  type Access,
  accessFor,
  accessForLicense,
  type BillingState,
  loadBillingState,
} from "./state.ts";

/** What the billing functions need: the control database and the configuration. */
export interface BillingDeps {
  control: Client;
  config: Pick<Config, "BILLING_GRACE_DAYS" | "LICENSE_PUBLIC_KEY">;
  /** The clock in Services: trials, grace periods and usage months are read from it. */
  clock: Clock;
}

/** Everything known about a tenant's billing at one moment. */
export interface TenantBilling {
  tenantId: string;
  plan: PlanId;
  source: "subscription" | "license";
  state: BillingState;
  license: License | null;
  access: Access;
  entitlements: Entitlements;
}

/** Metered usage: seats by counting members, the rest from `usage_counters` per month. */
export type MeteredKey = "seats" | "documentsPerMonth" | "aiTokensPerMonth";
export type CountedMetric = "documentsPerMonth" | "aiTokensPerMonth";

/** Applies an operator's overrides (only known keys with the right type) on top of `base`. */
export function applyOverrides(
  base: Entitlements,
  overrides: Record<string, unknown>,
): Entitlements {
  const out: Entitlements = { ...base };
  for (const key of FEATURE_KEYS) {
    const v = overrides[key];
    if (typeof v === "boolean") out[key] = v;
  }
  for (const key of LIMIT_KEYS) {
    const v = overrides[key];
    if (v === null && key !== "auditRetentionDays") out[key] = null;
    else if (typeof v === "number" && Number.isInteger(v) && v >= 0) out[key] = v;
  }
  return out;
}

/** Loads a tenant's plan, access mode and entitlements (null when the tenant does not exist). */
export async function loadTenantBilling(
  deps: BillingDeps,
  tenantId: string,
  now = deps.clock.now(),
): Promise<TenantBilling | null> {
  const state = await loadBillingState(deps.control, tenantId);
  if (!state) return null;
  const grace = deps.config.BILLING_GRACE_DAYS;
  if (state.licenseToken) {
    let license: License | null = null;
    if (deps.config.LICENSE_PUBLIC_KEY) {
      try {
        license = await verifyLicense(state.licenseToken, deps.config.LICENSE_PUBLIC_KEY, tenantId);
      } catch (err) {
        if (!(err instanceof LicenseError)) throw err;
      }
    }
    return {
      tenantId,
      plan: license?.plan ?? state.plan,
      source: "license",
      state,
      license,
      access: accessForLicense(license?.expiresAt ?? null, now, grace),
      // A licence decides the entitlements on its own: operator overrides do not widen it.
      entitlements: license?.entitlements ?? PLANS[state.plan].entitlements,
    };
  }
  return {
    tenantId,
    plan: state.plan,
    source: "subscription",
    state,
    license: null,
    access: accessFor(state, now, grace),
    entitlements: applyOverrides(PLANS[state.plan].entitlements, state.overrides),
  };
}

/** A tenant's entitlements and access (throws when the tenant does not exist). */
export async function entitlementsFor(
  deps: BillingDeps,
  tenantId: string,
  now = deps.clock.now(),
): Promise<TenantBilling> {
  const billing = await loadTenantBilling(deps, tenantId, now);
  if (!billing) throw new Error(`No tenant ${tenantId}.`);
  return billing;
}

/** The usage period (UTC calendar month) that `now` falls in, as `YYYY-MM`. */
export function usagePeriod(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/** Adds `amount` to a monthly counter (documents processed, AI tokens used). */
export async function recordUsage(
  deps: Pick<BillingDeps, "control" | "clock">,
  tenantId: string,
  metric: CountedMetric,
  amount: number,
  now = deps.clock.now(),
): Promise<void> {
  if (!Number.isFinite(amount) || amount <= 0) return;
  await deps.control.execute({
    sql: `INSERT INTO usage_counters (tenant_id, metric, period, amount) VALUES (?, ?, ?, ?)
          ON CONFLICT (tenant_id, metric, period) DO UPDATE SET amount = amount + excluded.amount`,
    args: [tenantId, metric, usagePeriod(now), Math.round(amount)],
  });
}

/** Seats in use (members) and reserved (pending invitations). */
export async function seatsInUse(
  control: Client,
  tenantId: string,
): Promise<{ members: number; pending: number }> {
  const rs = await control.execute({
    sql: `SELECT (SELECT COUNT(*) FROM memberships WHERE tenant_id = ?1) AS members,
            (SELECT COUNT(*) FROM invitations WHERE tenant_id = ?1 AND accepted_at IS NULL
              AND revoked_at IS NULL AND expires_at > ?2) AS pending`,
    args: [tenantId, new Date().toISOString()],
  });
  return { members: Number(rs.rows[0]?.members ?? 0), pending: Number(rs.rows[0]?.pending ?? 0) };
}

/** Current usage of every metered entitlement. */
export async function usageFor(
  deps: Pick<BillingDeps, "control" | "clock">,
  tenantId: string,
  now = deps.clock.now(),
): Promise<Record<MeteredKey, number> & { pendingInvitations: number }> {
  const seats = await seatsInUse(deps.control, tenantId);
  const rs = await deps.control.execute({
    sql: "SELECT metric, amount FROM usage_counters WHERE tenant_id = ? AND period = ?",
    args: [tenantId, usagePeriod(now)],
  });
  const counted = new Map(rs.rows.map((r) => [String(r.metric), Number(r.amount)]));
  return {
    seats: seats.members,
    pendingInvitations: seats.pending,
    documentsPerMonth: counted.get("documentsPerMonth") ?? 0,
    aiTokensPerMonth: counted.get("aiTokensPerMonth") ?? 0,
  };
}

/** The answer to "may this tenant use X?". */
export interface Decision {
  allowed: boolean;
  key: FeatureKey | MeteredKey;
  plan: PlanId;
  /** For metered keys: the limit (null = unlimited), what is used and what is left. */
  limit: number | null;
  used: number;
  remaining: number | null;
  /** Why it was refused: the plan lacks it, the limit is reached, or the workspace is read-only. */
  reason: "allowed" | "not_in_plan" | "limit_reached" | "read_only";
  message: string;
}

const LABELS: Record<FeatureKey | MeteredKey, string> = {
  aiAssistant: "The AI assistant",
  apiAccess: "API access",
  customDomain: "A custom domain",
  plugins: "Plugins",
  reportExports: "Report exports",
  sso: "Single sign-on",
  seats: "Seats",
  documentsPerMonth: "Documents processed this month",
  aiTokensPerMonth: "AI tokens this month",
};

/** Decides with an already loaded billing (pages that show many answers load once). */
export function decide(
  billing: TenantBilling,
  usage: Record<MeteredKey, number> & { pendingInvitations: number },
  key: FeatureKey | MeteredKey,
  amount = 1,
): Decision {
  const plan = PLANS[billing.plan].name;
  const base = { key, plan: billing.plan };
  if ((FEATURE_KEYS as readonly string[]).includes(key)) {
    const allowed = billing.entitlements[key as FeatureKey];
    return {
      ...base,
      allowed,
      limit: null,
      used: 0,
      remaining: null,
      reason: allowed ? "allowed" : "not_in_plan",
      message: allowed
        ? ""
        : `${LABELS[key]} is not part of the ${plan} plan. Upgrade on the billing page to use it.`,
    };
  }
  const limit = billing.entitlements[key as MeteredKey];
  const used = key === "seats" ? usage.seats + usage.pendingInvitations : usage[key as MeteredKey];
  const remaining = limit === null ? null : Math.max(0, limit - used);
  if (billing.access.mode === "read_only") {
    return {
      ...base,
      allowed: false,
      limit,
      used,
      remaining,
      reason: "read_only",
      message: billing.access.message,
    };
  }
  const allowed = limit === null || used + amount <= limit;
  const message = key === "seats"
    ? `All ${limit} seats of the ${plan} plan are taken (members and pending invitations). ` +
      "Upgrade on the billing page, or remove a member or an invitation."
    : `${LABELS[key]}: the ${plan} plan allows ${limit} and ${used} are used. ` +
      "Upgrade on the billing page, or wait for next month.";
  return {
    ...base,
    allowed,
    limit,
    used,
    remaining,
    reason: allowed ? "allowed" : "limit_reached",
    message: allowed ? "" : message,
  };
}

/** May this tenant use `key` (a feature, or `amount` more of a metered entitlement)? */
export async function mayUse(
  deps: BillingDeps,
  tenantId: string,
  key: FeatureKey | MeteredKey,
  amount = 1,
  now = deps.clock.now(),
): Promise<Decision> {
  const billing = await entitlementsFor(deps, tenantId, now);
  const usage = (FEATURE_KEYS as readonly string[]).includes(key)
    ? { seats: 0, pendingInvitations: 0, documentsPerMonth: 0, aiTokensPerMonth: 0 }
    : await usageFor(deps, tenantId, now);
  return decide(billing, usage, key, amount);
}

/**
 * May this tenant spend AI tokens now: some of this month's allowance is left and the workspace is
 * not read-only. A used-up allowance refuses the assistant; documents are then read offline.
 */
export function mayUseAiTokens(
  deps: BillingDeps,
  tenantId: string,
  now = deps.clock.now(),
): Promise<Decision> {
  return mayUse(deps, tenantId, "aiTokensPerMonth", 1, now);
}

/** May this tenant ask the AI assistant now: the plan has it and AI tokens are left this month. */
export async function mayAskAssistant(
  deps: BillingDeps,
  tenantId: string,
  now = deps.clock.now(),
): Promise<Decision> {
  const billing = await entitlementsFor(deps, tenantId, now);
  const usage = await usageFor(deps, tenantId, now);
  const feature = decide(billing, usage, "aiAssistant");
  return feature.allowed ? decide(billing, usage, "aiTokensPerMonth") : feature;
}

/**
 * Whether pages offer the assistant (the Ask panel, its navigation item): the plan has it and the
 * workspace is not read-only, where asking is refused. The month's tokens are checked on asking.
 */
export function assistantOffered(billing: TenantBilling | undefined): boolean {
  return Boolean(billing?.entitlements.aiAssistant) && billing?.access.mode !== "read_only";
}

/** Whether the tenant is read-only now (for workers that write on a tenant's behalf). */
export async function isReadOnly(deps: BillingDeps, tenantId: string): Promise<boolean> {
  return (await entitlementsFor(deps, tenantId)).access.mode === "read_only";
}
