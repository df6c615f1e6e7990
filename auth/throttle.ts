/**
 * @module auth/throttle
 * Sign-in throttling that slows password guessing without letting anyone lock an owner out.
 *
 * Failures are counted in memory over a sliding 15-minute window, per (account, client IP) pair
 * and per client IP. Past a few free failures each new attempt must wait a delay that doubles
 * with every further failure (1 s, 2 s, 4 s ... at most 15 minutes), counted from the last one.
 * The account is never locked as a whole: a stranger's failures from their address slow only
 * that address, so the owner signing in from their own address is not held back, and even the
 * owner's own typos cost seconds, not a quarter of an hour. A correct password clears its pair;
 * a password reset clears every pair of the account.
 *
 * An attacker with many addresses gets a few guesses per address per window; the per-IP limit
 * keeps one address from spraying many accounts.
 */
import { RateLimitedError } from "../domain/errors.ts";

const WINDOW_MS = 15 * 60 * 1000;
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
  /** account (lower-case e-mail) -> client IP -> failure times. */
  #pairs = new Map<string, Map<string, number[]>>();
  /** client IP -> failure times, across accounts. */
  #ips = new Map<string, number[]>();

  /** Throws RateLimitedError while this account from this IP, or this IP, must wait. */
  check(email: string, ip: string, now = Date.now()): void {
    const account = email.trim().toLowerCase();
    const pair = this.#recent(this.#pairs.get(account)?.get(ip), now);
    const pairWait = this.#wait(pair, FREE_FAILURES_PER_ACCOUNT_AND_IP, now);
    if (pairWait > 0) {
      throw new RateLimitedError(
        pairWait,
        `Too many failed sign-ins to this account from your network. Try again in ${
          inWords(pairWait)
        }, or reset your password, which lifts this wait at once.`,
      );
    }
    const ipWait = this.#wait(this.#recent(this.#ips.get(ip), now), FREE_FAILURES_PER_IP, now);
    if (ipWait > 0) {
      throw new RateLimitedError(
        ipWait,
        `Too many failed sign-ins from your network. Try again in ${inWords(ipWait)}.`,
      );
    }
  }

  /** Records a failed attempt for the (account, IP) pair and for the IP. */
  fail(email: string, ip: string, now = Date.now()): void {
    const account = email.trim().toLowerCase();
    if (this.#ips.size + this.#pairs.size > 100_000) this.#sweep(now);
    let byIp = this.#pairs.get(account);
    if (!byIp) this.#pairs.set(account, byIp = new Map());
    byIp.set(ip, [...this.#recent(byIp.get(ip), now), now]);
    this.#ips.set(ip, [...this.#recent(this.#ips.get(ip), now), now]);
  }

  /** Clears the pair after a correct password from that IP; other addresses stay slowed. */
  succeed(email: string, ip: string): void {
    const account = email.trim().toLowerCase();
    const byIp = this.#pairs.get(account);
    byIp?.delete(ip);
    if (byIp?.size === 0) this.#pairs.delete(account);
  }

  /** Lifts every wait on the account (a completed password reset proves who holds it). */
  lift(email: string): void {
    this.#pairs.delete(email.trim().toLowerCase());
  }

  #wait(failures: number[], free: number, now: number): number {
    const last = failures.at(-1);
    if (last === undefined) return 0;
    const remaining = last + delayAfter(failures.length, free) - now;
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  #recent(list: number[] | undefined, now: number): number[] {
    return (list ?? []).filter((t) => now - t < WINDOW_MS);
  }

  #sweep(now: number): void {
    for (const [ip, list] of this.#ips) {
      if (this.#recent(list, now).length === 0) this.#ips.delete(ip);
    }
    for (const [account, byIp] of this.#pairs) {
      for (const [ip, list] of byIp) if (this.#recent(list, now).length === 0) byIp.delete(ip);
      if (byIp.size === 0) this.#pairs.delete(account);
    }
  }
}
