/**
 * @module db/redis_limits
 * Rate limits and the login throttle's failure log kept in Redis, so every machine counts in one
 * place: two app machines never give an address twice the requests or twice the guesses.
 *
 * Each update is one Lua script, which Redis runs atomically: a counter's INCR and its PEXPIRE
 * cannot be split by another machine's hit, and a failure list is trimmed and appended in one step.
 *
 * When Redis does not answer (down, slow beyond COMMAND_TIMEOUT_MS, not reachable at start), each
 * instance counts in this process's memory instead, the one-machine behaviour: the app keeps
 * serving, and limits and the login throttle stay on, per process. During an outage an attacker
 * who reaches N machines gets at most N times the normal attempts, never unlimited ones; the
 * outage is logged (db/redis.ts). Failures recorded in memory during an outage keep counting on
 * that machine after Redis returns, together with the shared ones.
 */
import {
  type FailureLog,
  type Limiter,
  MemoryFailureLog,
  RateLimiter,
} from "../http/rate_limit.ts";
import type { SharedRedis } from "./redis.ts";

/** KEYS[1] counter; ARGV[1] window (ms). Returns the count and the window's remaining ms. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

/** Most failures kept per member: the throttle's delay stops growing long before. */
export const MAX_FAILURES_KEPT = 100;

/**
 * KEYS[1] group hash; ARGV: member, now (ms), window (ms), most kept. Drops failures older than
 * the window, appends `now`, and lets the group expire a window after its last failure.
 */
const ADD_FAILURE = `
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local kept = {}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  for t in string.gmatch(current, '[^,]+') do
    if now - tonumber(t) < window then table.insert(kept, t) end
  end
end
table.insert(kept, ARGV[2])
while #kept > tonumber(ARGV[4]) do table.remove(kept, 1) end
redis.call('HSET', KEYS[1], ARGV[1], table.concat(kept, ','))
redis.call('PEXPIRE', KEYS[1], window)
return #kept`;

/** A fixed-window limit counted in Redis (`pm:rl:<name>:<key>`), in memory while it is away. */
export class RedisRateLimiter implements Limiter {
  readonly #local: RateLimiter;
  constructor(
    readonly redis: SharedRedis,
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.#local = new RateLimiter(limit, windowMs);
  }

  async hit(key: string): Promise<number> {
    if (!this.redis.ready()) return this.#local.hit(key);
    try {
      const [count, ttl] = await this.redis.client.eval(
        HIT,
        1,
        `pm:rl:${this.name}:${key}`,
        this.windowMs,
      ) as [number, number];
      return count <= this.limit ? 0 : Math.max(1, Math.ceil(ttl / 1000));
    } catch (err) {
      this.redis.degraded(`rate limit ${this.name}`, err);
      return this.#local.hit(key);
    }
  }
}

/** A FailureLog in Redis, one hash per group (`pm:<name>:<group>`), member -> failure times. */
export class RedisFailureLog implements FailureLog {
  readonly #local: MemoryFailureLog;
  constructor(readonly redis: SharedRedis, readonly name: string, readonly windowMs: number) {
    this.#local = new MemoryFailureLog(windowMs);
  }

  async recent(group: string, member: string, now: number): Promise<number[]> {
    const local = await this.#local.recent(group, member, now);
    if (!this.redis.ready()) return local;
    try {
      const stored = await this.redis.client.hget(this.#key(group), member);
      const shared = (stored ?? "").split(",").filter(Boolean).map(Number)
        .filter((t) => now - t < this.windowMs);
      return local.length ? [...shared, ...local].sort((a, b) => a - b) : shared;
    } catch (err) {
      this.redis.degraded(`${this.name} check`, err);
      return local;
    }
  }

  async add(group: string, member: string, now: number): Promise<void> {
    if (this.redis.ready()) {
      try {
        await this.redis.client.eval(
          ADD_FAILURE,
          1,
          this.#key(group),
          member,
          now,
          this.windowMs,
          MAX_FAILURES_KEPT,
        );
        return;
      } catch (err) {
        this.redis.degraded(`${this.name} failure`, err);
      }
    }
    await this.#local.add(group, member, now);
  }

  async clear(group: string, member?: string): Promise<void> {
    await this.#local.clear(group, member);
    if (!this.redis.ready()) return;
    try {
      if (member === undefined) await this.redis.client.del(this.#key(group));
      else await this.redis.client.hdel(this.#key(group), member);
    } catch (err) {
      this.redis.degraded(`${this.name} clear`, err);
    }
  }

  #key(group: string): string {
    return `pm:${this.name}:${group}`;
  }
}
