/**
 * The live-update feeds' reads find their rows through an index: a feed reads every second per
 * watched workspace, so a full scan of a large table there would stall the app's thread.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import type { Executor } from "../db/transaction.ts";
import { changesSince, currentCursor } from "./changes_since.ts";

Deno.test("the feeds' reads of audit log, documents and activity search an index, never scan a table", async () => {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  try {
    await migrate(db, "tenant");
    const plans: string[][] = [];
    // Runs each statement the feeds issue, and asks SQLite how it ran it.
    const explaining: Executor = {
      execute: async (stmt: Parameters<Executor["execute"]>[0]) => {
        const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: [] } : stmt;
        const plan = await db.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args });
        plans.push(plan.rows.map((r) => String(r.detail)));
        return await db.execute(stmt);
      },
    } as Executor;
    const cursor = await currentCursor(explaining);
    const since = new Date(Date.now() - 60_000).toISOString();
    await changesSince(explaining, { audit: since, documents: since, activity: since });
    assert.equal(plans.length, 4, "one statement for the cursor, three for the changes");
    assert.equal(cursor.activity, "");
    for (const plan of plans) {
      for (const step of plan) {
        assert.doesNotMatch(step, /^SCAN (audit_log|documents|activity)$/, plan.join(" / "));
      }
    }
    assert.ok(plans.flat().some((s) => /activity USING (COVERING )?INDEX activity_at/.test(s)));
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
