/**
 * The audit chain: appends never fork under concurrency, and verification names the first entry
 * that was altered, removed or moved; pruning past the retention keeps the chain verifiable.
 */
import assert from "node:assert/strict";
import { type Client, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { FixedClock, systemClock } from "../domain/clock.ts";
import { appendSecurityEvent, GENESIS_HASH, readAnchor } from "./chain.ts";
import { verifyChain } from "./verify.ts";

async function withChain(
  test: (db: Client) => Promise<void>,
  set: "tenant" | "control" = "tenant",
) {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  try {
    await migrate(db, set);
    await test(db);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function appendFive(db: Client, now = systemClock.now()) {
  const ids: string[] = [];
  for (let i = 1; i <= 5; i++) {
    const e = await appendSecurityEvent(db, {
      action: "auth.sign_in",
      actorEmail: `user${i}@example.test`,
      details: { n: i, nested: { b: 2, a: 1 } },
    }, { now });
    ids.push(e.id);
  }
  return ids;
}

const rows = async (db: Client) =>
  (await db.execute("SELECT seq, id, prev_hash, hash FROM security_events ORDER BY seq")).rows;

Deno.test("appendSecurityEvent() links each entry to the one before it, from the genesis hash", async () => {
  await withChain(async (db) => {
    await appendFive(db);
    const list = await rows(db);
    assert.deepEqual(list.map((r) => Number(r.seq)), [1, 2, 3, 4, 5]);
    assert.equal(list[0]!.prev_hash, GENESIS_HASH);
    for (let i = 1; i < list.length; i++) assert.equal(list[i]!.prev_hash, list[i - 1]!.hash);
    assert.deepEqual(await verifyChain(db), {
      intact: true,
      entries: 5,
      firstSeq: 1,
      lastSeq: 5,
    });
  });
});

Deno.test("concurrent appends take distinct positions and never fork the chain", async () => {
  await withChain(async (db) => {
    const now = systemClock.now();
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => appendSecurityEvent(db, { action: `a.${i}` }, { now })),
    );
    const list = await rows(db);
    assert.equal(list.length, 25);
    assert.equal(new Set(list.map((r) => r.prev_hash)).size, 25, "no two entries share a parent");
    assert.equal((await verifyChain(db)).intact, true);
  });
});

Deno.test("the operators' chain in the control database verifies the same way", async () => {
  await withChain(async (db) => {
    await appendFive(db);
    assert.equal((await verifyChain(db)).intact, true);
  }, "control");
});

Deno.test("verifyChain() names an entry whose details were edited in SQL as altered", async () => {
  await withChain(async (db) => {
    const ids = await appendFive(db);
    await db.execute(`UPDATE security_events SET details = '{"n":99}' WHERE seq = 3`);
    const result = await verifyChain(db);
    assert.equal(result.intact, false);
    if (result.intact) return;
    assert.deepEqual([result.seq, result.id, result.why], [3, ids[2], "altered"]);
  });
});

Deno.test("verifyChain() names a middle entry that was deleted as missing", async () => {
  await withChain(async (db) => {
    const ids = await appendFive(db);
    await db.execute("DELETE FROM security_events WHERE seq = 3");
    const result = await verifyChain(db);
    assert.equal(result.intact, false);
    if (result.intact) return;
    assert.deepEqual([result.seq, result.id, result.why], [3, ids[3], "missing"]);
    assert.match(result.message, /Entry 3 is missing/);
  });
});

Deno.test("verifyChain() names swapped entries as out of order", async () => {
  await withChain(async (db) => {
    const ids = await appendFive(db);
    await db.batch([
      "UPDATE security_events SET seq = -1 WHERE seq = 2",
      "UPDATE security_events SET seq = 2 WHERE seq = 4",
      "UPDATE security_events SET seq = 4 WHERE seq = -1",
    ], "write");
    const result = await verifyChain(db);
    assert.equal(result.intact, false);
    if (result.intact) return;
    assert.deepEqual([result.seq, result.id, result.why], [2, ids[3], "out_of_order"]);
  });
});

Deno.test("verifyChain() names a deleted first entry as missing", async () => {
  await withChain(async (db) => {
    const ids = await appendFive(db);
    await db.execute("DELETE FROM security_events WHERE seq = 1");
    const result = await verifyChain(db);
    assert.equal(result.intact, false);
    if (result.intact) return;
    assert.deepEqual([result.seq, result.id, result.why], [1, ids[1], "missing"]);
  });
});

Deno.test("pruning past the retention keeps an anchor the chain verifies from, once a day", async () => {
  await withChain(async (db) => {
    const clock = new FixedClock(systemClock.now());
    await appendFive(db, clock.now());
    clock.advance(40 * 86_400_000);
    const kept = await appendSecurityEvent(db, { action: "later" }, {
      now: clock.now(),
      retentionDays: 30,
    });
    const list = await rows(db);
    assert.deepEqual(list.map((r) => r.id), [kept.id], "only the entry inside 30 days is left");
    assert.equal(kept.seq, 6, "positions continue after the pruned ones");
    const anchor = await readAnchor(db);
    assert.equal(anchor?.seq, 5);
    assert.equal(anchor?.hash, kept.prevHash);
    assert.equal((await verifyChain(db)).intact, true);

    // The same day again: no second pruning run, even with a shorter retention.
    clock.advance(60_000);
    await appendSecurityEvent(db, { action: "same day" }, { now: clock.now(), retentionDays: 0 });
    assert.equal((await rows(db)).length, 2);

    // Tampering still shows after pruning.
    await db.execute(`UPDATE security_events SET action = 'x' WHERE seq = 6`);
    const result = await verifyChain(db);
    assert.equal(result.intact ? null : result.why, "altered");
  });
});

Deno.test("pruning everything leaves the next entry chained to the anchor", async () => {
  await withChain(async (db) => {
    const clock = new FixedClock(systemClock.now());
    await appendFive(db, clock.now());
    clock.advance(2 * 86_400_000);
    const next = await appendSecurityEvent(db, { action: "x" }, {
      now: clock.now(),
      retentionDays: 1,
    });
    assert.equal(next.seq, 6);
    assert.equal((await readAnchor(db))?.hash, next.prevHash);
    assert.equal((await verifyChain(db)).intact, true);
  });
});

Deno.test("verifyChain() reads a long chain in batches and still names the broken entry", async () => {
  await withChain(async (db) => {
    const now = systemClock.now();
    for (let i = 0; i < 2_500; i++) await appendSecurityEvent(db, { action: `a.${i}` }, { now });
    assert.deepEqual(await verifyChain(db), {
      intact: true,
      entries: 2_500,
      firstSeq: 1,
      lastSeq: 2_500,
    });
    await db.execute("UPDATE security_events SET target = 'x' WHERE seq = 2201");
    const result = await verifyChain(db);
    assert.equal(result.intact ? null : `${result.seq} ${result.why}`, "2201 altered");
  });
});

Deno.test("two processes appending to one chain at once never fork it", async () => {
  await withChain(async (db) => {
    const path = (await db.execute("PRAGMA database_list")).rows[0]!.file as string;
    const child = (label: string) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("./_append_child.ts", import.meta.url).pathname,
          path,
          "60",
          label,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
    const [a, b] = await Promise.all([child("a"), child("b")]);
    assert.equal(a.code, 0, new TextDecoder().decode(a.stderr));
    assert.equal(b.code, 0, new TextDecoder().decode(b.stderr));
    const list = await rows(db);
    assert.equal(list.length, 120, "every append landed");
    assert.deepEqual(list.map((r) => Number(r.seq)), Array.from({ length: 120 }, (_, i) => i + 1));
    assert.equal(new Set(list.map((r) => r.prev_hash)).size, 120, "no two entries share a parent");
    assert.equal((await verifyChain(db)).intact, true);
  });
});
