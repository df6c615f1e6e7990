import assert from "node:assert/strict";
import { layerOf, routeMayImport, violations } from "./check_imports.ts";

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

Deno.test("check_imports refuses a route file importing another, but not a private helper beside or above it", () => {
  const files = new Map<string, string>([
    ["routes/api/v1/records.ts", 'import { r } from "./_record_docs.ts";\nexport const x = 1;'],
    ["routes/api/v1/_record_docs.ts", "export const r = 1;"],
    ["routes/records/pages.tsx", 'import { x } from "../api/v1/records.ts";'],
    ["routes/operator/security.tsx", 'import { l } from "../_security_log.tsx";'],
    ["routes/_security_log.tsx", "export const l = 1;"],
    ["routes/settings/data.tsx", 'import { r } from "../api/v1/_record_docs.ts";'],
    ["routes/records/pages_test.ts", 'import { x } from "../api/v1/records.ts";'],
  ]);
  assert.deepEqual(violations(files), [
    "route imports route: routes/records/pages.tsx -> routes/api/v1/records.ts",
    "route imports route: routes/settings/data.tsx -> routes/api/v1/_record_docs.ts",
  ]);
  assert.equal(routeMayImport("routes/login.tsx", "routes/login/second_factor.tsx"), false);
  assert.equal(routeMayImport("routes/login/unlock.tsx", "routes/_x.tsx"), true);
  assert.equal(routeMayImport("routes/login.tsx", "http/guards.ts"), true);
});

Deno.test("the project's own imports point one way, with no cycles", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./check_imports.ts", import.meta.url).pathname],
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
});
