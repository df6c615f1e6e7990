/**
 * @module ops/tenant_labels
 * Which tenants keep their own `tenant` label on the request metrics. Every label value is a
 * series in Prometheus, so a label per tenant would grow with signups (10,000 tenants x routes x
 * methods x status classes). Instead the busiest N tenants by requests keep their slug and every
 * other tenant is `other`. Busiest is a decaying score (halved at each re-ranking, plus the
 * requests since), so a tenant that turns busy now gets its name within a few scrapes and a tenant
 * that went quiet gives it up. The ranking is redone at most once per scrape, never per request.
 */

/** The label of requests that are for no tenant (the bare domain, health checks). */
export const NO_TENANT = "none";
/** The label shared by every tenant outside the busiest N. */
export const OTHER_TENANTS = "other";

/** Scores under this are forgotten, so the map holds only tenants seen lately. */
const FORGET_BELOW = 0.5;

/** Ranks tenants by recent requests and names the busiest `top`; the rest are `other`. */
export class TenantLabels {
  #scores = new Map<string, number>();
  #named = new Set<string>();

  constructor(readonly top: number) {}

  /** Counts one request of `slug` and returns the label it is recorded under. */
  labelFor(slug: string | undefined): string {
    if (!slug) return NO_TENANT;
    this.#scores.set(slug, (this.#scores.get(slug) ?? 0) + 1);
    if (this.#named.has(slug)) return slug;
    // Until the first ranking (a fresh process), the first N tenants seen are named.
    if (this.#named.size < this.top) {
      this.#named.add(slug);
      return slug;
    }
    return OTHER_TENANTS;
  }

  /** Tenants seen since the last ranking or still remembered from before. */
  get tracked(): number {
    return this.#scores.size;
  }

  /**
   * Ranks again: the busiest `top` tenants are named from now on. Returns the slugs that lost
   * their name, whose series the caller removes (their requests now count as `other`).
   */
  rerank(): string[] {
    const ranked = [...this.#scores].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const named = new Set(ranked.slice(0, this.top).map(([slug]) => slug));
    const dropped = [...this.#named].filter((slug) => !named.has(slug));
    this.#named = named;
    for (const [slug, score] of ranked) {
      const next = score / 2;
      if (next < FORGET_BELOW && !named.has(slug)) this.#scores.delete(slug);
      else this.#scores.set(slug, next);
    }
    return dropped;
  }

  /** The tenants named now, busiest first is not promised. */
  named(): string[] {
    return [...this.#named];
  }
}
