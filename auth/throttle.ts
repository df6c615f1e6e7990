/**
 * @module auth/throttle
 * Login throttling: after repeated failures an account (by e-mail) or a client IP must wait.
 * Failures are counted in memory over a sliding 15-minute window; a success clears the account.
 */
import { RateLimitedError } from "../domain/errors.ts";

const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 30;

export class LoginThrottle {
  #failures = new Map<string, number[]>();

  /** Throws RateLimitedError when this account or IP has failed too often recently. */
  check(email: string, ip: string, now = Date.now()): void {
    for (
      const [key, max] of [
        [`acct:${email.toLowerCase()}`, MAX_FAILURES_PER_ACCOUNT],
        [`ip:${ip}`, MAX_FAILURES_PER_IP],
      ] as const
    ) {
      const recent = this.#recent(key, now);
      if (recent.length >= max) {
        const retryAfter = Math.ceil((recent[0]! + WINDOW_MS - now) / 1000);
        throw new RateLimitedError(
          Math.max(1, retryAfter),
          "Too many failed sign-in attempts. Wait a few minutes, or reset your password.",
        );
      }
    }
  }

  /** Records a failed attempt for the account and the IP. */
  fail(email: string, ip: string, now = Date.now()): void {
    for (const key of [`acct:${email.toLowerCase()}`, `ip:${ip}`]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
  }

  /** Clears an account's failures after a successful sign-in. */
  succeed(email: string): void {
    this.#failures.delete(`acct:${email.toLowerCase()}`);
  }

  #recent(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length === 0) this.#failures.delete(key);
    return list;
  }
}
