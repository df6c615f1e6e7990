import assert from "node:assert/strict";
import { BUSINESS_DAY, withBusinessDay } from "./business_day.ts";
import { bindBusinessDay, openDatabase } from "./client.ts";
import { inWriteTransaction } from "./transaction.ts";

Deno.test("withBusinessDay() puts the day in for the placeholder and leaves other SQL alone", () => {
  const day = () => "2026-12-01";
  assert.equal(withBusinessDay(`SELECT ${BUSINESS_DAY}`, day), "SELECT '2026-12-01'");
  assert.deepEqual(withBusinessDay({ sql: `SELECT ${BUSINESS_DAY}, ?`, args: [1] }, day), {
    sql: "SELECT '2026-12-01', ?",
    args: [1],
  });
  const plain = { sql: "SELECT 1", args: [] };
  assert.equal(withBusinessDay(plain, day), plain);
  assert.throws(() => withBusinessDay(`SELECT ${BUSINESS_DAY}`, () => "1'; DROP"), /Bad business/);
});

Deno.test("a bound database answers the placeholder in statements, batches and transactions", async () => {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  try {
    // Without a business day the placeholder is an error, never a silent other day.
    await assert.rejects(db.execute(`SELECT ${BUSINESS_DAY} AS d`));
    let today = "2026-12-01";
    bindBusinessDay(db, () => today);
    assert.equal((await db.execute(`SELECT ${BUSINESS_DAY} AS d`)).rows[0]?.d, "2026-12-01");
    today = "2026-12-02";
    const [rs] = await db.batch([{ sql: `SELECT date(${BUSINESS_DAY}, '+1 day') AS d`, args: [] }]);
    assert.equal(rs?.rows[0]?.d, "2026-12-03");
    const inTx = await inWriteTransaction(db, async (tx) => {
      return (await tx.execute(`SELECT ${BUSINESS_DAY} AS d`)).rows[0]?.d;
    });
    assert.equal(inTx, "2026-12-02");
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
