import assert from "node:assert/strict";
import { cpuUsage } from "node:process";
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

const LIMITS = { memoryBytes: 32 * 1024 * 1024, timeMs: 300, hostCalls: 10, messageBytes: 1 << 20 };
const ARRAY_LOOP = "const a = []; for (;;) a.push(new Array(1e6).fill(1));";

// Slack for a machine loaded by other test suites (as in sandbox_pool_test.ts).
const SLACK_MS = 1000;

/** Milliseconds of CPU the whole process (every thread) used since `start`. */
function cpuMsSince(start: ReturnType<typeof cpuUsage>): number {
  const used = cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function residentMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

// Each array's storage grows past QuickJS's own malloc limit (it counted 64 MB under a 32 MB limit)
// and the loop makes too few bytecode steps for the interrupt handler to be asked: before the
// sandbox had a memory of its own, this ran 4 to 15 s and took the process to 2.1 GB.
for (
  const [where, code] of [["at load", `${ARRAY_LOOP} export const ok = () => 1;`], [
    "in a call",
    `export function run() { ${ARRAY_LOOP} } export const ok = () => 1;`,
  ]]
) {
  Deno.test(`a loop of large arrays ${where} is stopped on its limits without growing the process`, async () => {
    const warm = new Sandbox("Warm", "export const ok = () => 1;");
    await warm.call("ok", [], NO_HOST); // the engine is compiled before measuring
    const box = new Sandbox("Hostile", code!, LIMITS);
    const before = residentMb();
    const started = performance.now();
    const cpu = cpuUsage();
    const err = await box.call(where === "at load" ? "ok" : "run", [], NO_HOST).catch((e) => e);
    const ms = performance.now() - started;
    const cpuMs = cpuMsSince(cpu);
    const grown = residentMb() - before;
    assert.ok(err instanceof PluginError, String(err));
    assert.match(
      err.message,
      /^Hostile was stopped: it (used more than 32 MB of memory|ran longer than 300 ms)\./,
    );
    // CPU time of the process (every thread), which a loaded machine does not stretch as it does
    // the wall clock: the unbounded loop spent 4 to 15 s of it.
    assert.ok(cpuMs < 2000, `stopped after ${Math.round(cpuMs)} ms of CPU`);
    assert.ok(ms < 300 + SLACK_MS * 4, `stopped after ${Math.round(ms)} ms`);
    assert.ok(grown < 200, `the process grew by ${Math.round(grown)} MB`);
    assert.equal(box.alive, false);
    // The host and the other sandbox carry on.
    assert.equal(await warm.call("ok", [], NO_HOST), 1);
    warm.dispose();
    box.dispose();
  });
}

Deno.test("a top-level infinite recursion fails to load and disposes cleanly", async () => {
  const box = new Sandbox("Deep", "function r() { return r(); } r(); export const ok = () => 1;");
  const err = await box.call("ok", [], NO_HOST).catch((e) => e);
  assert.ok(err instanceof PluginError, String(err));
  assert.match(err.message, /^Deep was stopped: it used more than 32 MB of memory\./);
  assert.equal(box.alive, false);
  box.dispose();
  const fine = new Sandbox("Fine", "export const ok = () => 1;");
  assert.equal(await fine.call("ok", [], NO_HOST), 1);
  fine.dispose();
});
