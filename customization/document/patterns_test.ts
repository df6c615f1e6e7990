import assert from "node:assert/strict";
import { PATTERN_MAX_LENGTH, patternProblem, tenantPattern } from "./patterns.ts";
import { CustomFieldSchema } from "./fields_schema.ts";
import { customValue, readCustomFields } from "../../ai/offline/custom.ts";
import type { Line } from "../../ai/offline/layout.ts";

Deno.test("tenant patterns run in linear time: catastrophic ones return at once", () => {
  const cases: Array<[string, string]> = [
    ["^(a+)+$", "a".repeat(50_000) + "!"],
    ["(x+x+)+y", "x".repeat(50_000)],
    ["^(a|a)*$", "a".repeat(50_000) + "b"],
    ["^(\\w+\\s?)*$", "word ".repeat(10_000) + "!"],
  ];
  for (const [source, text] of cases) {
    const started = performance.now();
    assert.equal(tenantPattern(source).test(text), false, source);
    assert.ok(performance.now() - started < 1000, `${source} took too long`);
  }
});

Deno.test("tenant patterns match, find first and all", () => {
  const p = tenantPattern("[A-Z]{4}\\d{7}");
  assert.equal(p.test("Cntr MSCU1234567"), true);
  assert.equal(p.first("Cntr MSCU1234567 and TGHU7654321"), "MSCU1234567");
  assert.deepEqual(p.all("MSCU1234567 TGHU7654321"), ["MSCU1234567", "TGHU7654321"]);
  assert.equal(tenantPattern("^(?i)hp-\\d{4}$").test("HP-0042"), true);
  assert.equal(tenantPattern("^\\p{L}+$").test("Ñandú"), true);
  assert.equal(tenantPattern("^.$").test("🥩"), true, "a code point, not a UTF-16 half");
});

Deno.test("patternProblem() names what RE2 refuses", () => {
  assert.equal(patternProblem("^[A-Z]{4}\\d{7}$"), null);
  assert.match(patternProblem("(a)\\1")!, /Backreferences .* not supported/);
  for (const look of ["(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b"]) {
    assert.match(patternProblem(look)!, /Lookarounds .* not supported/, look);
  }
  assert.match(patternProblem("\\u00e9")!, /\\x\{00E9\}/);
  assert.match(patternProblem("(")!, /not a valid RE2 regular expression/);
  assert.match(patternProblem("a".repeat(PATTERN_MAX_LENGTH + 1))!, /at most 200/);
});

Deno.test("a stored pattern RE2 cannot compile matches nothing and never throws", () => {
  const broken = tenantPattern("(?<=a)b");
  assert.equal(broken.test("ab"), false);
  assert.equal(broken.first("ab"), null);
  assert.deepEqual(broken.all("ab"), []);
});

Deno.test("the document reader uses RE2 for document_pattern and pattern", () => {
  const spec = CustomFieldSchema.parse({
    key: "container",
    label: "Container",
    type: "text",
    pattern: "^(a+)+$",
    document_pattern: "(a+)+!?",
  });
  assert.equal(customValue(spec, "aaaa"), "aaaa");
  const started = performance.now();
  assert.equal(customValue({ ...spec, document_pattern: null }, "a".repeat(28) + "!"), null);
  const line = (text: string): Line => ({
    text,
    index: 0,
    cells: [{ text, start: 0, end: text.length }],
  });
  const found = readCustomFields([spec], [line("nothing here"), line("zz aaa zz")]);
  assert.equal(found.container?.value, "aaa");
  assert.ok(performance.now() - started < 1000);
});
