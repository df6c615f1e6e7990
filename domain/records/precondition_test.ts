import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { createRecord } from "./repository.ts";
import { suppliers } from "../catalog.ts";
import { ConflictError } from "../errors.ts";
import type { Executor } from "../../db/transaction.ts";

Deno.test("a create's precondition runs inside its write transaction: creates at once cannot all pass it", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const ctx = { db: lease.db, userId: t.userId, role: "owner" as const };
      const count = async (db: Executor) =>
        Number(
          (await db.execute({
            sql: "SELECT COUNT(*) AS n FROM suppliers WHERE name = ?",
            args: ["Solo Packers"],
          })).rows[0]!.n,
        );
      const onlyOne = async (tx: Executor) => {
        const n = await count(tx);
        // Every other create has time to run its own check meanwhile, were it outside.
        await new Promise((resolve) => setTimeout(resolve, 30));
        if (n > 0) throw new ConflictError("Solo Packers is already on file.");
      };
      const results = await Promise.allSettled(
        [1, 2, 3].map(() => createRecord(ctx, suppliers, { name: "Solo Packers" }, onlyOne)),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected", "rejected"]);
      for (const r of results) {
        if (r.status === "rejected") assert.ok(r.reason instanceof ConflictError);
      }
      assert.equal(await count(lease.db), 1);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
