import assert from "node:assert/strict";
import { SandboxPool } from "./sandbox_pool.ts";
import { PluginError } from "./sandbox.ts";

const NO_HOST = {};

/** A sandbox whose `run` is one long native operation (a huge BigInt to text): only a kill stops it. */
function backtracker(pool: SandboxPool, group?: string) {
  return pool.sandbox(
    "Backtracker",
    `export function run() { return String(7n ** 300000n).length; }
    export const ok = () => 1;`,
    undefined,
    group,
  );
}

Deno.test("SandboxPool runs a plugin's call in a worker and answers its host calls", async () => {
  const pool = new SandboxPool({ size: 1 });
  try {
    const box = pool.sandbox(
      "Test",
      `export async function read(id) { const r = await host.records.get("suppliers", id); return r.name + "!"; }`,
    );
    const seen: unknown[] = [];
    const host = {
      "records.get": (args: unknown[]) => {
        seen.push(args);
        return Promise.resolve({ name: "Acme" });
      },
    };
    assert.equal(await box.call("read", ["s1"], host), "Acme!");
    assert.equal(await box.call("read", ["s2"], host), "Acme!");
    assert.deepEqual(seen, [["suppliers", "s1"], ["suppliers", "s2"]]);
    assert.deepEqual(pool.stats, { started: 1, killed: 0 });
  } finally {
    pool.close();
  }
});

async function stoppedIn(code: string, pool: SandboxPool, timeMs: number) {
  const hostile = pool.sandbox(
    "Hostile",
    `export function run() { ${code} }
    export function ok() { return "fine"; }`,
  );
  const other = pool.sandbox("Neighbour", "export const add = (a, b) => a + b;");
  // Warm both (a cold start has its own budget).
  assert.equal(await hostile.call("ok", [], NO_HOST), "fine");
  assert.equal(await other.call("add", [1, 2], NO_HOST), 3);
  const started = performance.now();
  const err = await hostile.call("run", [], NO_HOST, { timeMs }).catch((e) => e);
  const ms = performance.now() - started;
  assert.ok(err instanceof PluginError, String(err));
  assert.equal(err.stopped, true);
  assert.match(err.message, new RegExp(`Hostile was stopped: it ran longer than ${timeMs} ms`));
  // The host carries on: the neighbour answers, and the stopped plugin can be called again.
  assert.equal(await other.call("add", [2, 3], NO_HOST), 5);
  assert.equal(await hostile.call("ok", [], NO_HOST), "fine");
  return ms;
}

// Slack for a machine loaded by other test suites; each of these runs for seconds to hours.
const SLACK_MS = 1000;

Deno.test("a catastrophic-backtracking regexp is stopped within its limit plus the margin; others carry on", async () => {
  const pool = new SandboxPool({ size: 2, marginMs: 250 });
  try {
    const ms = await stoppedIn(`return /^(a+)+$/.test("a".repeat(40) + "b");`, pool, 300);
    assert.ok(ms < 300 + 250 + SLACK_MS, `stopped after ${Math.round(ms)} ms`);
  } finally {
    pool.close();
  }
});

Deno.test("one long native operation (a huge BigInt to text) is stopped by killing its worker", async () => {
  // QuickJS checks its interrupt handler between bytecode steps (and inside its regexp engine),
  // never inside this one built-in call, which runs about 8 s: only the worker's kill stops it.
  const pool = new SandboxPool({ size: 2, marginMs: 250 });
  try {
    const ms = await stoppedIn("return String(7n ** 300000n).length;", pool, 300);
    assert.ok(ms < 300 + 250 + SLACK_MS, `stopped after ${Math.round(ms)} ms`);
    assert.equal(pool.stats.killed, 1);
  } finally {
    pool.close();
  }
});

Deno.test("a neighbour caught in a killed worker runs again if it had changed nothing", async () => {
  const pool = new SandboxPool({ size: 1, marginMs: 100 });
  try {
    const hostile = backtracker(pool);
    const neighbour = pool.sandbox(
      "Neighbour",
      `export async function read() { const r = await host.records.get("x", "1"); return r.v; }
       export const ok = () => 1;`,
    );
    await hostile.call("ok", [], NO_HOST);
    await neighbour.call("ok", [], NO_HOST);
    let reads = 0;
    const slowRead = {
      "records.get": async () => {
        reads++;
        await new Promise((r) => setTimeout(r, 50));
        return { v: "read" };
      },
    };
    const [a, b] = await Promise.allSettled([
      neighbour.call("read", [], slowRead),
      hostile.call("run", [], NO_HOST, { timeMs: 200 }),
    ]);
    assert.equal(b.status, "rejected");
    assert.match(String((b as PromiseRejectedResult).reason), /Backtracker was stopped/);
    assert.deepEqual(a, { status: "fulfilled", value: "read" });
    assert.ok(reads >= 1);
    assert.equal(pool.stats.killed, 1);
  } finally {
    pool.close();
  }
});

Deno.test("a neighbour that had written something is not run twice: it fails saying why", async () => {
  const pool = new SandboxPool({ size: 1, marginMs: 100 });
  try {
    const hostile = backtracker(pool);
    const writer = pool.sandbox(
      "Writer",
      `export async function write() { await host.records.create("x", {}); await host.records.get("x", "1"); return "done"; }
       export const ok = () => 1;`,
    );
    await hostile.call("ok", [], NO_HOST);
    await writer.call("ok", [], NO_HOST);
    let creates = 0;
    const host = {
      "records.create": () => {
        creates++;
        return Promise.resolve({ id: "1" });
      },
      "records.get": () => new Promise((r) => setTimeout(() => r({}), 50)),
    };
    const [a] = await Promise.allSettled([
      writer.call("write", [], host),
      hostile.call("run", [], NO_HOST, { timeMs: 200 }),
    ]);
    assert.equal(a.status, "rejected");
    assert.match(String((a as PromiseRejectedResult).reason), /Writer was interrupted/);
    assert.equal(creates, 1);
  } finally {
    pool.close();
  }
});

Deno.test("a sandbox is warm once it answered and cold again after a stop, which is still on time", async () => {
  const pool = new SandboxPool({ size: 1, marginMs: 250 });
  try {
    const box = pool.sandbox(
      "Spinner",
      "export const ok = () => 1; export function spin() { while (true) {} }",
    );
    assert.equal(box.warm, false, "nothing loaded before the first call");
    assert.equal(await box.call("ok", [], NO_HOST), 1);
    assert.equal(box.warm, true);
    // Warm and alone on its worker: the kill timer is armed at sending, with no start message.
    const started = performance.now();
    const err = await box.call("spin", [], NO_HOST, { timeMs: 200 }).catch((e) => e);
    assert.ok(err instanceof PluginError && err.stopped, String(err));
    assert.ok(performance.now() - started < 200 + 250 + SLACK_MS);
    assert.equal(box.warm, false, "a stopped runtime starts again on its next call");
    assert.equal(await box.call("ok", [], NO_HOST), 1);
    assert.equal(box.warm, true);
    box.dispose();
    assert.equal(box.warm, false);
  } finally {
    pool.close();
  }
});

Deno.test("sandboxes of one group share a home worker; another group's go to the other", async () => {
  const pool = new SandboxPool({ size: 2 });
  try {
    const code = "export const id = (x) => x;";
    const a1 = pool.sandbox("A1", code, undefined, "tenant-a");
    const a2 = pool.sandbox("A2", code, undefined, "tenant-a");
    const b1 = pool.sandbox("B1", code, undefined, "tenant-b");
    assert.equal(await a1.call("id", [1], NO_HOST), 1);
    assert.equal(await a2.call("id", [2], NO_HOST), 2);
    assert.deepEqual(pool.stats, { started: 1, killed: 0 }, "A2 went to A1's worker");
    assert.equal(await b1.call("id", [3], NO_HOST), 3);
    assert.deepEqual(pool.stats, { started: 2, killed: 0 }, "B1 got the other worker");
  } finally {
    pool.close();
  }
});

Deno.test("a call queued behind another in its worker is timed from its own start: not killed early, still killed late", async () => {
  const pool = new SandboxPool({ size: 1, marginMs: 50 });
  try {
    const code = `export const ok = () => 1;
      export function busy(ms) { const end = Date.now() + ms; while (Date.now() < end) {} return ms; }
      export function hang() { return String(7n ** 300000n).length; }`;
    const first = pool.sandbox("First", code);
    const second = pool.sandbox("Second", code);
    await first.call("ok", [], NO_HOST);
    await second.call("ok", [], NO_HOST);
    // Sent together: Second waits ~400 ms behind First, then runs 100 ms of its 250 ms. Timed
    // from sending, its 250 + 50 ms would have run out before it even started.
    const [a, b] = await Promise.all([
      first.call("busy", [400], NO_HOST, { timeMs: 1000 }),
      second.call("busy", [100], NO_HOST, { timeMs: 250 }),
    ]);
    assert.deepEqual([a, b], [400, 100]);
    assert.equal(pool.stats.killed, 0);
    // Behind First again, Second now never yields: its worker is killed on its own budget.
    const started = performance.now();
    const [c, d] = await Promise.allSettled([
      first.call("busy", [400], NO_HOST, { timeMs: 1000 }),
      second.call("hang", [], NO_HOST, { timeMs: 250 }),
    ]);
    const ms = performance.now() - started;
    assert.deepEqual(c, { status: "fulfilled", value: 400 });
    assert.equal(d.status, "rejected");
    assert.match(String((d as PromiseRejectedResult).reason), /Second was stopped: it ran longer/);
    assert.equal(pool.stats.killed, 1);
    assert.ok(ms >= 400 + 250, `killed after ${Math.round(ms)} ms, before its budget`);
    assert.ok(ms < 400 + 250 + 50 + SLACK_MS, `killed after ${Math.round(ms)} ms`);
  } finally {
    pool.close();
  }
});

Deno.test("a loop of large arrays is stopped on its limits in its worker; the process stays small and others carry on", async () => {
  // The margin keeps the kill timer out of it, even on a loaded machine: the sandbox must stop
  // itself (about 0.5 s alone). Before each sandbox had its own capped WebAssembly memory, only
  // the kill stopped this, with the process grown by about 200 MB a second until then.
  const pool = new SandboxPool({ size: 1, marginMs: 4000 });
  const residentMb = () =>
    Number(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))![1]) / 1024;
  try {
    const hostile = pool.sandbox(
      "Hostile",
      `export function run() { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }
      export const ok = () => "fine";`,
      undefined,
      "tenant-a",
    );
    const other = pool.sandbox(
      "Neighbour",
      "export const add = (a, b) => a + b;",
      undefined,
      "tenant-b",
    );
    assert.equal(await hostile.call("ok", [], NO_HOST), "fine");
    assert.equal(await other.call("add", [1, 2], NO_HOST), 3);
    const before = residentMb();
    const started = performance.now();
    const [err, sum] = await Promise.all([
      hostile.call("run", [], NO_HOST, { timeMs: 300 }).catch((e) => e),
      other.call("add", [2, 3], NO_HOST),
    ]);
    const ms = performance.now() - started;
    const grown = residentMb() - before;
    assert.ok(err instanceof PluginError && err.stopped, String(err));
    assert.match(
      err.message,
      /^Hostile was stopped: it (used more than 32 MB of memory|ran longer than 300 ms)\./,
    );
    // Wall time only: the process's CPU time here also counts workers that earlier tests killed.
    assert.ok(ms < 300 + 4000, `stopped after ${Math.round(ms)} ms`);
    assert.ok(grown < 200, `the process grew by ${Math.round(grown)} MB`);
    assert.equal(sum, 5);
    assert.equal(pool.stats.killed, 0, "the sandbox stopped itself; its worker lives on");
    assert.equal(await hostile.call("ok", [], NO_HOST), "fine");
    assert.equal(await other.call("add", [3, 4], NO_HOST), 7);
  } finally {
    pool.close();
  }
});

Deno.test("side-by-side calls that only read come back in one message, their reads answered ahead", async () => {
  const pool = new SandboxPool({ size: 1 });
  try {
    const source = `export async function check(e) {
      const r = await host.records.get("customers", e.id);
      return r.name + "/" + e.n;
    }
    export const ok = () => 1;`;
    const boxes = [1, 2, 3].map((n) => pool.sandbox(`Reader ${n}`, source, undefined, "ws"));
    for (const box of boxes) await box.call("ok", [], NO_HOST);
    let asked = 0;
    const host = {
      "records.get": () => (asked++, Promise.resolve({ name: "asked" })),
    };
    const ahead = [[JSON.stringify(["customers", "c1"]), { name: "Lone Star" }]] as [
      string,
      unknown,
    ][];
    const before = pool.batchesReceived;
    const answers = await Promise.all(
      boxes.map((box, n) => box.call("check", [{ id: "c1", n }], host, {}, n === 2 ? [] : ahead)),
    );
    assert.deepEqual(answers, ["Lone Star/0", "Lone Star/1", "asked/2"]);
    assert.equal(asked, 1, "only the call without the read ahead asked the host");
    // The two calls answered ahead finish in the worker's first turn and wait for the third,
    // whose read is a message: its ask and their answers leave together, then its answer.
    assert.equal(pool.batchesReceived - before, 2);
  } finally {
    pool.close();
  }
});

for (const same of [true, false]) {
  Deno.test(
    same
      ? "a read-only answer waits for its own workspace's next call; if that call gets the worker killed, it runs again and answers"
      : "a read-only answer leaves before another workspace's code runs: a neighbour's kill does not touch it",
    async () => {
      const pool = new SandboxPool({ size: 1, marginMs: 100 });
      try {
        const hostile = backtracker(pool, "ws-a");
        const pure = pool.sandbox(
          "Pure",
          `export const check = (e) => e.n * 2;`,
          undefined,
          same ? "ws-a" : "ws-b",
        );
        await hostile.call("ok", [], NO_HOST);
        await pure.call("check", [{ n: 1 }], NO_HOST);
        const [a, b] = await Promise.allSettled([
          pure.call("check", [{ n: 21 }], NO_HOST),
          hostile.call("run", [], NO_HOST, { timeMs: 200 }),
        ]);
        assert.match(String((b as PromiseRejectedResult).reason), /Backtracker was stopped/);
        assert.deepEqual(a, { status: "fulfilled", value: 42 });
        // Run again in a new worker (same workspace) or answered before the kill (another one).
        assert.deepEqual(pool.stats, { started: same ? 2 : 1, killed: 1 });
      } finally {
        pool.close();
      }
    },
  );
}
