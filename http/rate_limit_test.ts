import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("RateLimiter allows `limit` hits per window, then asks to wait until the window ends", () => {
  const limiter = new RateLimiter(3, 10_000);
  assert.equal(limiter.hit("k", 0), 0);
  assert.equal(limiter.hit("k", 1), 0);
  assert.equal(limiter.hit("k", 2), 0);
  assert.equal(limiter.hit("k", 3_000), 7);
  assert.equal(limiter.hit("other", 3_000), 0, "keys are independent");
  assert.equal(limiter.hit("k", 10_001), 0, "a new window starts");
});
