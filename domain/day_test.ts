import assert from "node:assert/strict";
import { daySchema, isRealDay } from "./day.ts";

Deno.test("isRealDay() takes days of the calendar and refuses the ones Date would roll over", () => {
  for (const day of ["2026-12-07", "2028-02-29", "2027-12-31", "2027-01-01"]) {
    assert.equal(isRealDay(day), true, day);
  }
  for (
    const day of [
      "2027-02-29",
      "2027-02-30",
      "2027-13-01",
      "0000-00-00",
      "2027-04-31",
      "27-01-01",
      "2027-1-1",
      "2027-01-01T00:00",
    ]
  ) {
    assert.equal(isRealDay(day), false, day);
  }
});

Deno.test("daySchema() tells a malformed day from one that does not exist", () => {
  assert.equal(daySchema().safeParse("2027-03-01").success, true);
  const malformed = daySchema().safeParse("03/01/2027");
  assert.equal(malformed.error?.issues[0]?.message, "Use a date like 2026-03-31.");
  const missing = daySchema().safeParse("2027-02-30");
  assert.equal(missing.error?.issues[0]?.message, "That date does not exist.");
});
