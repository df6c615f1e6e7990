/**
 * @module billing/stripe
 * The only code that talks to Stripe, through the official `stripe` package. The API address is
 * configurable (STRIPE_API_BASE) so tests point it at a loopback double. Without
 * STRIPE_SECRET_KEY billing is offline: these functions are not called and the billing page says
 * so.
 */
import Stripe from "stripe";
import type { Config } from "../config.ts";
import { ConflictError } from "../domain/errors.ts";
import type { BillingDeps } from "./entitlements.ts";
import {
  CURRENCY,
  type Interval,
  INTERVALS,
  PAID_PLAN_IDS,
  type PaidPlanId,
  PLANS,
  priceLookupKey,
} from "./plans.ts";
import { loadBillingState } from "./state.ts";

export type { Stripe };

/** Builds a Stripe client from the configuration; null in offline mode (no secret key). */
export function createStripeClient(
  config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">,
): Stripe | null {
  if (!config.STRIPE_SECRET_KEY) return null;
  const options: Stripe.StripeConfig = { maxNetworkRetries: 2, telemetry: false, timeout: 20_000 };
  if (config.STRIPE_API_BASE) {
    const base = new URL(config.STRIPE_API_BASE);
    const protocol = base.protocol === "http:" ? "http" : "https";
    options.host = base.hostname;
    options.port = Number(base.port || (protocol === "http" ? 80 : 443));
    options.protocol = protocol;
    options.maxNetworkRetries = 0;
  }
  return new Stripe(config.STRIPE_SECRET_KEY, options);
}

/**
 * Origins the billing page's forms redirect to (Stripe Checkout and the Customer Portal), for the
 * CSP `form-action`: Chromium applies it to the redirect after a form post.
 */
export function stripeFormTargets(
  config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">,
): string[] {
  if (!config.STRIPE_SECRET_KEY) return [];
  if (config.STRIPE_API_BASE) return [new URL(config.STRIPE_API_BASE).origin];
  return ["https://checkout.stripe.com", "https://billing.stripe.com"];
}

/** A client used only to check webhook signatures (needs no API key or network). */
export function webhookVerifier(): Stripe {
  return new Stripe("sk_webhook_verification_only", { telemetry: false });
}

/** Prices already looked up, by lookup key (price ids never change for a key we keep). */
export type PriceCache = Map<string, string>;

/** The Stripe price id for a plan and interval (created by `billing:sync-plans`). */
export async function priceIdFor(
  stripe: Stripe,
  cache: PriceCache,
  plan: PaidPlanId,
  interval: Interval,
): Promise<string> {
  const key = priceLookupKey(plan, interval);
  const hit = cache.get(key);
  if (hit) return hit;
  const list = await stripe.prices.list({ lookup_keys: [key], active: true, limit: 1 });
  const price = list.data[0];
  if (!price) {
    throw new ConflictError(
      `Stripe has no price ${key}. An operator runs "deno task billing:sync-plans" first.`,
    );
  }
  cache.set(key, price.id);
  return price.id;
}

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
}

/** The tenant's Stripe customer, created (once, idempotently) at its first checkout. */
export async function ensureCustomer(
  deps: BillingDeps,
  stripe: Stripe,
  tenant: TenantRef,
  email: string,
): Promise<string> {
  const state = await loadBillingState(deps.control, tenant.id);
  if (state?.stripeCustomerId) return state.stripeCustomerId;
  const customer = await stripe.customers.create(
    { name: tenant.name, email, metadata: { tenant_id: tenant.id, tenant_slug: tenant.slug } },
    { idempotencyKey: `pm-customer-${tenant.id}` },
  );
  // Two first checkouts at once get the same customer (same idempotency key); keep the first.
  await deps.control.execute({
    sql: `UPDATE tenant_billing SET stripe_customer_id = ?, updated_at = ?
          WHERE tenant_id = ? AND stripe_customer_id IS NULL`,
    args: [customer.id, new Date().toISOString(), tenant.id],
  });
  return (await loadBillingState(deps.control, tenant.id))?.stripeCustomerId ?? customer.id;
}

const LIVE = new Set(["active", "trialing", "past_due", "unpaid", "incomplete", "paused"]);

/**
 * Where to send an owner who picked a plan: a Checkout Session for a new subscription, or the
 * Customer Portal's confirm-update flow to change the plan of a live one (so Stripe prorates and
 * the tenant never holds two subscriptions).
 */
export async function startCheckout(
  deps: BillingDeps,
  stripe: Stripe,
  prices: PriceCache,
  input: { tenant: TenantRef; email: string; plan: PaidPlanId; interval: Interval; origin: string },
): Promise<{ url: string; kind: "checkout" | "portal_update" }> {
  const { tenant, plan, interval, origin } = input;
  const price = await priceIdFor(stripe, prices, plan, interval);
  const customer = await ensureCustomer(deps, stripe, tenant, input.email);
  const state = await loadBillingState(deps.control, tenant.id);
  const returnUrl = `${origin}/settings/billing`;
  if (state?.stripeSubscriptionId && LIVE.has(state.status)) {
    const sub = await stripe.subscriptions.retrieve(state.stripeSubscriptionId);
    const item = sub.items.data[0];
    if (item && LIVE.has(sub.status)) {
      const session = await stripe.billingPortal.sessions.create({
        customer,
        return_url: returnUrl,
        flow_data: {
          type: "subscription_update_confirm",
          subscription_update_confirm: { subscription: sub.id, items: [{ id: item.id, price }] },
          after_completion: { type: "redirect", redirect: { return_url: returnUrl } },
        },
      });
      return { url: session.url, kind: "portal_update" };
    }
  }
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    client_reference_id: tenant.id,
    line_items: [{ price, quantity: 1 }],
    success_url: `${returnUrl}?checkout=success`,
    cancel_url: `${returnUrl}?checkout=canceled`,
    metadata: { tenant_id: tenant.id, plan, interval },
    subscription_data: { metadata: { tenant_id: tenant.id, plan, interval } },
    allow_promotion_codes: true,
  });
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL.");
  return { url: session.url, kind: "checkout" };
}

/** A Customer Portal session (payment methods, invoices, cancellation). */
export async function openPortal(
  deps: BillingDeps,
  stripe: Stripe,
  input: { tenant: TenantRef; email: string; origin: string },
): Promise<string> {
  const customer = await ensureCustomer(deps, stripe, input.tenant, input.email);
  const session = await stripe.billingPortal.sessions.create({
    customer,
    return_url: `${input.origin}/settings/billing`,
  });
  return session.url;
}

/**
 * Creates or updates one Stripe product per paid plan (id `pm_<plan>`) and one price per
 * interval (lookup key `pm_<plan>_<interval>`). Running it again changes nothing; a changed
 * amount creates a new price, moves the lookup key to it and archives the old one.
 */
export async function syncPlans(stripe: Stripe): Promise<string[]> {
  const report: string[] = [];
  for (const planId of PAID_PLAN_IDS) {
    const plan = PLANS[planId];
    const productId = `pm_${planId}`;
    let product: Stripe.Product | null = null;
    try {
      product = await stripe.products.retrieve(productId);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    if (!product) {
      await stripe.products.create({
        id: productId,
        name: `ProjectMeats ${plan.name}`,
        description: plan.summary,
        metadata: { plan: planId },
      });
      report.push(`created product ${productId}`);
    } else if (
      product.name !== `ProjectMeats ${plan.name}` || product.description !== plan.summary ||
      !product.active
    ) {
      await stripe.products.update(productId, {
        name: `ProjectMeats ${plan.name}`,
        description: plan.summary,
        active: true,
      });
      report.push(`updated product ${productId}`);
    } else {
      report.push(`product ${productId} is up to date`);
    }
    const keys = INTERVALS.map((i) => priceLookupKey(planId, i));
    const existing = await stripe.prices.list({ lookup_keys: keys, limit: 10 });
    for (const interval of INTERVALS) {
      const amount = plan.prices[interval];
      if (amount === undefined) continue;
      const key = priceLookupKey(planId, interval);
      const current = existing.data.find((p) => p.lookup_key === key);
      const same = current && current.active && current.unit_amount === amount &&
        current.currency === CURRENCY && current.recurring?.interval === interval &&
        (typeof current.product === "string" ? current.product : current.product.id) === productId;
      if (same) {
        report.push(`price ${key} is up to date`);
        continue;
      }
      await stripe.prices.create({
        product: productId,
        unit_amount: amount,
        currency: CURRENCY,
        recurring: { interval },
        lookup_key: key,
        transfer_lookup_key: true,
        metadata: { plan: planId, interval },
      });
      if (current?.active) await stripe.prices.update(current.id, { active: false });
      report.push(current ? `replaced price ${key}` : `created price ${key}`);
    }
  }
  return report;
}
