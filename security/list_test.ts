/**
 * Reading the log back: filters by action (exact or prefix), user and days in the workspace's time
 * zone, newest first with a cursor, and a CSV a spreadsheet opens without running formulas.
 */
import assert from "node:assert/strict";
import { type Client, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { systemClock } from "../domain/clock.ts";
import { appendSecurityEvent } from "./chain.ts";
import {
  dayStartIn,
  exportSecurityEvents,
  listSecurityEvents,
  SecurityEventQuery,
  securityEventsCsv,
} from "./list.ts";

const ZONE = "America/Chicago";

async function withLog(test: (db: Client, days: string[]) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  try {
    await migrate(db, "tenant");
    // Three days before today, at noon in Chicago, one event each, by two people.
    const today = systemClock.now().getTime();
    const days = [3, 2, 1].map((n) => new Date(today - n * 86_400_000).toISOString().slice(0, 10));
    const events = [
      { action: "auth.sign_in", actorEmail: "dana@acme.example" },
      { action: "auth.sign_in_failed", actorEmail: "=cmd|' /C calc'!A0", ip: "203.0.113.7" },
      { action: "token.created", actorEmail: "dana@acme.example", target: "Nightly" },
    ];
    for (const [i, e] of events.entries()) {
      const noon = new Date(dayStartIn(days[i]!, ZONE).getTime() + 12 * 3_600_000);
      await appendSecurityEvent(db, e, { now: noon });
    }
    await test(db, days);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const query = (q: Record<string, string>) => SecurityEventQuery.parse(q);
const actions = (page: { data: Array<{ action: string }> }) => page.data.map((e) => e.action);

Deno.test("listSecurityEvents() filters by exact action, by prefix and by user", async () => {
  await withLog(async (db) => {
    assert.deepEqual(actions(await listSecurityEvents(db, query({}), ZONE)), [
      "token.created",
      "auth.sign_in_failed",
      "auth.sign_in",
    ]);
    assert.deepEqual(
      actions(await listSecurityEvents(db, query({ action: "auth.sign_in" }), ZONE)),
      ["auth.sign_in"],
    );
    assert.deepEqual(
      actions(await listSecurityEvents(db, query({ action: "auth." }), ZONE)),
      ["auth.sign_in_failed", "auth.sign_in"],
    );
    assert.deepEqual(
      actions(await listSecurityEvents(db, query({ user: "DANA@" }), ZONE)),
      ["token.created", "auth.sign_in"],
    );
  });
});

Deno.test("listSecurityEvents() takes from and to as whole days in the workspace's time zone", async () => {
  await withLog(async (db, days) => {
    const middle = await listSecurityEvents(db, query({ from: days[1]!, to: days[1]! }), ZONE);
    assert.deepEqual(actions(middle), ["auth.sign_in_failed"]);
    const fromSecond = await listSecurityEvents(db, query({ from: days[1]! }), ZONE);
    assert.deepEqual(actions(fromSecond), ["token.created", "auth.sign_in_failed"]);
    assert.equal(dayStartIn("2026-07-01", ZONE).toISOString(), "2026-07-01T05:00:00.000Z");
    assert.equal(dayStartIn("2026-01-15", ZONE).toISOString(), "2026-01-15T06:00:00.000Z");
  });
});

Deno.test("dayStartIn() begins a day without a midnight at its first minute", () => {
  // Santiago moves its clocks from 00:00 to 01:00 on 2027-09-05: the day starts at 01:00 -03
  // (04:00 UTC); 03:00 UTC would be 23:00 of the 4th, which is no part of the 5th.
  assert.equal(
    dayStartIn("2027-09-05", "America/Santiago").toISOString(),
    "2027-09-05T04:00:00.000Z",
  );
  // The day before is whole and ordinary (-04).
  assert.equal(
    dayStartIn("2027-09-04", "America/Santiago").toISOString(),
    "2027-09-04T04:00:00.000Z",
  );
  // The night the clocks go back (00:00 -03 to 23:00 -04 on the 3rd) the 4th begins once, at -04.
  assert.equal(
    dayStartIn("2027-04-04", "America/Santiago").toISOString(),
    "2027-04-04T04:00:00.000Z",
  );
});

Deno.test("SecurityEventQuery refuses a day that does not exist", () => {
  assert.equal(SecurityEventQuery.safeParse({ from: "2027-02-30" }).success, false);
  assert.equal(SecurityEventQuery.safeParse({ from: "2027-02-28" }).success, true);
});

Deno.test("listSecurityEvents() pages newest first by cursor, and the last page says so", async () => {
  await withLog(async (db) => {
    const first = await listSecurityEvents(db, query({ limit: "2" }), ZONE);
    assert.deepEqual(first.data.map((e) => e.seq), [3, 2]);
    assert.equal(first.next_cursor, "2");
    const second = await listSecurityEvents(
      db,
      query({ limit: "2", cursor: first.next_cursor! }),
      ZONE,
    );
    assert.deepEqual(second.data.map((e) => e.seq), [1]);
    assert.equal(second.next_cursor, null);
  });
});

Deno.test("SecurityEventQuery refuses days that do not exist and odd limits", () => {
  for (
    const bad of [
      { from: "2026-13-45" },
      { to: "2026-02-30" },
      { limit: "1.5" },
      {
        limit: "0",
      },
      { cursor: "%%%" },
      { unknown: "x" },
    ]
  ) {
    assert.equal(SecurityEventQuery.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

Deno.test("securityEventsCsv() writes a header and defuses cells a spreadsheet would run", async () => {
  await withLog(async (db) => {
    const events = await exportSecurityEvents(db, query({ action: "auth.sign_in_failed" }), ZONE);
    const lines = securityEventsCsv(events).trimEnd().split("\r\n");
    assert.equal(lines.length, 2);
    assert.ok(lines[0]!.startsWith("seq,id,at,actor_user_id,actor_email,ip,user_agent,action"));
    assert.ok(lines[1]!.includes(`'=cmd|' /C calc'!A0`), "formula prefixed with a quote");
    assert.ok(lines[1]!.includes("203.0.113.7"));
  });
});
