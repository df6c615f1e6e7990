/**
 * @module auth/throttle
 * Sign-in throttling that slows password guessing without letting anyone lock an owner out.
 *
 * Failures are counted over a sliding 15-minute window, per (account, client IP) pair and per
 * client IP, in a FailureLog (http/rate_limit.ts): this process's memory, or Redis shared by
 * every machine when `REDIS_URL` is set (db/redis_limits.ts), so several machines never give
 * more attempts than one. Past a few free failures each new attempt must wait a delay that doubles
 * with every further failure (1 s, 2 s, 4 s ... at most 15 minutes), counted from the last one.
 * The account is never locked as a whole: a stranger's failures from their address slow only
 * that address, so the owner signing in from their own address is not held back, and even the
 * owner's own typos cost seconds, not a quarter of an hour. A correct password clears its pair;
 * a password reset clears every pair of the account.
 *
 * An attacker with many addresses gets a few guesses per address per window; the per-IP limit
 * keeps one address from spraying many accounts. IPv6 addresses count by their /64
 * (http/ip_group.ts): one line or server holds a whole /64, not one address.
 */
import { RateLimitedError } from "../domain/errors.ts";
import { ipGroup } from "../http/ip_group.ts";
import { type FailureLog, MemoryFailureLog } from "../http/rate_limit.ts";

/** How long a failure counts. */
export const WINDOW_MS = 15 * 60 * 1000;
const MAX_DELAY_MS = 15 * 60 * 1000;
/** Failures of one account from one address before delays start. */
export const FREE_FAILURES_PER_ACCOUNT_AND_IP = 5;
/** Failures from one address, across accounts, before delays start. */
export const FREE_FAILURES_PER_IP = 30;

/** The wait (ms) after `failures` recent failures, from the last one; 0 while they are free. */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(1000 * 2 ** (failures - free), MAX_DELAY_MS);
}

/** "12 seconds", "3 minutes": how long to wait, in words. */
function inWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

export class LoginThrottle {
  /** Failures per pair (group `account:<e-mail>`, member the IP) and per IP (`ip:<IP>`). */
  constructor(readonly failures: FailureLog = new MemoryFailureLog(WINDOW_MS)) {}

  /** Throws RateLimitedError while this account from this IP, or this IP, must wait. */
  async check(email: string, address: string, now = Date.now()): Promise<void> {
    const account = email.trim().toLowerCase();
    const ip = ipGroup(address);
    const [pair, byIp] = await Promise.all([
      this.failures.recent(`account:${account}`, ip, now),
      this.failures.recent(`ip:${ip}`, "", now),
    ]);
    const pairWait = this.#wait(pair, FREE_FAILURES_PER_ACCOUNT_AND_IP, now);
    if (pairWait > 0) {
      throw new RateLimitedError(
        pairWait,
        `Too many failed sign-ins to this account from your network. Try again in ${
          inWords(pairWait)
        }, or reset your password, which lifts this wait at once.`,
      );
    }
    const ipWait = this.#wait(byIp, FREE_FAILURES_PER_IP, now);
    if (ipWait > 0) {
      throw new RateLimitedError(
        ipWait,
        `Too many failed sign-ins from your network. Try again in ${inWords(ipWait)}.`,
      );
    }
  }

  /** Records a failed attempt for the (account, IP) pair and for the IP. */
  async fail(email: string, address: string, now = Date.now()): Promise<void> {
    const account = email.trim().toLowerCase();
    const ip = ipGroup(address);
    await Promise.all([
      this.failures.add(`account:${account}`, ip, now),
      this.failures.add(`ip:${ip}`, "", now),
    ]);
  }

  /** Clears the pair after a correct password from that IP; other addresses stay slowed. */
  async succeed(email: string, address: string): Promise<void> {
    await this.failures.clear(`account:${email.trim().toLowerCase()}`, ipGroup(address));
  }

  /** Lifts every wait on the account (a completed password reset proves who holds it). */
  async lift(email: string): Promise<void> {
    await this.failures.clear(`account:${email.trim().toLowerCase()}`);
  }

  #wait(failures: number[], free: number, now: number): number {
    const last = failures.at(-1);
    if (last === undefined) return 0;
    const remaining = last + delayAfter(failures.length, free) - now;
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }
}
