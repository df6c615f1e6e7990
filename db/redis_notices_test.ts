import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import { createLogger } from "../http/log.ts";
import { closeServices, createServices } from "../services.ts";
import { startRedis } from "../tests/helpers/redis.ts";
import { PRINCIPAL } from "../tests/helpers/principal.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { connectRedis } from "./redis.ts";
import { ControlNotices } from "./redis_notices.ts";

const silent = createLogger("silent");

async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
}

Deno.test("a change announced by one process is forgotten by every other, after it syncs its control replica, and never echoed", async () => {
  const redis = await startRedis();
  const [a, b, c] = [
    await connectRedis(redis.url, silent),
    await connectRedis(redis.url, silent),
    await connectRedis(redis.url, silent),
  ];
  try {
    const heard: string[] = [];
    const noticesA = new ControlNotices(a);
    const noticesB = new ControlNotices(b, async () => {
      await new Promise((r) => setTimeout(r, 20));
      heard.push("B synced");
    });
    const noticesC = new ControlNotices(c);
    for (const [name, notices] of [["A", noticesA], ["B", noticesB], ["C", noticesC]] as const) {
      notices.on("billing", (subject) => heard.push(`${name} billing ${subject || "(all)"}`));
      notices.on("tenants", (subject) => heard.push(`${name} tenants ${subject || "(all)"}`));
    }
    // Subscribing forgets every kind once (notices may have been missed before).
    await until(() => heard.length === 6);
    assert.equal(heard.length, 6, `each process forgot both kinds on subscribing: ${heard}`);
    heard.length = 0;

    noticesA.announce("billing", "tenant-1");
    await until(() => heard.includes("B billing tenant-1") && heard.includes("C billing tenant-1"));
    await new Promise((r) => setTimeout(r, 50)); // room for an echo, were there one
    assert.deepEqual(
      heard.filter((h) => h.startsWith("B")),
      ["B synced", "B billing tenant-1"],
      "B read the change into its replica before forgetting",
    );
    assert.deepEqual(
      heard.filter((h) => !h.startsWith("B")),
      ["C billing tenant-1"],
      "A does not hear itself; no other kind is forgotten",
    );
  } finally {
    for (const connection of [a, b, c]) await connection.close();
    await redis.stop();
  }
});

Deno.test("after Redis comes back, every kind is forgotten: notices may have been missed", async () => {
  const redis = await startRedis();
  const shared = await connectRedis(redis.url, silent);
  try {
    let forgotten = 0;
    new ControlNotices(shared).on("credentials", () => forgotten++);
    await until(() => forgotten === 1); // subscribed
    await redis.pause();
    await until(() => !shared.ready());
    await redis.start();
    await until(() => forgotten === 2, 10_000);
    assert.equal(forgotten, 2);
  } finally {
    await shared.close();
    await redis.stop();
  }
});

Deno.test("two machines on one Redis: a suspension, a billing change and a revocation made on one are seen by the other within 100 ms", async () => {
  const redis = await startRedis();
  const one = await startTestServer({ REDIS_URL: redis.url });
  const two = await createServices(
    parseConfig({
      DATA_DIR: one.dataDir,
      APP_DOMAIN: "localhost",
      APP_ENV: "test",
      LOG_LEVEL: "silent",
      SEED_DEMO: "false",
      RUN_WORKERS: "false",
      REDIS_URL: redis.url,
    }),
  );
  /** Milliseconds until `gone` holds on machine two, after `change` on machine one. */
  const seenWithin = async (change: () => unknown, gone: () => boolean) => {
    await change();
    const began = performance.now();
    await until(gone, 2_000);
    return gone() ? performance.now() - began : Infinity;
  };
  try {
    const signedUp = await signUpTenant(one);
    const host = signedUp.host;
    const tenant = (await two.registry.lookup(host, signedUp.slug))!;
    assert.equal(tenant.status, "active");
    assert.ok(two.registry.cached(host), "machine two has the workspace cached");

    const suspended = await seenWithin(
      () => one.services.registry.setStatus(tenant.id, "suspended"),
      () => two.registry.cached(host) === undefined,
    );
    assert.ok(suspended <= 100, `the suspension reached machine two after ${suspended} ms`);
    assert.equal((await two.registry.lookup(host, signedUp.slug))?.status, "suspended");

    assert.ok(await two.billing.current(two, tenant.id));
    assert.ok(two.billing.cached(tenant.id), "machine two has the billing cached");
    const billed = await seenWithin(
      () => one.services.billing.invalidate(tenant.id),
      () => two.billing.cached(tenant.id) === undefined,
    );
    assert.ok(billed <= 100, `the billing change reached machine two after ${billed} ms`);

    two.authCache.set("t:key", PRINCIPAL);
    const revoked = await seenWithin(
      () => one.services.authCache.clear(),
      () => two.authCache.get("t:key") === undefined,
    );
    assert.ok(revoked <= 100, `the revocation reached machine two after ${revoked} ms`);
  } finally {
    await closeServices(two);
    await one.close();
    await redis.stop();
  }
});
