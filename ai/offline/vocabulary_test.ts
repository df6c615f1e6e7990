import assert from "node:assert/strict";
import { editDistance, matchLabel } from "./vocabulary.ts";

/** The textbook table, unbounded: what the bounded one must agree with. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

Deno.test("editDistance() within a bound answers as the full table does, and bound + 1 past it", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const word = () =>
    Array.from({ length: Math.floor(random() * 9) }, () => "abcd"[Math.floor(random() * 4)])
      .join("");
  for (let n = 0; n < 3000; n++) {
    const [a, b] = [word(), word()];
    const full = reference(a, b);
    assert.equal(editDistance(a, b), full, `${a} ${b}`);
    for (const bound of [0, 1, 2]) {
      assert.equal(
        editDistance(a, b, bound),
        full <= bound ? full : bound + 1,
        `${a} ${b} ${bound}`,
      );
    }
  }
  assert.equal(editDistance("shpi date", "ship date", 1), 1, "a swap of neighbours is one edit");
});

Deno.test("matchLabel() answers a repeated label the same, and a slipped one loosely", () => {
  const first = matchLabel("Sihp Date");
  assert.ok(first && first.strength < 1 && first.concepts.length > 0);
  assert.deepEqual(matchLabel("Sihp Date"), first);
  assert.equal(matchLabel("Zqxv Wrtp"), null);
});
