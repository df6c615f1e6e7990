import assert from "node:assert/strict";
import { businessDay, dayIn, FixedClock, isTimeZone, minuteIn, shiftedClock } from "./clock.ts";

Deno.test("businessDay() reads the clock in the tenant's time zone, not in UTC", () => {
  // 03:00 UTC on the 2nd is still 9 pm on the 1st in Chicago.
  const clock = new FixedClock("2026-12-02T03:00:00Z");
  assert.equal(businessDay(clock, "America/Chicago"), "2026-12-01");
  assert.equal(businessDay(clock, "UTC"), "2026-12-02");
  assert.equal(businessDay(clock, "Asia/Tokyo"), "2026-12-02");
  clock.advance(6 * 3600_000);
  assert.equal(businessDay(clock, "America/Chicago"), "2026-12-02");
  assert.equal(dayIn(new Date("2027-01-01T05:59:00Z"), "America/Chicago"), "2026-12-31");
});

Deno.test("shiftedClock() reads the given day now and keeps running", async () => {
  const clock = shiftedClock("2027-07-15");
  assert.equal(clock.now().toISOString().slice(0, 10), "2027-07-15");
  const before = clock.now().getTime();
  await new Promise((r) => setTimeout(r, 15));
  assert.ok(clock.now().getTime() >= before + 10, "time moves on");
  assert.throws(() => shiftedClock("2027-13-45"), /Not a day/);
  assert.throws(() => shiftedClock("tomorrow"), /Not a day/);
  assert.throws(() => shiftedClock("2027-02-30"), /Not a day/, "not run as March 2");
  assert.equal(shiftedClock("2028-02-29").now().toISOString().slice(0, 10), "2028-02-29");
});

Deno.test("minuteIn() reads an instant on a zone's wall clock, either side of a clock change", () => {
  assert.equal(minuteIn(new Date("2027-03-14T07:59:00Z"), "America/Chicago"), "2027-03-14T01:59");
  assert.equal(minuteIn(new Date("2027-03-14T08:00:00Z"), "America/Chicago"), "2027-03-14T03:00");
  assert.equal(minuteIn(new Date("2027-12-31T23:30:00Z"), "Asia/Tokyo"), "2028-01-01T08:30");
  assert.equal(minuteIn(new Date("2027-06-01T00:00:00Z"), "UTC"), "2027-06-01T00:00");
});

Deno.test("isTimeZone() accepts IANA zones and refuses anything else", () => {
  for (const zone of ["America/Chicago", "America/Mexico_City", "UTC", "Europe/Madrid"]) {
    assert.ok(isTimeZone(zone), zone);
  }
  for (const zone of ["Mars/Olympus", "", "'); DROP TABLE x;--", "America/../../etc"]) {
    assert.ok(!isTimeZone(zone), zone);
  }
});

Deno.test("dayIn() turns the day on the zone's midnight to the millisecond, asked in any order", () => {
  // Kathmandu is UTC+05:45: local midnight of 2026-03-01 is 2026-02-28T18:15:00Z.
  const zone = "Asia/Kathmandu";
  const midnight = Date.parse("2026-02-28T18:15:00Z");
  const asked = [midnight - 1, midnight, midnight - 1, midnight + 59_999, midnight - 60_000];
  assert.deepEqual(asked.map((ms) => dayIn(new Date(ms), zone)), [
    "2026-02-28",
    "2026-03-01",
    "2026-02-28",
    "2026-03-01",
    "2026-02-28",
  ]);
  assert.equal(dayIn(new Date(midnight), "America/Chicago"), "2026-02-28");
  assert.equal(dayIn(new Date(midnight), zone), "2026-03-01");
});
