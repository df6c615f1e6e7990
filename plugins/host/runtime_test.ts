/**
 * PluginRuntime's write hooks: several plugins' beforeSave checks run side by side once their
 * sandboxes are warm, and their answers are still read in the plugins' order.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { hookBundle, installForTest } from "../../tests/helpers/plugins.ts";
import { InvalidError } from "../../domain/errors.ts";
import type { WriteEvent } from "../../domain/records/context.ts";
import { PluginRuntime } from "./runtime.ts";
import type { SafeFetchDeps } from "./safe_fetch.ts";

function checker(name: string, body: string) {
  return hookBundle({
    name,
    collection: "suppliers",
    permissions: ["read:suppliers"],
    allowedDomains: ["feed.example"],
    body,
  });
}

/** A network whose answers the test releases; `asked` counts requests waiting. */
function heldNetwork() {
  const waiting: (() => void)[] = [];
  const network: SafeFetchDeps = {
    resolve: () => Promise.resolve(["93.184.216.34"]),
    fetch: () =>
      new Promise<Response>((resolve) => waiting.push(() => resolve(new Response("ok")))),
    timeoutMs: 5000,
    maxBytes: 1000,
  };
  return {
    network,
    get asked() {
      return waiting.length;
    },
    release: () => waiting.splice(0).forEach((go) => go()),
  };
}

async function setup(plugins: ReturnType<typeof checker>[], network: SafeFetchDeps) {
  const server = await startTestServer({});
  const t = await signUpTenant(server);
  await putInState(server.services, t.tenantId, "enterprise", "active");
  for (const plugin of plugins) await installForTest(server.services, t.tenantId, plugin);
  const tenant = (await server.services.registry.findById(t.tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  // The tests hold the hooks' network answers on purpose; on a loaded machine that hold, timed in
  // wall time, could pass the production limit of 250 ms and stop the plugin mid-test.
  const runtime = new PluginRuntime({ network, hookLimits: { timeMs: 10_000 } });
  const base = { db: lease.db, userId: t.userId, role: "owner" as const };
  const hooks = runtime.hooksFor(t.tenantId, "2026-11-20", base);
  const event: WriteEvent = {
    collection: "suppliers",
    action: "create",
    values: { name: "Side Packers" },
    lines: undefined,
    existing: null,
  };
  return {
    hooks,
    event,
    db: lease.db,
    close: async () => {
      runtime.close();
      lease.release();
      await server.close();
    },
  };
}

const untilAsked = async (held: { asked: number }, n: number) => {
  while (held.asked < n) await new Promise((r) => setTimeout(r, 5));
};

Deno.test("warm plugins' beforeSave checks run side by side: both are waiting at once", async () => {
  const held = heldNetwork();
  const fetching = "await host.fetch('https://feed.example/p'); return { ok: true };";
  const s = await setup([checker("a-feed", fetching), checker("b-feed", fetching)], held.network);
  try {
    // The first write starts the cold sandboxes one after another. Its refusal, if any, is kept
    // for the assertion below rather than left to reject with nobody listening.
    const first = s.hooks.beforeSave(s.db, s.event).then(() => null, (e) => e);
    await untilAsked(held, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(held.asked, 1, "cold sandboxes start one at a time");
    held.release();
    await untilAsked(held, 1);
    held.release();
    assert.equal(await first, null);
    // Warm: both checks are in flight before either answer is released.
    const second = s.hooks.beforeSave(s.db, s.event);
    await untilAsked(held, 2);
    held.release();
    await second;
  } finally {
    await s.close();
  }
});

Deno.test("side-by-side checks are read in the plugins' order: the first refusal decides", async () => {
  const held = heldNetwork();
  const s = await setup([
    // "a-slow" answers last (its fetch is held), "b-fast" at once; both refuse.
    checker(
      "a-slow",
      "await host.fetch('https://feed.example/p'); return { ok: false, message: 'A says no.' };",
    ),
    checker("b-fast", "return { ok: false, message: 'B says no.' };"),
  ], held.network);
  try {
    const warm = s.hooks.beforeSave(s.db, s.event).catch((e) => e);
    await untilAsked(held, 1);
    held.release();
    assert.equal((await warm).message, "A says no.");
    for (let i = 0; i < 3; i++) {
      const refused = s.hooks.beforeSave(s.db, s.event).catch((e) => e);
      await untilAsked(held, 1);
      await new Promise((r) => setTimeout(r, 20)); // b-fast has answered by now
      held.release();
      const err = await refused;
      assert.ok(err instanceof InvalidError, String(err));
      assert.equal(err.message, "A says no.");
      assert.deepEqual(err.details, { _: ["A says no."], plugin: ["a-slow"] });
    }
  } finally {
    await s.close();
  }
});

Deno.test("a tenant's plugin list is read again when its change notices say another machine wrote, within the cache's lifetime", async () => {
  let generation = 1;
  let reads = 0;
  // Only the list's query reaches the database here: count it, answer "nothing installed".
  const db = {
    execute: () => {
      reads++;
      return Promise.resolve({ rows: [], columns: [], rowsAffected: 0 });
    },
  } as unknown as Parameters<PluginRuntime["enabled"]>[1];
  let now = 0;
  const runtime = new PluginRuntime({
    notices: { generation: () => generation },
    now: () => now,
    listTtlMs: 5_000,
  });
  try {
    await runtime.enabled("t1", db);
    await runtime.enabled("t1", db);
    assert.equal(reads, 1, "cached while nothing changed");
    generation = 2; // another machine installed, updated or disabled a plugin
    await runtime.enabled("t1", db);
    assert.equal(reads, 2, "read again at once");
    now = 5_000;
    await runtime.enabled("t1", db);
    assert.equal(reads, 3, "and after the lifetime, notices or not");
  } finally {
    runtime.close();
  }
});
