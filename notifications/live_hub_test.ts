import assert from "node:assert/strict";
import type { LiveEvent } from "./changes_since.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { newId } from "../db/ids.ts";
import type { Client, ResultSet } from "../db/client.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { createRecord } from "../domain/records/repository.ts";
import { customers } from "../domain/catalog.ts";
import { FixedClock } from "../domain/clock.ts";
import { insertDocument } from "../domain/documents/repository.ts";

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

/** Counts the rows that reads of `table` after a cursor (rowid or time) return on `db`. */
function countRowsRead(db: Client, table: string): { rows: number; stop(): void } {
  const spy = { rows: 0, stop: () => delete (db as { execute?: unknown }).execute };
  const execute = db.execute.bind(db) as (...args: unknown[]) => Promise<ResultSet>;
  const reads = new RegExp(`FROM ${table}\\s+WHERE (rowid|at) >`);
  (db as { execute: unknown }).execute = async (...args: unknown[]) => {
    const rs = await execute(...args);
    const sql = typeof args[0] === "string" ? args[0] : (args[0] as { sql: string }).sql;
    if (reads.test(sql)) spy.rows += rs.rows.length;
    return rs;
  };
  return spy;
}

/** A workspace on `server` and the events the commit watchers hear from it. */
async function watchingOneWorkspace(server: TestServer) {
  const a = await signUpTenant(server);
  const told: LiveEvent[] = [];
  server.services.live.watchCommits((tenantId, events) => {
    if (tenantId === a.tenantId) told.push(...events);
    return Promise.resolve();
  });
  return { a, told };
}

Deno.test("LiveHub tells the commit watchers each of 600 back-to-back writes once, in commit order, reading only the new rows", async () => {
  const server = await startTestServer();
  try {
    const { a, told } = await watchingOneWorkspace(server);
    const lease = await server.services.pool.acquire(a.tenantId, null);
    const spy = countRowsRead(lease.db, "audit_log");
    const created: string[] = [];
    try {
      const context = { db: lease.db, userId: a.userId, role: "owner" as const };
      for (let i = 0; i < 600; i++) {
        created.push(String((await createRecord(context, customers, { name: `Grocer ${i}` })).id));
      }
      await server.services.live.settled();
    } finally {
      spy.stop();
      lease.release();
    }
    const creates = told.filter((e) => e.collection === "customers" && e.action === "create");
    assert.equal(creates.length, 600, "every write told");
    assert.deepEqual(creates.map((e) => e.id), created, "once each, in commit order");
    assert.equal(new Set(told.map((e) => e.key)).size, told.length, "no event told twice");
    // The old read looked 5 s back at up to 500 rows on every commit: ~500 rows per write.
    assert.ok(spy.rows <= 600 + 20, `audit rows read for 600 writes: ${spy.rows}`);
  } finally {
    await server.close();
  }
});

Deno.test("LiveHub tells the commit watchers every row of an import-sized commit (1,200 changes in one transaction)", async () => {
  const server = await startTestServer();
  try {
    const { a, told } = await watchingOneWorkspace(server);
    const lease = await server.services.pool.acquire(a.tenantId, null);
    const ids = Array.from({ length: 1200 }, (_, i) => `load-${String(i).padStart(4, "0")}`);
    try {
      await inWriteTransaction(lease.db, async (tx) => {
        for (const id of ids) {
          await tx.execute({
            sql: `INSERT INTO audit_log (id, at, user_id, action, entity, entity_id, changes)
                  VALUES (?, ?, NULL, 'create', 'loads', ?, '{}')`,
            args: [newId(), new Date().toISOString(), id],
          });
        }
      });
      await server.services.live.settled();
    } finally {
      lease.release();
    }
    assert.deepEqual(told.filter((e) => e.collection === "loads").map((e) => e.id), ids);
  } finally {
    await server.close();
  }
});

Deno.test("LiveHub's commit watchers carry on over a reopened handle of the same file: nothing lost, nothing told again", async () => {
  const server = await startTestServer();
  try {
    const { a, told } = await watchingOneWorkspace(server);
    const write = async (name: string) => {
      const lease = await server.services.pool.acquire(a.tenantId, null);
      try {
        const context = { db: lease.db, userId: a.userId, role: "owner" as const };
        return { id: String((await createRecord(context, customers, { name })).id), db: lease.db };
      } finally {
        lease.release();
      }
    };
    const before = await write("Before Grocers");
    await server.services.live.settled();
    await server.services.pool.forget(a.tenantId); // closes the handle; the next is a new Client
    const after = await write("After Grocers");
    await server.services.live.settled();
    assert.notEqual(after.db, before.db, "a new handle");
    assert.deepEqual(
      told.filter((e) => e.collection === "customers").map((e) => e.id),
      [before.id, after.id],
    );
  } finally {
    await server.close();
  }
});

Deno.test("LiveHub's commit watchers tell the changes of a workspace whose app clock is set in the past", async () => {
  // Records, history and documents carry the app's clock (domain/records/context.ts): the
  // watchers' first time cursor must come from it too, or every change stamped by a clock behind
  // the machine's looks older than the cursor and is never told.
  const at = "2024-02-29T15:00:00.000Z";
  const server = await startTestServer({}, { clock: new FixedClock(at) });
  try {
    const { a, told } = await watchingOneWorkspace(server);
    const lease = await server.services.pool.acquire(a.tenantId, null);
    let customerId: string;
    let documentId: string;
    try {
      const clock = server.services.clock;
      const context = { db: lease.db, userId: a.userId, role: "owner" as const, clock };
      customerId = String((await createRecord(context, customers, { name: "Leap Grocers" })).id);
      documentId = await inWriteTransaction(lease.db, (tx) =>
        insertDocument(tx, {
          name: "bol.pdf",
          contentType: "application/pdf",
          sizeBytes: 1,
          sha256: "0".repeat(64),
          storageKey: "k",
          pages: 1,
          uploadedBy: a.userId,
        }, clock));
      await server.services.live.settled();
    } finally {
      lease.release();
    }
    assert.deepEqual(
      told.filter((e) => e.collection === "customers" || e.collection === "documents")
        .map((e) => [e.collection, e.id, e.action, e.at]),
      [["customers", customerId, "create", at], ["documents", documentId, "queued", at]],
    );
  } finally {
    await server.close();
  }
});
