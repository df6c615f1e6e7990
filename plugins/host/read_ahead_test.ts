/**
 * Read-ahead of the records a beforeSave hook reads: learned from the hook's own calls, read on
 * the write's transaction before the call, answered inside the sandbox worker with the answer
 * the host would have sent, never past a permission the plugin lacks.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { hookBundle, installForTest } from "../../tests/helpers/plugins.ts";
import { InvalidError } from "../../domain/errors.ts";
import type { WriteEvent } from "../../domain/records/context.ts";
import { suppliers } from "../../domain/catalog.ts";
import { createRecord, updateRecord } from "../../domain/records/repository.ts";
import { PluginRuntime } from "./runtime.ts";
import { ReadAhead, readKey } from "./read_ahead.ts";

const order = (supplierId: string, productIds: string[] = []): WriteEvent => ({
  collection: "purchase-orders",
  action: "create",
  values: { supplier_id: supplierId, order_date: "2026-11-02", notes: null },
  lines: productIds.map((id) => ({ product_id: id, description: "Brisket" })),
  existing: null,
});

Deno.test("read-ahead learns the event fields a hook's reads name and reads only those", async () => {
  const ahead = new ReadAhead();
  const asked: unknown[][] = [];
  const read = (args: unknown[]) => {
    asked.push(args);
    return Promise.resolve({ id: args[1], from: args[0] });
  };
  assert.deepEqual(await ahead.preload("h", order("s1"), read), [], "nothing learned yet");
  ahead.learn("h", order("s1", ["p1"]), "suppliers", "s1");
  ahead.learn("h", order("s1", ["p1"]), "products", "p1");
  ahead.learn("h", order("s1"), "customers", "not-in-the-event");
  const got = await ahead.preload("h", order("s9", ["p7", "p8", "p7"]), read);
  assert.deepEqual(got.map(([k]) => k).sort(), [
    readKey("products", "p7"),
    readKey("products", "p8"),
    readKey("suppliers", "s9"),
  ]);
  assert.deepEqual(got.find(([k]) => k === readKey("suppliers", "s9"))![1], {
    id: "s9",
    from: "suppliers",
  });
  assert.equal(asked.length, 3, "each record read once");
  assert.deepEqual(await ahead.preload("other-hook", order("s9"), read), []);
  ahead.forget("h");
  assert.deepEqual(await ahead.preload("h", order("s9"), read), [], "forgotten");
});

Deno.test("a read that fails is not read ahead: the hook's own call meets the refusal", async () => {
  const ahead = new ReadAhead();
  ahead.learn("h", order("s1"), "suppliers", "s1");
  const refused = () => Promise.reject(new Error("This plugin may not read suppliers."));
  assert.deepEqual(await ahead.preload("h", order("s2"), refused), []);
});

function reader(name: string, permissions: string[]) {
  return hookBundle({
    name,
    collection: "purchase-orders",
    permissions: ["read:purchase-orders", ...permissions],
    // Refuses with what it read, so the test sees the answer the hook received.
    body: `try {
        const s = await host.records.get("suppliers", event.values.supplier_id);
        return { ok: false, message: "read " + s.name + " v" + s.version };
      } catch (e) {
        return { ok: false, message: "failed: " + e.message };
      }`,
  });
}

async function setup(plugin: ReturnType<typeof reader>) {
  const server = await startTestServer({});
  const t = await signUpTenant(server);
  await putInState(server.services, t.tenantId, "enterprise", "active");
  await installForTest(server.services, t.tenantId, plugin);
  const tenant = (await server.services.registry.findById(t.tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  const runtime = new PluginRuntime({});
  const base = { db: lease.db, userId: t.userId, role: "owner" as const };
  const supplier = await createRecord(base, suppliers, { name: "Ahead Packers" });
  const refusal = async () => {
    const err = await runtime.hooksFor(t.tenantId, "2026-11-20", base)
      .beforeSave(lease.db, order(String(supplier.id)))
      .then(() => null, (e) => e);
    assert.ok(err instanceof InvalidError, String(err));
    return err.message;
  };
  return {
    runtime,
    refusal,
    rename: (name: string) =>
      updateRecord(base, suppliers, String(supplier.id), { name, version: supplier.version }),
    close: async () => {
      runtime.close();
      lease.release();
      await server.close();
    },
  };
}

Deno.test("a hook's read of a record its event names is answered without a second trip, fresh each write", async () => {
  const s = await setup(reader("ahead-reader", ["read:suppliers"]));
  try {
    assert.equal(await s.refusal(), "read Ahead Packers v1");
    assert.equal(s.runtime.beforeSaveHostReads, 1, "the first write asks the host and teaches");
    assert.equal(await s.refusal(), "read Ahead Packers v1", "the same answer, read ahead");
    await s.rename("Renamed Packers");
    assert.equal(await s.refusal(), "read Renamed Packers v2", "read on this write, not cached");
    assert.equal(s.runtime.beforeSaveHostReads, 1, "no further read reached the app's thread");
  } finally {
    await s.close();
  }
});

Deno.test("read-ahead never reads what the plugin may not: the refusal is the same each write", async () => {
  const s = await setup(reader("no-read-ahead", ["read:customers"]));
  try {
    const first = await s.refusal();
    assert.match(first, /^failed: This plugin may not read suppliers/);
    assert.equal(await s.refusal(), first);
    assert.equal(await s.refusal(), first);
    assert.equal(s.runtime.beforeSaveHostReads, 3, "each write's read went to the host and failed");
  } finally {
    await s.close();
  }
});
