import assert from "node:assert/strict";
import type { LiveEvent } from "./changes_since.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { newId } from "../db/ids.ts";

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("LiveHub tells a tenant's listeners of its writes at once and nothing of another tenant's", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const [apiA, apiB] = await Promise.all([apiClient(server, a), apiClient(server, b)]);
    const heardA: LiveEvent[] = [];
    const heardA2: LiveEvent[] = [];
    const live = server.services.live;
    const subA = await live.subscribe(a.tenantId, null, (events) => heardA.push(...events));
    const subA2 = await live.subscribe(a.tenantId, null, (events) => heardA2.push(...events));
    assert.equal(live.tenantsListening, 1, "one feed for the tenant's two listeners");

    const started = Date.now();
    const customer = await apiA.ok("POST", "/api/v1/customers", { name: "Live Grocers" }, 201);
    await until(() => heardA.length > 0 && heardA2.length > 0);
    assert.ok(Date.now() - started < 900, "heard before the next poll: the commit woke the feed");
    assert.deepEqual(
      heardA.map((e) => [e.kind, e.collection, e.id, e.action, e.userId]),
      [["record", "customers", customer.id, "create", a.userId]],
    );
    assert.deepEqual(heardA2.map((e) => e.id), [customer.id]);

    await apiB.ok("POST", "/api/v1/customers", { name: "Other Tenant Grocers" }, 201);
    await new Promise((r) => setTimeout(r, 1300)); // past a poll
    assert.equal(heardA.length, 1, "nothing of tenant B reached tenant A");

    subA.stop();
    subA2.stop();
    assert.equal(live.tenantsListening, 0);
  } finally {
    await server.close();
  }
});

Deno.test("LiveHub hears a write it did not commit (another process) by polling, once", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const heard: LiveEvent[] = [];
    // Written outside any transaction of this process: no commit hook, as from another machine.
    const lease = await server.services.pool.acquire(a.tenantId, null);
    const write = (id: string) =>
      lease.db.execute({
        sql: `INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, changes)
              VALUES (?, ?, NULL, 'update', 'loads', ?, '{}')`,
        args: [newId(), new Date().toISOString(), id],
      });
    await write("load-before"); // before anyone listened: within the overlap, yet never news
    await new Promise((r) => setTimeout(r, 5));
    const sub = await server.services.live.subscribe(a.tenantId, null, (e) => heard.push(...e));
    try {
      await lease.db.execute({
        sql: `INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, changes)
              VALUES (?, ?, NULL, 'update', 'loads', 'load-x', '{}')`,
        args: [newId(), new Date().toISOString()],
      });
    } finally {
      lease.release();
    }
    await until(() => heard.length > 0, 2500);
    await new Promise((r) => setTimeout(r, 1200)); // another poll re-reads the overlap
    assert.deepEqual(heard.map((e) => [e.collection, e.id]), [["loads", "load-x"]], "once");
    sub.stop();
  } finally {
    await server.close();
  }
});
