import assert from "node:assert/strict";
import { LocalDatabaseProvider } from "./database_provider.ts";
import { GC_EVERY, TenantPool } from "./pool.ts";
import { newId } from "../db/ids.ts";
import { latestVersion, schemaVersion } from "../db/migrate.ts";

async function withPool(maxOpen: number, fn: (pool: TenantPool, ids: string[]) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const provider = new LocalDatabaseProvider(dir);
  const pool = new TenantPool(provider, maxOpen);
  const ids = Array.from({ length: 5 }, () => newId());
  for (const id of ids) await provider.create(id);
  try {
    await fn(pool, ids);
  } finally {
    await pool.closeAll();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("TenantPool migrates a tenant database when it is first opened", async () => {
  await withPool(2, async (pool, [id]) => {
    const lease = await pool.acquire(id!, null);
    assert.equal(await schemaVersion(lease.db), await latestVersion("tenant"));
    lease.release();
  });
});

Deno.test("TenantPool keeps at most maxOpen databases and reopens an evicted tenant with its data", async () => {
  await withPool(2, async (pool, ids) => {
    const first = await pool.acquire(ids[0]!, null);
    await first.db.execute(
      "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'kept', 'now')",
    );
    first.release();
    for (const id of ids.slice(1)) (await pool.acquire(id, null)).release();
    assert.equal(pool.size, 2);
    const again = await pool.acquire(ids[0]!, null);
    const rs = await again.db.execute("SELECT value FROM settings WHERE key = 'k'");
    assert.equal(rs.rows[0]?.value, "kept");
    again.release();
    assert.equal(pool.opens, 6, "the evicted tenant was opened a second time");
  });
});

Deno.test("TenantPool does not close a database that a request is still using", async () => {
  await withPool(1, async (pool, ids) => {
    const busy = await pool.acquire(ids[0]!, null);
    (await pool.acquire(ids[1]!, null)).release(); // evicts ids[0] while it is leased
    const rs = await busy.db.execute("SELECT COUNT(*) AS n FROM settings");
    assert.equal(Number(rs.rows[0]?.n), 0);
    busy.release();
    await assert.rejects(() => busy.db.execute("SELECT 1"), "closed after release");
  });
});

Deno.test("TenantPool shares one open between concurrent first requests", async () => {
  await withPool(4, async (pool, [id]) => {
    const leases = await Promise.all([1, 2, 3].map(() => pool.acquire(id!, null)));
    assert.equal(pool.opens, 1);
    leases.forEach((l) => l.release());
  });
});

Deno.test("TenantPool keeps file descriptors bounded while many tenants come and go", async () => {
  assert.equal(
    typeof (globalThis as { gc?: unknown }).gc,
    "function",
    "run with --v8-flags=--expose-gc",
  );
  const dir = await Deno.makeTempDir();
  // Only descriptors on this test's files count: test files run in parallel in one process.
  const fds = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((entry) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${entry.name}`).startsWith(dir);
      } catch {
        return false; // closed between listing and reading
      }
    }).length;
  const provider = new LocalDatabaseProvider(dir);
  const pool = new TenantPool(provider, 5);
  try {
    const count = GC_EVERY * 3 + 50;
    const ids = Array.from({ length: count }, () => newId());
    for (const id of ids) await provider.create(id);
    (globalThis as unknown as { gc: () => void }).gc(); // creation closed its handles; free them
    await new Promise((r) => setTimeout(r, 20));
    const before = fds();
    let most = 0;
    for (const id of ids) {
      const lease = await pool.acquire(id, null);
      await lease.db.execute("SELECT COUNT(*) FROM settings");
      lease.release();
      // Each request is its own task in a server; libSQL frees a collected handle in a later task.
      await new Promise((r) => setTimeout(r, 0));
      most = Math.max(most, fds() - before);
    }
    // A WAL database holds 3 descriptors; the pool keeps 5 open and collects every GC_EVERY
    // closes, so at most ~(5 + GC_EVERY) * 3 are held. Unbounded, `count` tenants hold 3 each.
    assert.ok(most <= (5 + GC_EVERY) * 3 + 12, `descriptors grew to ${most}`);
    assert.ok(most < count * 3 / 2, "well below the unbounded count");
    assert.equal(pool.size, 5);
  } finally {
    await pool.closeAll();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TenantPool forces a collection only when V8's own collections have not freed the closed databases", async () => {
  const realGc = (globalThis as unknown as { gc: () => void }).gc;
  assert.equal(typeof realGc, "function", "run with --v8-flags=--expose-gc");
  let forced = 0;
  (globalThis as unknown as { gc: () => void }).gc = () => {
    forced++;
    realGc();
  };
  const dir = await Deno.makeTempDir();
  const provider = new LocalDatabaseProvider(dir);
  try {
    const count = GC_EVERY * 2 + 10;
    const ids = Array.from({ length: count }, () => newId());
    for (const id of ids) await provider.create(id);
    const churn = async (pool: TenantPool, collectEvery: number | null, keep?: unknown[]) => {
      for (const [i, id] of ids.entries()) {
        const lease = await pool.acquire(id, null);
        await lease.db.execute("SELECT COUNT(*) FROM settings");
        keep?.push(lease.db);
        lease.release();
        if (collectEvery !== null && i % collectEvery === 0) {
          realGc(); // as V8 would on its own, under allocation
          await new Promise((r) => setTimeout(r, 5)); // its finalization callbacks run
        } else {
          await new Promise((r) => setTimeout(r, 0));
        }
      }
      await pool.closeAll();
    };
    // V8 collecting by itself now and then: the pool never has to.
    await churn(new TenantPool(provider, 5), 32);
    assert.equal(forced, 0, "no forced collection while V8 collects on its own");
    // Nothing collecting: the pool forces one each GC_EVERY closes, as the descriptor bound needs.
    // The closed handles are held here, so no collection (V8's own, which a loaded machine runs
    // during the churn, or the forced one) frees them and the pool is told of none.
    const held: unknown[] = [];
    await churn(new TenantPool(provider, 5), null, held);
    assert.ok(forced >= 2, `forced ${forced} collections over ${count - 5} closes`);
    held.length = 0;
  } finally {
    (globalThis as unknown as { gc: () => void }).gc = realGc;
    await Deno.remove(dir, { recursive: true });
  }
});
