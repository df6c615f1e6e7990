/**
 * @module ops/tenant_labels
 * Which tenants keep their own `tenant` label on the request metrics. Every label value is a
 * series in Prometheus, so a label per tenant would grow with signups (10,000 tenants x routes x
 * methods x status classes). Instead the busiest N tenants by requests keep their slug and every
 * other tenant is `other`. Busiest is a decaying score (halved at each re-ranking, plus the
 * requests since), so a tenant that turns busy now gets its name within a few scrapes and a tenant
 * that went quiet gives it up. The ranking is redone at most once per scrape, never per request:
 * a request only adds one to its tenant's slot (`slotFor`), which also carries the label to count
 * it under, so the request path makes no string and no map entry once the tenant is known.
 */
/** The label of requests that are for no tenant (the bare domain, health checks). */
export const NO_TENANT = "none";
/** The label shared by every tenant outside the busiest N. */
export const OTHER_TENANTS = "other";

/** Scores under this are forgotten, so the map holds only tenants seen lately. */
const FORGET_BELOW = 0.5;

/** One tenant as the request metrics see it; `C` is what the caller keeps on it. */
export interface TenantSlot<C = unknown> {
  readonly slug: string;
  /** What its requests are counted under now: its slug while among the busiest, else `other`. */
  label: string;
  /** Requests since the last ranking. */
  pending: number;
  /** The decayed score of the rankings before. */
  score: number;
  /** The caller's own (ops/metrics.ts: its series for `label`), cleared when the label changes. */
  cache: C | undefined;
}

/** Ranks tenants by recent requests and names the busiest `top`; the rest are `other`. */
export class TenantLabels<C = unknown> {
  #slots = new Map<string, TenantSlot<C>>();
  #named = new Set<string>();
  /** Requests for no tenant: never ranked, never forgotten. */
  readonly none: TenantSlot<C> = newSlot("", NO_TENANT);

  constructor(readonly top: number) {}

  /**
   * Counts one request of `slug` and returns its slot, whose `label` it is recorded under. The
   * slot lives until a ranking forgets the tenant; callers must not keep it beyond the request.
   */
  slotFor(slug: string | undefined): TenantSlot<C> {
    if (!slug) return this.none;
    let slot = this.#slots.get(slug);
    if (!slot) {
      // Until the first ranking (a fresh process), the first N tenants seen are named.
      const named = this.#named.has(slug) || this.#named.size < this.top;
      if (named) this.#named.add(slug);
      slot = newSlot(slug, named ? slug : OTHER_TENANTS);
      this.#slots.set(slug, slot);
    }
    slot.pending++;
    return slot;
  }

  /** Counts one request of `slug` and returns the label it is recorded under. */
  labelFor(slug: string | undefined): string {
    return this.slotFor(slug).label;
  }

  /** Tenants seen since the last ranking or still remembered from before. */
  get tracked(): number {
    return this.#slots.size;
  }

  /**
   * Ranks again: the busiest `top` tenants are named from now on. Returns the slugs that lost
   * their name, whose series the caller removes (their requests now count as `other`).
   */
  rerank(): string[] {
    const ranked = [...this.#slots.values()];
    for (const slot of ranked) {
      slot.score += slot.pending;
      slot.pending = 0;
    }
    ranked.sort((a, b) => b.score - a.score || (a.slug < b.slug ? -1 : 1));
    const named = new Set(ranked.slice(0, this.top).map((slot) => slot.slug));
    const dropped = [...this.#named].filter((slug) => !named.has(slug));
    this.#named = named;
    for (const slot of ranked) {
      const label = named.has(slot.slug) ? slot.slug : OTHER_TENANTS;
      if (slot.label !== label) {
        slot.label = label;
        slot.cache = undefined;
      }
      slot.score /= 2;
      if (slot.score < FORGET_BELOW && label === OTHER_TENANTS) this.#slots.delete(slot.slug);
    }
    return dropped;
  }

  /** The tenants named now, busiest first is not promised. */
  named(): string[] {
    return [...this.#named];
  }
}

function newSlot<C>(slug: string, label: string): TenantSlot<C> {
  return { slug, label, pending: 0, score: 0, cache: undefined };
}
