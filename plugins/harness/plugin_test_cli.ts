/**
 * @module plugins/harness/plugin_test_cli
 * `deno task plugin:test <dir>`: checks a plugin folder and runs its tests.json in the sandbox
 * (plugins/harness/harness.ts); prints each case and "N passed, N failed"; exits 1 on a failure.
 */
import { runHarness } from "./harness.ts";

const dir = Deno.args[0];
if (!dir) {
  console.error("Usage: deno task plugin:test <plugin folder>");
  Deno.exit(2);
}
const outcomes = await runHarness(dir);
for (const o of outcomes) {
  console.log(`${o.passed ? "ok  " : "FAIL"} ${o.name}${o.detail ? `: ${o.detail}` : ""}`);
}
const failed = outcomes.filter((o) => !o.passed).length;
console.log(`${outcomes.length - failed} passed, ${failed} failed`);
Deno.exit(failed ? 1 : 0);
