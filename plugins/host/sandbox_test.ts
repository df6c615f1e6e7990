import assert from "node:assert/strict";
import { PluginError, Sandbox } from "./sandbox.ts";

const NO_HOST = {};

Deno.test("Sandbox.call() runs an exported function on a copy of its arguments", async () => {
  const box = new Sandbox("Test", "export function add(a, b) { return { sum: a.n + b }; }");
  assert.deepEqual(await box.call("add", [{ n: 2 }, 3], NO_HOST), { sum: 5 });
  box.dispose();
});

Deno.test("Sandbox.call() answers host.* through the host functions it is handed", async () => {
  const box = new Sandbox(
    "Test",
    `export async function read(id) {
      const r = await host.records.get("suppliers", id);
      return r.name + "!";
    }`,
  );
  const seen: unknown[] = [];
  const host = {
    "records.get": (args: unknown[]) => {
      seen.push(args);
      return Promise.resolve({ name: "Acme" });
    },
  };
  assert.equal(await box.call("read", ["s1"], host), "Acme!");
  assert.deepEqual(seen, [["suppliers", "s1"]]);
  box.dispose();
});

Deno.test("Sandbox.call() refuses a host function it was not handed", async () => {
  const box = new Sandbox("Test", `export function go() { return host.fetch("https://x.test"); }`);
  await assert.rejects(box.call("go", [], NO_HOST), /no host function fetch/);
  box.dispose();
});

Deno.test("a plugin that exports no such function fails with a clear message", async () => {
  const box = new Sandbox("Test", "export const x = 1;");
  await assert.rejects(box.call("missing", [], NO_HOST), /exports no function missing/);
  box.dispose();
});

Deno.test("the sandbox stays usable after a plugin's own exception", async () => {
  const box = new Sandbox(
    "Test",
    `export function bad() { throw new Error("nope"); } export function ok() { return 1; }`,
  );
  const err = await box.call("bad", [], NO_HOST).catch((e) => e);
  assert.ok(err instanceof PluginError);
  assert.equal(err.stopped, false);
  assert.match(err.message, /nope/);
  assert.equal(await box.call("ok", [], NO_HOST), 1);
  assert.ok(box.alive);
  box.dispose();
});
