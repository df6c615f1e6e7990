/**
 * @module http/rate_limit
 * Counters per key (client IP, tenant, account), in memory per process. They sit behind two small
 * interfaces, `Limiter` and `FailureLog`, so that with `REDIS_URL` set every machine counts in the
 * same place instead (db/redis_limits.ts) and two machines never give twice the attempts.
 */

/** A fixed-window request limit; Services holds one per purpose (per IP, per tenant, e-mail). */
export interface Limiter {
  /** Counts one hit for `key`; returns seconds to wait when over the limit, else 0. */
  hit(key: string): number | Promise<number>;
}

/** Fixed-window request counters in this process's memory: the one-machine default. */
export class RateLimiter implements Limiter {
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

/**
 * Failure times per (group, member) over a sliding window: what the login throttle remembers
 * (group: an account or an address; member: the address a failure came from).
 */
export interface FailureLog {
  /** The failure times (ms) of (group, member) within the window before `now`, oldest first. */
  recent(group: string, member: string, now: number): Promise<number[]>;
  /** Records a failure of (group, member) at `now`. */
  add(group: string, member: string, now: number): Promise<void>;
  /** Forgets one member's failures, or every member's of the group when `member` is omitted. */
  clear(group: string, member?: string): Promise<void>;
}

/** A FailureLog in this process's memory, swept when it grows large. */
export class MemoryFailureLog implements FailureLog {
  #groups = new Map<string, Map<string, number[]>>();
  #size = 0;
  constructor(readonly windowMs: number) {}

  recent(group: string, member: string, now: number): Promise<number[]> {
    return Promise.resolve(this.#recent(this.#groups.get(group)?.get(member), now));
  }

  add(group: string, member: string, now: number): Promise<void> {
    if (this.#size > 100_000) this.#sweep(now);
    let members = this.#groups.get(group);
    if (!members) this.#groups.set(group, members = new Map());
    if (!members.has(member)) this.#size++;
    members.set(member, [...this.#recent(members.get(member), now), now]);
    return Promise.resolve();
  }

  clear(group: string, member?: string): Promise<void> {
    const members = this.#groups.get(group);
    if (!members) return Promise.resolve();
    if (member === undefined) {
      this.#size -= members.size;
      this.#groups.delete(group);
    } else if (members.delete(member)) {
      this.#size--;
      if (members.size === 0) this.#groups.delete(group);
    }
    return Promise.resolve();
  }

  #recent(list: number[] | undefined, now: number): number[] {
    return (list ?? []).filter((t) => now - t < this.windowMs);
  }

  #sweep(now: number): void {
    for (const [group, members] of this.#groups) {
      for (const [member, list] of members) {
        if (this.#recent(list, now).length === 0) (members.delete(member), this.#size--);
      }
      if (members.size === 0) this.#groups.delete(group);
    }
  }
}
