import assert from "node:assert/strict";
import { LoginThrottle, WINDOW_MS } from "../auth/throttle.ts";
import { RateLimitedError } from "../domain/errors.ts";
import { createLogger, type Logger } from "../http/log.ts";
import { startRedis } from "../tests/helpers/redis.ts";
import { connectRedis } from "./redis.ts";
import { RedisFailureLog, RedisRateLimiter } from "./redis_limits.ts";

const silent = createLogger("silent");

/** The seconds `check` asks to wait, or 0 when it lets the attempt through. */
async function waitOf(t: LoginThrottle, email: string, ip: string, now: number): Promise<number> {
  try {
    await t.check(email, ip, now);
    return 0;
  } catch (err) {
    assert.ok(err instanceof RateLimitedError);
    return err.retryAfter;
  }
}

/** A logger that keeps its error lines. */
function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { ...silent, error: (msg) => void errors.push(msg), errors };
}

Deno.test("RedisRateLimiter: two processes share one window, so together they allow the limit once", async () => {
  const redis = await startRedis();
  const [a, b] = [await connectRedis(redis.url, silent), await connectRedis(redis.url, silent)];
  try {
    const one = new RedisRateLimiter(a, "ip", 5, 60_000);
    const two = new RedisRateLimiter(b, "ip", 5, 60_000);
    const waits: number[] = [];
    // Concurrent hits from both "machines": the INCR is atomic, none is lost or counted twice.
    for (let i = 0; i < 5; i++) {
      waits.push(...await Promise.all([one.hit("1.2.3.4"), two.hit("1.2.3.4")]));
    }
    assert.equal(waits.filter((w) => w === 0).length, 5, "five hits allowed in all, not ten");
    for (const w of waits.filter((w) => w > 0)) assert.ok(w >= 1 && w <= 60, `wait ${w} s`);
    assert.equal(await two.hit("5.6.7.8"), 0, "another key has its own count");
    assert.equal(
      await new RedisRateLimiter(a, "tenant", 5, 60_000).hit("1.2.3.4"),
      0,
      "names apart",
    );
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
});

Deno.test("RedisFailureLog: failures on one machine slow the same sign-in on another, and a reset lifts it on both", async () => {
  const redis = await startRedis();
  const [a, b] = [await connectRedis(redis.url, silent), await connectRedis(redis.url, silent)];
  try {
    const one = new LoginThrottle(new RedisFailureLog(a, "login", WINDOW_MS));
    const two = new LoginThrottle(new RedisFailureLog(b, "login", WINDOW_MS));
    const now = Date.now();
    // Three failures through each: free on either machine alone (5 are free), not together.
    for (let i = 0; i < 3; i++) {
      await one.fail("Owner@x.com", "10.0.0.9", now);
      await two.fail("owner@x.com", "10.0.0.9", now);
    }
    assert.equal(await waitOf(one, "owner@x.com", "10.0.0.9", now), 2, "six failures: 2 s");
    assert.equal(await waitOf(two, "owner@x.com", "10.0.0.9", now), 2, "the same on the other");
    assert.equal(await waitOf(two, "owner@x.com", "10.0.0.10", now), 0, "other addresses free");
    await one.lift("owner@x.com");
    assert.equal(await waitOf(two, "owner@x.com", "10.0.0.9", now), 0, "lifted everywhere");
    assert.equal(await waitOf(two, "owner@x.com", "10.0.0.9", now + WINDOW_MS), 0);
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
});

Deno.test("while Redis is down limits and the login throttle still hold per process, the outage is logged once, and sharing resumes after", async () => {
  const redis = await startRedis();
  const log = recordingLogger();
  const shared = await connectRedis(redis.url, log);
  try {
    const limiter = new RedisRateLimiter(shared, "ip", 3, 60_000);
    const throttle = new LoginThrottle(new RedisFailureLog(shared, "login", WINDOW_MS));
    await redis.pause();
    const now = Date.now();
    const started = performance.now();
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limiter.hit("1.2.3.4"));
    assert.deepEqual(waits.map((w) => w > 0), [false, false, false, true], "still limited");
    for (let i = 0; i < 6; i++) await throttle.fail("a@x.com", "10.0.0.1", now);
    assert.equal(await waitOf(throttle, "a@x.com", "10.0.0.1", now), 2, "not opened by the outage");
    // Generous bound (the point is "no hang"): each command fails at once or after 250 ms.
    assert.ok(performance.now() - started < 5_000, "answers without waiting for Redis");
    // Ten requests met the outage; they are logged as its start, not one line each. On a busy
    // machine a reconnect can land while Redis is being stopped, which is an outage ending and a
    // second one starting: two lines at most, never ten.
    assert.ok(
      log.errors.length >= 1 && log.errors.length <= 2,
      `one error line per outage, not one per request: ${log.errors.join(" / ")}`,
    );

    await redis.start();
    const deadline = Date.now() + 10_000;
    while (!shared.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(shared.ready(), "reconnected by itself");
    const other = await connectRedis(redis.url, silent);
    try {
      const elsewhere = new LoginThrottle(new RedisFailureLog(other, "login", WINDOW_MS));
      for (let i = 0; i < 6; i++) await elsewhere.fail("b@x.com", "10.0.0.2", now);
      assert.equal(await waitOf(throttle, "b@x.com", "10.0.0.2", now), 2, "shared again");
      assert.equal(
        await waitOf(throttle, "a@x.com", "10.0.0.1", now),
        2,
        "failures counted during the outage still count here",
      );
    } finally {
      await other.close();
    }
  } finally {
    await shared.close();
    await redis.stop();
  }
});

Deno.test("closing the connection while Redis is down returns at once instead of waiting for a reconnect", async () => {
  const redis = await startRedis();
  const shared = await connectRedis(redis.url, silent);
  try {
    await redis.pause();
    // Let the client notice and start reconnecting between attempts.
    const deadline = Date.now() + 5_000;
    while (shared.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(shared.ready(), false);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    await shared.close();
    assert.ok(performance.now() - started < 3_000, "close does not hang while Redis is away");
  } finally {
    await redis.stop();
  }
});
