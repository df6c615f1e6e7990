import assert from "node:assert/strict";
import { openDatabase } from "./client.ts";
import { migrate } from "./migrate.ts";
import {
  ABANDONED_AFTER_MS,
  claimKey,
  releaseKey,
  REPLAY_WINDOW_MS,
  storeAnswer,
} from "./idempotency_keys.ts";

async function tenantDb() {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  await migrate(db, "tenant");
  return {
    db,
    async [Symbol.asyncDispose]() {
      db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const answer = { status: 201, headers: { "content-type": "application/json" }, body: '{"id":"a"}' };

Deno.test("claimKey() claims once, reports the claim in flight, then the stored answer", async () => {
  await using t = await tenantDb();
  assert.deepEqual(await claimKey(t.db, "u1", "k", "fp"), { kind: "claimed" });
  assert.deepEqual(await claimKey(t.db, "u1", "k", "fp"), { kind: "in_flight", fingerprint: "fp" });
  await storeAnswer(t.db, "u1", "k", answer);
  assert.deepEqual(await claimKey(t.db, "u1", "k", "other"), {
    kind: "answered",
    fingerprint: "fp",
    answer,
  });
});

Deno.test("claimKey() keeps each caller's keys apart", async () => {
  await using t = await tenantDb();
  await claimKey(t.db, "u1", "k", "fp");
  await storeAnswer(t.db, "u1", "k", answer);
  assert.deepEqual(await claimKey(t.db, "u2", "k", "fp"), { kind: "claimed" });
});

Deno.test("releaseKey() frees a failed request's claim but never a stored answer", async () => {
  await using t = await tenantDb();
  await claimKey(t.db, "u1", "k", "fp");
  await releaseKey(t.db, "u1", "k");
  assert.deepEqual(await claimKey(t.db, "u1", "k", "fp2"), { kind: "claimed" });
  await storeAnswer(t.db, "u1", "k", answer);
  await releaseKey(t.db, "u1", "k");
  assert.equal((await claimKey(t.db, "u1", "k", "fp2")).kind, "answered");
});

Deno.test("claimKey() forgets answers older than the replay window", async () => {
  await using t = await tenantDb();
  const then = new Date("2026-11-01T10:00:00Z");
  await claimKey(t.db, "u1", "old", "fp", then);
  await storeAnswer(t.db, "u1", "old", answer);
  const justInside = new Date(then.getTime() + REPLAY_WINDOW_MS - 1000);
  assert.equal((await claimKey(t.db, "u1", "old", "fp", justInside)).kind, "answered");
  const after = new Date(then.getTime() + REPLAY_WINDOW_MS + 1000);
  assert.deepEqual(await claimKey(t.db, "u1", "old", "fp", after), { kind: "claimed" });
  const { rows } = await t.db.execute("SELECT count(*) AS n FROM idempotency_keys");
  assert.equal(Number(rows[0]!.n), 1);
});

Deno.test("claimKey() lets a retry take over a claim whose request died unanswered", async () => {
  await using t = await tenantDb();
  const start = new Date("2026-11-01T10:00:00Z");
  await claimKey(t.db, "u1", "k", "fp", start);
  const soon = new Date(start.getTime() + ABANDONED_AFTER_MS - 1000);
  assert.equal((await claimKey(t.db, "u1", "k", "fp", soon)).kind, "in_flight");
  const later = new Date(start.getTime() + ABANDONED_AFTER_MS + 1000);
  assert.deepEqual(await claimKey(t.db, "u1", "k", "fp", later), { kind: "claimed" });
  // Taken over once: a second retry at the same moment sees the new claim in flight.
  assert.equal((await claimKey(t.db, "u1", "k", "fp", later)).kind, "in_flight");
});
