/**
 * @module billing/runtime
 * The long-lived billing parts of one process: the Stripe client (null offline), the price-id
 * cache, and a short cache of each tenant's billing so the middleware costs no control query on
 * most requests. Anything that changes a tenant's billing here calls `invalidate(tenantId)`, which
 * with Redis also tells the other processes (db/redis_notices.ts): the worker handles Stripe's
 * events, and the app machines see a new plan or a failed payment at once. Without Redis they see
 * it within `ttlMs`.
 */
import type { Config } from "../config.ts";
import { type BillingDeps, loadTenantBilling, type TenantBilling } from "./entitlements.ts";
import { createStripeClient, type PriceCache, type Stripe } from "./stripe.ts";

export class BillingRuntime {
  readonly stripe: Stripe | null;
  readonly prices: PriceCache = new Map();
  #cache = new Map<string, { value: TenantBilling; until: number }>();
  /** Changes on every invalidation: a load that overlapped one is not cached. */
  #invalidations = 0;
  #onInvalidate: Array<(tenantId: string) => void> = [];

  constructor(
    config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">,
    readonly ttlMs = 5_000,
  ) {
    this.stripe = createStripeClient(config);
  }

  /** True when Stripe is configured (online billing). */
  get online(): boolean {
    return this.stripe !== null;
  }

  /**
   * The tenant's billing when the cache holds it fresh, else undefined (then ask `current`):
   * the request path's synchronous look, which costs no promise.
   */
  cached(tenantId: string, now = Date.now()): TenantBilling | undefined {
    const hit = this.#cache.get(tenantId);
    return hit && hit.until > now ? hit.value : undefined;
  }

  /** The tenant's billing, from the cache when fresh. */
  async current(deps: BillingDeps, tenantId: string): Promise<TenantBilling | null> {
    const now = Date.now();
    const hit = this.#cache.get(tenantId);
    if (hit && hit.until > now) return hit.value;
    const mark = this.#invalidations;
    const value = await loadTenantBilling(deps, tenantId);
    if (value && mark === this.#invalidations) {
      this.#cache.set(tenantId, { value, until: now + this.ttlMs });
    }
    return value;
  }

  /** Forgets cached billing (one tenant, or all) after a change here, and tells the listeners. */
  invalidate(tenantId?: string): void {
    this.invalidateLocal(tenantId);
    for (const listener of this.#onInvalidate) listener(tenantId ?? "");
  }

  /** Forgets cached billing in this process only (another process made the change). */
  invalidateLocal(tenantId?: string): void {
    if (tenantId) this.#cache.delete(tenantId);
    else this.#cache.clear();
    this.#invalidations++;
  }

  /** Runs `listener` with the tenant id ("" for all) after every `invalidate` made here. */
  onInvalidate(listener: (tenantId: string) => void): void {
    this.#onInvalidate.push(listener);
  }
}
