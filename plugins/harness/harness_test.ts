import assert from "node:assert/strict";
import { runHarness } from "./harness.ts";

const catalog = new URL("../catalog/", import.meta.url).pathname;

Deno.test("runHarness() passes the margin guard's own tests.json", async () => {
  const outcomes = await runHarness(`${catalog}margin_guard`);
  assert.deepEqual(outcomes.filter((o) => !o.passed), []);
  assert.equal(outcomes.length, 5);
});

Deno.test("runHarness() fails a case whose answer differs and one that reads an undeclared type", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/manifest.json`,
      JSON.stringify({ name: "demo", title: "Demo", version: "0.1.0", apiVersion: "^1.0.0" }),
    );
    await Deno.writeTextFile(
      `${dir}/plugin.js`,
      "export const two = () => 2; export const peek = () => host.records.get('customers', 'c1');",
    );
    await Deno.writeTextFile(
      `${dir}/tests.json`,
      JSON.stringify([
        { name: "wrong", handler: "two", expect: 3 },
        { name: "right", handler: "two", expect: 2 },
        {
          name: "peek",
          handler: "peek",
          records: { customers: [{ id: "c1" }] },
          expect: { id: "c1" },
        },
      ]),
    );
    const outcomes = await runHarness(dir);
    assert.deepEqual(outcomes.map((o) => [o.name, o.passed]), [
      ["manifest", true],
      ["wrong", false],
      ["right", true],
      ["peek", false],
    ]);
    assert.match(outcomes[3]!.detail, /may not read customers/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
