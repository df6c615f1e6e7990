import assert from "node:assert/strict";
import { join } from "node:path";
import { ReadCache } from "../domain/read_cache.ts";
import { createLogger } from "../http/log.ts";
import { startRedis } from "../tests/helpers/redis.ts";
import { type Client, fileUrl, openDatabase } from "./client.ts";
import { connectRedis } from "./redis.ts";
import { RedisChangeFeed } from "./redis_changes.ts";
import { inWriteTransaction } from "./transaction.ts";

const silent = createLogger("silent");

async function until(done: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

Deno.test("a write committed on one machine makes another machine's read cache recompute that tenant's entries, and only that tenant's", async () => {
  const redis = await startRedis();
  const dir = await Deno.makeTempDir({ prefix: "pm-changes-" });
  const [a, b] = [await connectRedis(redis.url, silent), await connectRedis(redis.url, silent)];
  // One database file, a client per "machine", as on a shared disk.
  const dbA = await openDatabase({ url: fileUrl(join(dir, "t.db")) });
  const dbB = await openDatabase({ url: fileUrl(join(dir, "t.db")) });
  try {
    await dbA.execute("CREATE TABLE counters (kind TEXT PRIMARY KEY, next INTEGER NOT NULL)");
    await dbA.execute("CREATE TABLE suppliers (name TEXT)");
    const feedA = new RedisChangeFeed(a);
    const feedB = new RedisChangeFeed(b);
    feedA.track(dbA, "tenant-1");
    feedB.track(dbB, "tenant-1");
    await until(() => feedB.generation("tenant-1") > 0); // subscribed
    const cacheB = new ReadCache(undefined, feedB);
    let computed = 0;
    const list = (tenantId: string) =>
      cacheB.read(dbB, tenantId, "suppliers", async () => {
        computed++;
        const rs = await dbB.execute("SELECT group_concat(name) AS names FROM suppliers");
        return String(rs.rows[0]?.names ?? "");
      });
    assert.equal(await list("tenant-1"), "");
    assert.equal(await list("tenant-2"), "");
    assert.equal(computed, 2);

    // This write leaves the database's change counter alone, so only the notice can tell B.
    const before = feedB.generation("tenant-1");
    const other = feedB.generation("tenant-2");
    await inWriteTransaction(dbA, (tx) => tx.execute("INSERT INTO suppliers VALUES ('Acme Beef')"));
    await until(() => feedB.generation("tenant-1") !== before);
    assert.notEqual(feedB.generation("tenant-1"), before, "the notice reached the other machine");
    assert.equal(feedB.generation("tenant-2"), other, "another tenant's entries stay valid");
    assert.equal(await list("tenant-1"), "Acme Beef");
    assert.equal(await list("tenant-2"), "");
    assert.equal(computed, 3, "only the changed tenant's list was computed again");
  } finally {
    dbA.close();
    dbB.close();
    await a.close();
    await b.close();
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("after Redis comes back, every tenant's cached entries are recomputed: notices may have been missed", async () => {
  const redis = await startRedis();
  const shared = await connectRedis(redis.url, silent);
  try {
    const feed = new RedisChangeFeed(shared);
    await until(() => feed.generation("tenant-1") > 0);
    const before = feed.generation("tenant-1");
    await redis.pause();
    await until(() => !shared.ready());
    await redis.start();
    await until(() => feed.generation("tenant-1") !== before, 10_000);
    assert.notEqual(feed.generation("tenant-1"), before);
  } finally {
    await shared.close();
    await redis.stop();
  }
});

Deno.test("with embedded replicas a notice first syncs this machine's replica of the tenant, and only then makes its entries stale", async () => {
  const redis = await startRedis();
  const [a, b] = [await connectRedis(redis.url, silent), await connectRedis(redis.url, silent)];
  try {
    let syncs = 0;
    let finishSync = () => {};
    // Stand-ins for Turso replicas: only `closed` and `sync()` are used on a notice.
    const replica = {
      closed: false,
      sync: () => {
        syncs++;
        return new Promise<void>((resolve) => finishSync = resolve);
      },
    } as unknown as Client;
    const writer = { closed: false } as unknown as Client;
    const feedA = new RedisChangeFeed(a, true);
    const feedB = new RedisChangeFeed(b, true);
    feedA.track(writer, "tenant-1");
    feedB.track(replica, "tenant-1");
    await until(() => feedA.generation("tenant-1") > 0 && feedB.generation("tenant-1") > 0);
    const before = feedB.generation("tenant-1");
    feedA.committed(writer);
    await until(() => syncs === 1);
    assert.equal(syncs, 1, "the notice synced the replica");
    assert.equal(feedB.generation("tenant-1"), before, "entries stay until the replica has it");
    finishSync();
    await until(() => feedB.generation("tenant-1") !== before);
    assert.notEqual(feedB.generation("tenant-1"), before);
  } finally {
    await a.close();
    await b.close();
    await redis.stop();
  }
});
