/**
 * @module ops/request_tally
 * Requests, server errors and time spent per workspace, for the alert rules (ops/alerts.ts).
 * The Prometheus counters cannot serve: they name only the busiest N tenants, and live in each
 * machine's memory. So every answered request also adds to a small map here (three additions to
 * the entry ops/metrics.ts keeps on the tenant's slot, no lookup), and once a minute each app
 * process adds the map into `ops_request_tally` in the control database, where the evaluator on
 * any machine sums every machine's minutes into 5-minute buckets.
 */
import type { Client } from "../db/client.ts";

/** One workspace's requests, server errors and milliseconds since the last flush. */
export interface Tally {
  requests: number;
  errors: number;
  ms: number;
}

/** How often an app process writes its tally (main.ts). */
export const TALLY_FLUSH_EVERY_MS = 60_000;

/** This process's counts since its last flush, by workspace slug ('' for none). */
export class RequestTally {
  #counts = new Map<string, Tally>();
  /** Goes up at every `take`: an entry kept from before (`entryFor`) then counts nothing. */
  generation = 0;

  /** Counts one answered request. */
  add(tenantSlug: string | undefined, status: number, seconds: number): void {
    RequestTally.count(this.entryFor(tenantSlug), status, seconds);
  }

  /**
   * The counts of `tenantSlug` until the next `take`. ops/metrics.ts keeps it on the tenant's
   * slot with the `generation` it was read in, so a request costs no map lookup here.
   */
  entryFor(tenantSlug: string | undefined): Tally {
    const key = tenantSlug || "";
    let t = this.#counts.get(key);
    if (!t) this.#counts.set(key, t = { requests: 0, errors: 0, ms: 0 });
    return t;
  }

  /** Adds one request to an entry. */
  static count(t: Tally, status: number, seconds: number): void {
    t.requests++;
    if (status >= 500) t.errors++;
    t.ms += seconds * 1000;
  }

  /** Takes the counts so far and starts afresh. */
  take(): Map<string, Tally> {
    const counts = this.#counts;
    this.#counts = new Map();
    this.generation++;
    return counts;
  }

  /**
   * Adds the counts so far to the control database's minute `now` (floored); on failure they are
   * put back, so the next flush carries them.
   */
  async flush(control: Client, now: Date): Promise<number> {
    const counts = this.take();
    if (!counts.size) return 0;
    const minute = now.toISOString().slice(0, 16);
    try {
      await control.batch(
        [...counts].map(([tenant, t]) => ({
          sql: `INSERT INTO ops_request_tally (minute, tenant, requests, errors, latency_ms)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (minute, tenant) DO UPDATE SET requests = requests + excluded.requests,
                  errors = errors + excluded.errors, latency_ms = latency_ms + excluded.latency_ms`,
          args: [minute, tenant, t.requests, t.errors, Math.round(t.ms)],
        })),
        "write",
      );
    } catch (err) {
      for (const [tenant, t] of counts) {
        const now = this.#counts.get(tenant);
        if (now) {
          now.requests += t.requests;
          now.errors += t.errors;
          now.ms += t.ms;
        } else this.#counts.set(tenant, t);
      }
      throw err;
    }
    return counts.size;
  }
}
