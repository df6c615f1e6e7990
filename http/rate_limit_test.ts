import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limit.ts";
import { LoginThrottle } from "../auth/throttle.ts";
import { RateLimitedError } from "../domain/errors.ts";

Deno.test("RateLimiter allows `limit` hits per window, then asks to wait until the window ends", () => {
  const limiter = new RateLimiter(3, 10_000);
  assert.equal(limiter.hit("k", 0), 0);
  assert.equal(limiter.hit("k", 1), 0);
  assert.equal(limiter.hit("k", 2), 0);
  assert.equal(limiter.hit("k", 3_000), 7);
  assert.equal(limiter.hit("other", 3_000), 0, "keys are independent");
  assert.equal(limiter.hit("k", 10_001), 0, "a new window starts");
});

Deno.test("LoginThrottle locks an account after 5 failures and clears it on success", () => {
  const t = new LoginThrottle();
  for (let i = 0; i < 5; i++) t.fail("a@x.com", `10.0.0.${i}`, 1000);
  assert.throws(() => t.check("A@x.com", "10.9.9.9", 2000), RateLimitedError);
  t.succeed("a@x.com");
  t.check("a@x.com", "10.9.9.9", 2000);
});

Deno.test("LoginThrottle locks an IP that fails across many accounts", () => {
  const t = new LoginThrottle();
  for (let i = 0; i < 30; i++) t.fail(`u${i}@x.com`, "10.0.0.1", 1000);
  assert.throws(() => t.check("new@x.com", "10.0.0.1", 2000), RateLimitedError);
  t.check("new@x.com", "10.0.0.2", 2000);
  t.check("new@x.com", "10.0.0.1", 1000 + 15 * 60 * 1000 + 1);
});
