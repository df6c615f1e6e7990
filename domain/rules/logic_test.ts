import assert from "node:assert/strict";
import { evaluate, holds, logicProblems, lookup } from "./logic.ts";

const data = {
  record: {
    total_cents: 30_000_000,
    status: "draft",
    proteins: ["Beef", "Pork"],
    notes: "rush order",
    custom_fields: { vessel: "MSC Anna", reefer: true, temp: null },
  },
  previous: { total_cents: 20_000_000, status: "draft" },
  user: { role: "broker" },
  event: "update",
  today: "2026-11-20",
};

const cases: Array<[string, unknown, unknown]> = [
  ["var reads a dotted path", { var: "record.total_cents" }, 30_000_000],
  ["var reads custom fields", { var: "record.custom_fields.vessel" }, "MSC Anna"],
  ["var gives its default for a missing path", { var: ["record.nope", 7] }, 7],
  ["var gives null for a missing path", { var: "record.total.cents" }, null],
  ["missing lists empty paths", { missing: ["record.custom_fields.temp", "record.status"] }, [
    "record.custom_fields.temp",
  ]],
  ["== compares loosely", { "==": [{ var: "record.total_cents" }, "30000000"] }, true],
  ["!= is its opposite", { "!=": [{ var: "user.role" }, "broker"] }, false],
  ["=== compares strictly", { "===": [{ var: "record.total_cents" }, "30000000"] }, false],
  ["!== is its opposite", { "!==": [{ var: "record.status" }, "approved"] }, true],
  [">", { ">": [{ var: "record.total_cents" }, 25_000_000] }, true],
  [">=", { ">=": [{ var: "record.total_cents" }, 30_000_001] }, false],
  ["<", { "<": [{ var: "previous.total_cents" }, { var: "record.total_cents" }] }, true],
  ["< between", { "<": [1, { var: "record.total_cents" }, 2] }, false],
  ["<=", { "<=": [{ var: "record.total_cents" }, 30_000_000] }, true],
  ["<= between", { "<=": [0, 5, 5] }, true],
  ["! negates truthiness (an empty list is false)", { "!": [[]] }, true],
  ["!! casts to a boolean", { "!!": [{ var: "record.custom_fields.reefer" }] }, true],
  ["and stops at the first false value", { and: [true, 0, { var: "nope" }] }, 0],
  ["or gives the first true value", { or: [false, { var: "user.role" }] }, "broker"],
  ["if picks a branch", { if: [{ "==": [{ var: "event" }, "create"] }, "a", "b"] }, "b"],
  ["if with several conditions", { if: [false, 1, true, 2, 3] }, 2],
  ["in finds in a list", { in: ["Pork", { var: "record.proteins" }] }, true],
  ["in finds in text", { in: ["rush", { var: "record.notes" }] }, true],
  ["+ adds", { "+": [1, 2, "3"] }, 6],
  ["- subtracts and negates", { "-": [{ var: "record.total_cents" }, 1] }, 29_999_999],
  ["* multiplies", { "*": [2, 3, 4] }, 24],
  ["/ divides", { "/": [{ var: "record.total_cents" }, 100] }, 300_000],
  ["a date compares as text", { ">=": [{ var: "today" }, "2026-11-01"] }, false],
  ["plain values are themselves", "text", "text"],
];

for (const [name, logic, expected] of cases) {
  Deno.test(`evaluate(): ${name}`, () => {
    assert.deepEqual(evaluate(logic, data), expected);
  });
}

Deno.test("holds(): an empty or true condition always holds; others by truthiness", () => {
  assert.equal(holds(null, data), true);
  assert.equal(holds(true, data), true);
  assert.equal(holds({ var: "record.custom_fields.temp" }, data), false);
  assert.equal(holds({ ">": [{ var: "record.total_cents" }, 25_000_000] }, data), true);
});

Deno.test("lookup() reads only the data's own keys, never its prototype", () => {
  assert.equal(lookup(data, "record.constructor"), null);
  assert.equal(lookup(data, "record.__proto__"), null);
  assert.equal(lookup(data, "record.proteins.length"), 2, "an own property of a list");
  assert.equal(lookup(data, "record.proteins.1"), "Pork");
});

Deno.test("logicProblems() refuses unknown operations, bad arity, bad var and oversize rules", () => {
  assert.deepEqual(logicProblems({ ">": [{ var: "record.total_cents" }, 1] }), []);
  assert.match(
    logicProblems({ method: [{ var: "record" }, "toString"] })[0]!,
    /unknown operation "method"/,
  );
  assert.match(logicProblems({ ">": [1] })[0]!, /">" takes 2-2 arguments/);
  assert.match(logicProblems({ var: [{ and: [] }] }).join(" "), /"var" names a path/);
  assert.match(logicProblems({ a: 1, b: 2 })[0]!, /exactly one key/);
  let deep: unknown = 1;
  for (let i = 0; i < 20; i++) deep = { "!": [deep] };
  assert.match(logicProblems(deep).join(" "), /nest at most/);
  const wide = { and: Array.from({ length: 300 }, () => true) };
  assert.match(logicProblems(wide).join(" "), /at most 200 parts/);
});
