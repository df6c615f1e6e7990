import assert from "node:assert/strict";
import { layerOf, violations } from "./check_imports.ts";

Deno.test("check_imports finds upward imports and cycles, and lets type-only Services through", () => {
  const files = new Map<string, string>([
    ["domain/a.ts", 'import { b } from "./b.ts";\nexport const a = 1;'],
    ["domain/b.ts", 'import type { A } from "./a.ts";\nexport const b = 2;'],
    ["db/low.ts", 'import { route } from "../routes/x.ts";'],
    ["routes/x.ts", 'import { a } from "../domain/a.ts";\nexport const route = 1;'],
    ["tenants/t.ts", 'import type { Services } from "../services.ts";'],
    ["services.ts", "export interface Services {}"],
  ]);
  assert.deepEqual(violations(files), [
    "cycle: domain/a.ts -> domain/b.ts",
    "upward: db/low.ts (storage) -> routes/x.ts (routes)",
  ]);
  assert.ok(layerOf("auth/middleware.ts") > layerOf("auth/login.ts"), "middleware is web");
});

Deno.test("the project's own imports point one way, with no cycles", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./check_imports.ts", import.meta.url).pathname],
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
});
