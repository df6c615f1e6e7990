import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { localDaySql, offsetMinutes } from "./local_day_sql.ts";

async function dayOf(instant: string, timeZone: string, from: string, to: string) {
  const db = createClient({ url: ":memory:" });
  try {
    const rs = await db.execute({
      sql: `SELECT ${localDaySql("x", timeZone, from, to)} AS day FROM (SELECT ? AS x)`,
      args: [instant],
    });
    return rs.rows[0]!.day;
  } finally {
    db.close();
  }
}

Deno.test("offsetMinutes() reads a zone's offset on either side of its clock change", () => {
  assert.equal(offsetMinutes(Date.parse("2027-03-14T07:59:00Z"), "America/Chicago"), -360);
  assert.equal(offsetMinutes(Date.parse("2027-03-14T08:00:00Z"), "America/Chicago"), -300);
  assert.equal(offsetMinutes(Date.parse("2027-06-01T00:00:00Z"), "Asia/Kolkata"), 330);
  assert.equal(offsetMinutes(Date.parse("2027-06-01T00:00:00Z"), "UTC"), 0);
});

Deno.test("localDaySql() gives the workspace's day of an instant, across clock changes", async () => {
  // 20:30 on March 31 in Chicago (daylight time) is 01:30 on April 1 in UTC.
  assert.equal(
    await dayOf("2027-04-01T01:30:00.000Z", "America/Chicago", "2027-03-01", "2027-03-31"),
    "2027-03-31",
  );
  // The same instant read over a period that spans the March change.
  assert.equal(
    await dayOf("2027-04-01T01:30:00.000Z", "America/Chicago", "2027-01-01", "2027-12-31"),
    "2027-03-31",
  );
  // Either side of the change: 05:30 UTC is 23:30 CST on the 13th, 05:30 UTC on the 15th 00:30 CDT.
  assert.equal(
    await dayOf("2027-03-14T05:30:00.000Z", "America/Chicago", "2027-03-01", "2027-03-31"),
    "2027-03-13",
  );
  assert.equal(
    await dayOf("2027-03-15T05:30:00.000Z", "America/Chicago", "2027-03-01", "2027-03-31"),
    "2027-03-15",
  );
  // November: 05:30 UTC on the 8th is 23:30 CST on the 7th (it would be 00:30 on the 8th in CDT).
  assert.equal(
    await dayOf("2027-11-08T05:30:00.000Z", "America/Chicago", "2027-11-01", "2027-11-30"),
    "2027-11-07",
  );
  // Zones ahead of UTC, and UTC itself.
  assert.equal(
    await dayOf("2027-06-30T20:00:00.000Z", "Asia/Tokyo", "2027-06-01", "2027-07-31"),
    "2027-07-01",
  );
  assert.equal(
    await dayOf("2027-06-30T20:00:00.000Z", "UTC", "2027-06-01", "2027-07-31"),
    "2027-06-30",
  );
  assert.equal(await dayOf(null as unknown as string, "UTC", "2027-06-01", "2027-07-31"), null);
});

Deno.test("localDaySql() refuses a period that is not one", () => {
  assert.throws(() => localDaySql("x", "UTC", "2027-02-01", "2027-01-01"), RangeError);
  assert.throws(() => localDaySql("x", "UTC", "someday", "2027-01-01"), RangeError);
});
