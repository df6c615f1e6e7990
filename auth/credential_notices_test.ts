import assert from "node:assert/strict";
import { connectRedis } from "../db/redis.ts";
import { createLogger } from "../http/log.ts";
import { startRedis } from "../tests/helpers/redis.ts";
import { CredentialNotices } from "./credential_notices.ts";
import { type CachedPrincipal, PrincipalCache } from "./principal_cache.ts";

const silent = createLogger("silent");

const PRINCIPAL: CachedPrincipal = {
  userId: "u1",
  email: "a@example.com",
  name: "A",
  emailVerified: true,
  secondFactor: false,
  mustEnrolSecondFactor: false,
  role: "broker",
  csrfToken: "csrf",
};

async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

Deno.test("a credential change on one machine clears every other machine's principal cache through Redis, after syncing its control replica", async () => {
  const redis = await startRedis();
  const [a, b, c] = [
    await connectRedis(redis.url, silent),
    await connectRedis(redis.url, silent),
    await connectRedis(redis.url, silent),
  ];
  try {
    const [cacheA, cacheB, cacheC] = [
      new PrincipalCache(),
      new PrincipalCache(),
      new PrincipalCache(),
    ];
    // What machine B's cache held while its control replica was being synced.
    const duringSync: Array<CachedPrincipal | undefined> = [];
    new CredentialNotices(a, cacheA);
    new CredentialNotices(b, cacheB, async () => {
      await new Promise((r) => setTimeout(r, 20));
      duringSync.push(cacheB.get("key"));
    });
    new CredentialNotices(c, cacheC);
    // Subscribing clears once (notices may have been missed), which moves the mark.
    await until(() => [cacheA, cacheB, cacheC].every((cache) => cache.mark() === 1));
    for (const cache of [cacheA, cacheB, cacheC]) cache.set("key", PRINCIPAL);

    cacheA.clear(); // e.g. a token revoked through machine A
    await until(() => cacheB.get("key") === undefined && cacheC.get("key") === undefined);
    assert.equal(cacheB.get("key"), undefined, "machine B forgot the principal");
    assert.equal(cacheC.get("key"), undefined, "machine C forgot the principal");
    assert.deepEqual(duringSync, [PRINCIPAL], "B synced its replica first, then cleared");
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      [cacheA, cacheB, cacheC].map((cache) => cache.mark()),
      [2, 2, 2],
      "one clear each: no machine heard its own notice, none was echoed back",
    );
  } finally {
    for (const connection of [a, b, c]) await connection.close();
    await redis.stop();
  }
});

Deno.test("after Redis comes back, the principal cache is cleared: a revocation may have been missed", async () => {
  const redis = await startRedis();
  const shared = await connectRedis(redis.url, silent);
  try {
    const cache = new PrincipalCache();
    new CredentialNotices(shared, cache);
    await until(() => cache.mark() > 0); // subscribed (subscribing clears once)
    cache.set("key", PRINCIPAL);
    await redis.pause();
    await until(() => !shared.ready());
    assert.deepEqual(cache.get("key"), PRINCIPAL, "kept while Redis is away (the TTL bounds it)");
    await redis.start();
    await until(() => cache.get("key") === undefined, 10_000);
    assert.equal(cache.get("key"), undefined);
  } finally {
    await shared.close();
    await redis.stop();
  }
});
