/**
 * @module billing/state
 * Each tenant's subscription state in the control database (`tenant_billing`) and the one access
 * rule derived from it: full, full with a grace banner, or read-only. A tenant without a row (a
 * fresh signup) gets one lazily: a trial of `TRIAL_DAYS` from the tenant's creation.
 */
import type { Client } from "../db/client.ts";
import type { Executor } from "../db/transaction.ts";
import { type Interval, isPlanId, type PlanId, TRIAL_DAYS } from "./plans.ts";

export const SUBSCRIPTION_STATUSES = [
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "paused",
] as const;
export type SubscriptionStatus = typeof SUBSCRIPTION_STATUSES[number];

/** Narrows an unknown value to a subscription status. */
export function isSubscriptionStatus(value: unknown): value is SubscriptionStatus {
  return typeof value === "string" &&
    (SUBSCRIPTION_STATUSES as readonly string[]).includes(value);
}

export interface BillingState {
  tenantId: string;
  plan: PlanId;
  interval: Interval | null;
  status: SubscriptionStatus;
  trialEndsAt: string | null;
  currentPeriodEnd: string | null;
  pastDueSince: string | null;
  cancelAtPeriodEnd: boolean;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  stripeSyncedAt: number;
  stripeSyncedRank: number;
  overrides: Record<string, unknown>;
  licenseToken: string | null;
}

const DAY_MS = 86_400_000;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function toState(r: Record<string, unknown>): BillingState {
  let overrides: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(String(r.overrides ?? "{}"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) overrides = parsed;
  } catch { /* a broken override is ignored rather than locking the tenant out */ }
  return {
    tenantId: String(r.tenant_id),
    plan: isPlanId(r.plan) ? r.plan : "trial",
    interval: r.billing_interval === "month" || r.billing_interval === "year"
      ? r.billing_interval
      : null,
    status: isSubscriptionStatus(r.status) ? r.status : "canceled",
    trialEndsAt: str(r.trial_ends_at),
    currentPeriodEnd: str(r.current_period_end),
    pastDueSince: str(r.past_due_since),
    cancelAtPeriodEnd: Number(r.cancel_at_period_end) === 1,
    stripeCustomerId: str(r.stripe_customer_id),
    stripeSubscriptionId: str(r.stripe_subscription_id),
    stripeSyncedAt: Number(r.stripe_synced_at ?? 0),
    stripeSyncedRank: Number(r.stripe_synced_rank ?? 0),
    overrides,
    licenseToken: str(r.license_token),
  };
}

/** Reads a tenant's billing row, creating the trial row on first use (null: no such tenant). */
export async function loadBillingState(
  control: Client,
  tenantId: string,
): Promise<BillingState | null> {
  const rs = await control.execute({
    sql: "SELECT * FROM tenant_billing WHERE tenant_id = ?",
    args: [tenantId],
  });
  if (rs.rows[0]) return toState(rs.rows[0]);
  const tenant = await control.execute({
    sql: "SELECT created_at FROM tenants WHERE id = ?",
    args: [tenantId],
  });
  const created = tenant.rows[0]?.created_at;
  if (created === undefined) return null;
  const trialEnds = new Date(new Date(String(created)).getTime() + TRIAL_DAYS * DAY_MS);
  const now = new Date().toISOString();
  await control.execute({
    sql:
      `INSERT INTO tenant_billing (tenant_id, plan, status, trial_ends_at, created_at, updated_at)
          VALUES (?, 'trial', 'trialing', ?, ?, ?) ON CONFLICT (tenant_id) DO NOTHING`,
    args: [tenantId, trialEnds.toISOString(), now, now],
  });
  const again = await control.execute({
    sql: "SELECT * FROM tenant_billing WHERE tenant_id = ?",
    args: [tenantId],
  });
  return again.rows[0] ? toState(again.rows[0]) : null;
}

/** The fields of a billing row that may be changed, in column form. */
export interface BillingPatch {
  plan?: PlanId;
  billing_interval?: Interval | null;
  status?: SubscriptionStatus;
  trial_ends_at?: string | null;
  current_period_end?: string | null;
  past_due_since?: string | null;
  cancel_at_period_end?: 0 | 1;
  stripe_customer_id?: string | null;
  stripe_subscription_id?: string | null;
  stripe_synced_at?: number;
  stripe_synced_rank?: number;
  overrides?: string;
  license_token?: string | null;
}

/** Writes `patch` to a tenant's billing row (which must exist: load it first). */
export async function updateBillingState(
  db: Executor,
  tenantId: string,
  patch: BillingPatch,
): Promise<void> {
  const keys = Object.keys(patch) as Array<keyof BillingPatch>;
  if (keys.length === 0) return;
  await db.execute({
    sql: `UPDATE tenant_billing SET ${keys.map((k) => `${k} = ?`).join(", ")}, updated_at = ?
          WHERE tenant_id = ?`,
    args: [...keys.map((k) => patch[k] ?? null), new Date().toISOString(), tenantId],
  });
}

/** Finds the tenant that a Stripe customer belongs to. */
export async function tenantForCustomer(control: Client, customerId: string) {
  const rs = await control.execute({
    sql: "SELECT tenant_id FROM tenant_billing WHERE stripe_customer_id = ?",
    args: [customerId],
  });
  return str(rs.rows[0]?.tenant_id);
}

export type AccessMode = "full" | "grace" | "read_only";

export interface Access {
  mode: AccessMode;
  /** Why the tenant is in this mode, as a stable code. */
  reason:
    | "trialing"
    | "active"
    | "past_due"
    | "trial_ended"
    | "grace_expired"
    | "unpaid"
    | "canceled"
    | "incomplete_expired"
    | "incomplete"
    | "paused"
    | "license_valid"
    | "license_expiring"
    | "license_expired"
    | "license_invalid";
  /** When full access ends (end of grace), if it is about to. */
  graceEndsAt: string | null;
  /** A sentence for banners, pages and API errors. */
  message: string;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The access rule: trialing and active full; past_due full during grace; the rest read-only. */
export function accessFor(state: BillingState, now: Date, graceDays: number): Access {
  const t = now.getTime();
  const readOnly = (reason: Access["reason"], message: string): Access => ({
    mode: "read_only",
    reason,
    graceEndsAt: null,
    message: `${message} The workspace is read-only: you can sign in, see and export everything, ` +
      "and pay; nothing can be created or changed until billing is sorted out.",
  });
  switch (state.status) {
    case "active":
      return { mode: "full", reason: "active", graceEndsAt: null, message: "" };
    case "trialing":
    case "incomplete": {
      const ends = state.trialEndsAt ? new Date(state.trialEndsAt).getTime() : Infinity;
      if (t < ends) {
        return {
          mode: "full",
          reason: state.status === "trialing" ? "trialing" : "incomplete",
          graceEndsAt: null,
          message: "",
        };
      }
      return readOnly("trial_ended", "The free trial has ended.");
    }
    case "past_due": {
      const since = state.pastDueSince ? new Date(state.pastDueSince).getTime() : t;
      const graceEnds = since + graceDays * DAY_MS;
      if (t < graceEnds) {
        const iso = new Date(graceEnds).toISOString();
        return {
          mode: "grace",
          reason: "past_due",
          graceEndsAt: iso,
          message: `The last payment failed. Update the payment method before ${
            day(iso)
          } to keep full access.`,
        };
      }
      return readOnly("grace_expired", "The last payment failed and the grace period is over.");
    }
    case "unpaid":
      return readOnly("unpaid", "The subscription is unpaid.");
    case "canceled":
      return readOnly("canceled", "The subscription was canceled.");
    case "incomplete_expired":
      return readOnly("incomplete_expired", "The first payment never completed.");
    case "paused":
      return readOnly("paused", "The subscription is paused.");
  }
}

/** The same rule for a licence: full until it expires, grace after, then read-only. */
export function accessForLicense(expiresAt: Date | null, now: Date, graceDays: number): Access {
  if (!expiresAt) {
    return {
      mode: "read_only",
      reason: "license_invalid",
      graceEndsAt: null,
      message: "The installed licence key is not valid. The workspace is read-only until a " +
        "valid licence is installed; everything can still be seen and exported.",
    };
  }
  const t = now.getTime();
  const exp = expiresAt.getTime();
  if (t < exp) return { mode: "full", reason: "license_valid", graceEndsAt: null, message: "" };
  const graceEnds = exp + graceDays * DAY_MS;
  if (t < graceEnds) {
    const iso = new Date(graceEnds).toISOString();
    return {
      mode: "grace",
      reason: "license_expiring",
      graceEndsAt: iso,
      message: `The licence expired on ${day(expiresAt.toISOString())}. Install a renewed ` +
        `licence before ${day(iso)} to keep full access.`,
    };
  }
  return {
    mode: "read_only",
    reason: "license_expired",
    graceEndsAt: null,
    message: `The licence expired on ${day(expiresAt.toISOString())}. The workspace is ` +
      "read-only until a renewed licence is installed; everything can still be seen and exported.",
  };
}
