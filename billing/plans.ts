/**
 * @module billing/plans
 * The plans a tenant can be on, their prices and what each allows (entitlements). This is the
 * only module that knows plan names; everything else asks `billing/entitlements.ts`.
 */

export const PLAN_IDS = ["trial", "starter", "professional", "enterprise"] as const;
export type PlanId = typeof PLAN_IDS[number];
export const PAID_PLAN_IDS = ["starter", "professional", "enterprise"] as const;
export type PaidPlanId = typeof PAID_PLAN_IDS[number];
export const INTERVALS = ["month", "year"] as const;
export type Interval = typeof INTERVALS[number];

/** What a plan allows. `null` means unlimited. */
export interface Entitlements {
  seats: number | null;
  documentsPerMonth: number | null;
  aiTokensPerMonth: number | null;
  aiAssistant: boolean;
  apiAccess: boolean;
  customDomain: boolean;
  plugins: boolean;
  reportExports: boolean;
  /** Single sign-on through the workspace's OpenID Connect identity provider. */
  sso: boolean;
  auditRetentionDays: number;
}

export type EntitlementKey = keyof Entitlements;
export type FeatureKey = {
  [K in EntitlementKey]: Entitlements[K] extends boolean ? K : never;
}[EntitlementKey];
export type LimitKey = Exclude<EntitlementKey, FeatureKey>;

export const FEATURE_KEYS: readonly FeatureKey[] = [
  "aiAssistant",
  "apiAccess",
  "customDomain",
  "plugins",
  "reportExports",
  "sso",
];
export const LIMIT_KEYS: readonly LimitKey[] = [
  "seats",
  "documentsPerMonth",
  "aiTokensPerMonth",
  "auditRetentionDays",
];

export interface Plan {
  id: PlanId;
  name: string;
  summary: string;
  /** Prices in minor units (USD cents) by interval; the trial has none. */
  prices: Partial<Record<Interval, number>>;
  entitlements: Entitlements;
}

export const TRIAL_DAYS = 14;
export const CURRENCY = "usd";

export const PLANS: Readonly<Record<PlanId, Plan>> = {
  trial: {
    id: "trial",
    name: "Free trial",
    summary: `${TRIAL_DAYS} days of Professional features for a small team.`,
    prices: {},
    entitlements: {
      seats: 10,
      documentsPerMonth: 50,
      aiTokensPerMonth: 200_000,
      aiAssistant: true,
      apiAccess: true,
      customDomain: false,
      plugins: false,
      reportExports: true,
      sso: false,
      auditRetentionDays: 30,
    },
  },
  starter: {
    id: "starter",
    name: "Starter",
    summary: "A small brokerage: records, reports and exports.",
    prices: { month: 4_900, year: 49_000 },
    entitlements: {
      seats: 3,
      documentsPerMonth: 100,
      aiTokensPerMonth: 0,
      aiAssistant: false,
      apiAccess: false,
      customDomain: false,
      plugins: false,
      reportExports: true,
      sso: false,
      auditRetentionDays: 90,
    },
  },
  professional: {
    id: "professional",
    name: "Professional",
    summary: "A growing team with the AI assistant, the API and its own domain.",
    prices: { month: 14_900, year: 149_000 },
    entitlements: {
      seats: 15,
      documentsPerMonth: 2_000,
      aiTokensPerMonth: 2_000_000,
      aiAssistant: true,
      apiAccess: true,
      customDomain: true,
      plugins: false,
      reportExports: true,
      sso: false,
      auditRetentionDays: 365,
    },
  },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    summary: "Unlimited seats and documents, plugins, single sign-on and seven years of audit log.",
    prices: { month: 49_900, year: 499_000 },
    entitlements: {
      seats: null,
      documentsPerMonth: null,
      aiTokensPerMonth: null,
      aiAssistant: true,
      apiAccess: true,
      customDomain: true,
      plugins: true,
      reportExports: true,
      sso: true,
      auditRetentionDays: 2_555,
    },
  },
};

/** Narrows an unknown value to a plan id. */
export function isPlanId(value: unknown): value is PlanId {
  return typeof value === "string" && (PLAN_IDS as readonly string[]).includes(value);
}

/** Narrows an unknown value to a paid plan id (one that can be bought). */
export function isPaidPlanId(value: unknown): value is PaidPlanId {
  return typeof value === "string" && (PAID_PLAN_IDS as readonly string[]).includes(value);
}

/** The Stripe price lookup key of a plan and interval, e.g. `professional_month`. */
export function priceLookupKey(plan: PaidPlanId, interval: Interval): string {
  return `pm_${plan}_${interval}`;
}

/** Reads a lookup key back into a plan and interval (null when it is not one of ours). */
export function parseLookupKey(key: string | null | undefined): {
  plan: PaidPlanId;
  interval: Interval;
} | null {
  const m = /^pm_([a-z]+)_(month|year)$/.exec(key ?? "");
  if (!m || !isPaidPlanId(m[1])) return null;
  return { plan: m[1], interval: m[2] as Interval };
}

/** The plan's name, for pages and messages. */
export function planName(plan: PlanId): string {
  return PLANS[plan].name;
}

const count = new Intl.NumberFormat("en-US");

/** The entitlements as short sentences for plan cards and the billing page. */
export function describeEntitlements(e: Entitlements): string[] {
  const limit = (n: number | null, what: string) =>
    n === null ? `Unlimited ${what}` : `${count.format(n)} ${what}`;
  const out = [
    limit(e.seats, "seats"),
    `${limit(e.documentsPerMonth, "documents")} a month`,
    e.aiAssistant
      ? `AI assistant (${limit(e.aiTokensPerMonth, "tokens").toLowerCase()} a month)`
      : "No AI assistant",
    e.apiAccess ? "API access" : "No API access",
  ];
  if (e.customDomain) out.push("Custom domain");
  if (e.plugins) out.push("Plugins");
  if (e.reportExports) out.push("Report exports");
  if (e.sso) out.push("Single sign-on (OpenID Connect)");
  out.push(`Audit log kept ${count.format(e.auditRetentionDays)} days`);
  return out;
}

/** A price in minor units as text, e.g. `$149`. */
export function formatPrice(cents: number | undefined): string | null {
  if (cents === undefined) return null;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: CURRENCY.toUpperCase(),
    maximumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100);
}
