/**
 * @module tenants/signup_limits
 * How often sign-up may be tried. Every sign-up creates a workspace and mails its owner, and a
 * sign-up for an address that already has an account answers 409 (the form says to sign in): so
 * sign-ups are counted per client IP (`SIGNUP_LIMIT_PER_IP`, 5 an hour) and per e-mail address
 * from anywhere (`SIGNUP_LIMIT_PER_EMAIL`, 3 an hour), in the same limiters as the rest of the
 * app (`Services.signupLimiters`: this process's memory, or Redis shared by every machine with
 * `REDIS_URL`). A sign-up counts once its fields are valid and its workspace address is free, so
 * a typo or a taken slug costs nothing, while every check of an e-mail address does.
 */
import { RateLimitedError } from "../domain/errors.ts";
import type { Services } from "../services.ts";

/** "12 minutes", "40 seconds": how long to wait, in words. */
function inWords(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** Counts one sign-up from `ip` for `email`; throws 429 when either is over its hourly limit. */
export async function countSignup(services: Services, ip: string, email: string): Promise<void> {
  const [byIp, byEmail] = await Promise.all([
    services.signupLimiters.ip.hit(ip),
    services.signupLimiters.email.hit(email.trim().toLowerCase()),
  ]);
  const wait = Math.max(byIp, byEmail);
  if (wait > 0) {
    throw new RateLimitedError(
      wait,
      `Too many sign-ups from your network or for this e-mail address. Try again in ${
        inWords(wait)
      }. If you already have an account, sign in instead.`,
    );
  }
}
