/**
 * @module http/rate_limit
 * Fixed-window request counters per key (client IP, tenant), kept in memory per process. With
 * several app machines each enforces its own share, which is the intent: protect this process.
 */
export class RateLimiter {
  #windows = new Map<string, { start: number; count: number }>();
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Counts one hit for `key`; returns seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.#windows.size > 100_000) this.#sweep(now);
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }

  #sweep(now: number): void {
    for (const [k, w] of this.#windows) {
      if (now - w.start >= this.windowMs) this.#windows.delete(k);
    }
  }
}
