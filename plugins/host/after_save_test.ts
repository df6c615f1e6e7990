/**
 * Plugins' afterSave reactions are queued as jobs and run after the response (extension API 2.0):
 * the write answers before a slow reaction, a queued reaction survives a dead worker, reactions
 * tell no afterSave again, stay in their workspace, run in commit order per record, and a failure
 * is written to the plugin's log and retried with the same event id.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { hookBundle, installForTest, withLifecycle } from "../../tests/helpers/plugins.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { claimNextJob } from "../../workers/queue.ts";
import { JOB_HANDLERS } from "../../workers/handlers.ts";
import { Worker } from "../../workers/runner.ts";
import { PluginRuntime } from "./runtime.ts";
import type { SafeFetchDeps } from "./safe_fetch.ts";
import { PLUGIN_AFTER_SAVE_JOB } from "./after_save.ts";

/** A private plugin with an afterSave hook on suppliers whose body is `body`. */
function reactor(name: string, body: string) {
  return hookBundle({
    name,
    event: "afterSave",
    collection: "suppliers",
    permissions: ["write:suppliers"],
    allowedDomains: ["feed.example"],
    handler: "react",
    body,
  });
}

/** Waits 500 ms on the network, then notes on the supplier that it reacted. */
const SLOW_NOTE = "await host.fetch('https://feed.example/slow?v=' + event.version); " +
  "const r = event.record; " +
  "await host.records.update('suppliers', r.id, { notes: (r.notes || '') + 'reacted;', " +
  "version: r.version });";

/**
 * A network that answers after `delayMs(url)` (and, given a `gate`, not before it opens), and
 * records each request's start and end.
 */
function slowNetwork(delayMs: (url: string) => number, gate: Promise<void> = Promise.resolve()) {
  const seen: { url: string; start: number; end: number }[] = [];
  const network: SafeFetchDeps = {
    resolve: () => Promise.resolve(["93.184.216.34"]),
    fetch: async (input) => {
      const url = String(input instanceof Request ? input.url : input);
      const start = performance.now();
      await gate;
      await new Promise((r) => setTimeout(r, delayMs(url)));
      seen.push({ url, start, end: performance.now() });
      return new Response("ok");
    },
    timeoutMs: 5000,
    maxBytes: 1000,
  };
  return { network, seen };
}

interface Setup {
  server: TestServer;
  logs: { line: string; fields: Record<string, unknown> }[];
  worker: (opts?: { concurrency?: number }) => Worker;
  workspace: () => Promise<{ tenantId: string; api: Awaited<ReturnType<typeof apiClient>> }>;
  jobs: () => Promise<Record<string, unknown>[]>;
  close: () => Promise<void>;
}

async function setup(network: SafeFetchDeps): Promise<Setup> {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: "1000000" });
  const logs: Setup["logs"] = [];
  // The server's runtime, with the test's network and a log the test reads (the plugin's log).
  server.services.plugins.close();
  server.services.plugins = new PluginRuntime({
    jobs: server.services.control,
    network,
    log: (line, fields) => logs.push({ line, fields }),
  });
  const workers: Worker[] = [];
  return {
    server,
    logs,
    worker: (opts = {}) => {
      const w = new Worker(server.services, {
        handlers: { [PLUGIN_AFTER_SAVE_JOB]: JOB_HANDLERS[PLUGIN_AFTER_SAVE_JOB]! },
        concurrency: opts.concurrency ?? 2,
        idleMs: 20,
        retryBaseMs: 20,
        leaseMs: 300,
      });
      workers.push(w);
      w.start();
      return w;
    },
    workspace: async () => {
      const t = await signUpTenant(server);
      await putInState(server.services, t.tenantId, "enterprise", "active");
      return { tenantId: t.tenantId, api: await apiClient(server, t) };
    },
    jobs: async () =>
      (await server.services.control.execute({
        sql: "SELECT * FROM jobs WHERE kind = ? ORDER BY created_at, id",
        args: [PLUGIN_AFTER_SAVE_JOB],
      })).rows as unknown as Record<string, unknown>[],
    close: async () => {
      for (const w of workers) await w.stop();
      await server.close();
    },
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

Deno.test("a write answers before its slow afterSave reaction, whose effect appears after; no loop", async () => {
  // The reaction's call to the network is held until the write has answered: had the write
  // waited for its reaction, it would never answer (no timing involved, so no load can fake it).
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const { network, seen } = slowNetwork(() => 500, gate);
  const s = await setup(network);
  try {
    const a = await s.workspace();
    await installForTest(s.server.services, a.tenantId, reactor("noter", SLOW_NOTE));
    s.worker();
    const created = await a.api.ok("POST", "/api/v1/suppliers", { name: "Slow Packers" }, 201);
    assert.equal(created.notes ?? null, null);
    assert.equal(seen.length, 0, "the reaction had not finished when the write answered");
    open();
    const reacted = await until("the reaction", async () => {
      const r = await a.api.ok("GET", `/api/v1/suppliers/${created.id}`);
      return r.notes === "reacted;" && r;
    });
    assert.equal(reacted.version, 2);
    assert.equal(seen.length, 1);
    assert.ok(seen[0]!.end - seen[0]!.start >= 490);
    // No loop: the reaction's own write told no afterSave, now or later.
    await new Promise((r) => setTimeout(r, 800));
    const after = await a.api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.equal(after.notes, "reacted;");
    assert.equal(after.version, 2);
    const jobs = await s.jobs();
    assert.deepEqual(jobs.map((j) => [j.status, j.tenant_id]), [["done", a.tenantId]]);
    assert.equal(seen.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("a queued reaction survives a worker that died holding it: the next worker runs it", async () => {
  const { network } = slowNetwork(() => 0);
  const s = await setup(network);
  try {
    const a = await s.workspace();
    await installForTest(s.server.services, a.tenantId, reactor("noter", SLOW_NOTE));
    const created = await a.api.ok("POST", "/api/v1/suppliers", { name: "Durable Packers" }, 201);
    const [queued] = await s.jobs();
    assert.equal(queued?.status, "queued");
    assert.equal(queued?.tenant_id, a.tenantId);
    // A worker claims it and dies (its lease is never extended nor the job finished).
    const claimed = await claimNextJob(s.server.services.control, {
      owner: "w-died",
      leaseMs: 200,
      classes: { longKinds: [], kinds: [PLUGIN_AFTER_SAVE_JOB] },
    });
    assert.equal(claimed?.id, queued?.id);
    const before = await a.api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.equal(before.notes ?? null, null);
    s.worker();
    const reacted = await until("the reaction after the restart", async () => {
      const r = await a.api.ok("GET", `/api/v1/suppliers/${created.id}`);
      return r.notes === "reacted;" && r;
    });
    assert.equal(reacted.version, 2);
    const [job] = await until("the job done", async () => {
      const jobs = await s.jobs();
      return jobs[0]?.status === "done" && jobs;
    });
    assert.equal(job?.id, queued?.id);
    // Taken again after the dead worker's claim: two claims at least. On a loaded machine the
    // new worker's own short lease (300 ms) may lapse between heartbeats and be claimed once
    // more; the reaction still ran once (version 2, one note above).
    assert.ok(Number(job?.attempts) >= 2, `attempts: ${job?.attempts}`);
  } finally {
    await s.close();
  }
});

Deno.test("another workspace's plugin never hears of a write", async () => {
  const { network, seen } = slowNetwork(() => 0);
  const s = await setup(network);
  try {
    const a = await s.workspace();
    const b = await s.workspace();
    await installForTest(s.server.services, a.tenantId, reactor("noter", SLOW_NOTE));
    await installForTest(
      s.server.services,
      b.tenantId,
      reactor("spy", "await host.fetch('https://feed.example/spy?id=' + event.record.id);"),
    );
    s.worker();
    const created = await a.api.ok("POST", "/api/v1/suppliers", { name: "Private Packers" }, 201);
    await until("the reaction", async () => {
      const r = await a.api.ok("GET", `/api/v1/suppliers/${created.id}`);
      return r.notes === "reacted;";
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(seen.map((x) => new URL(x.url).pathname), ["/slow"]);
    const jobs = await s.jobs();
    assert.deepEqual(jobs.map((j) => j.tenant_id), [a.tenantId]);
    assert.ok(!JSON.stringify(jobs).includes("spy"));
    assert.deepEqual((await b.api.ok("GET", "/api/v1/suppliers")).data, []);
    assert.ok(s.logs.every((l) => l.fields.tenant === a.tenantId), JSON.stringify(s.logs));
  } finally {
    await s.close();
  }
});

Deno.test("a failing reaction is written to the plugin's log and retried with the same event id", async () => {
  const { network } = slowNetwork(() => 0);
  const s = await setup(network);
  try {
    const a = await s.workspace();
    await installForTest(
      s.server.services,
      a.tenantId,
      reactor("ledger", "throw new Error('ledger unreachable for ' + event.id);"),
    );
    const worker = s.worker();
    const created = await a.api.ok("POST", "/api/v1/suppliers", { name: "Failing Packers" }, 201);
    const [dead] = await until("the job dead after its attempts", async () => {
      const jobs = await s.jobs();
      return jobs[0]?.status === "dead" && jobs;
    }, 30_000);
    assert.equal(dead?.attempts, 5);
    assert.match(String(dead?.last_error), /ledger's afterSave failed: .*ledger unreachable/);
    // On a loaded machine the last attempt's lease (300 ms here) can lapse while it runs, and the
    // job is marked dead before that run has written its line: let running jobs finish first.
    await worker.stop();
    const failures = s.logs.filter((l) => l.line.startsWith("afterSave failed:"));
    // Logged and retried. Not necessarily once per attempt: with this test's 300 ms lease, on a
    // loaded machine a lapsed lease may run an attempt twice (at least once), or let the next
    // claim count an attempt whose first holder never reached the plugin.
    assert.ok(failures.length >= 2, `${failures.length} failures logged`);
    assert.ok(
      failures.every((l) => l.fields.plugin === "ledger" && l.fields.tenant === a.tenantId),
    );
    const ids = new Set(failures.map((l) => /for (\w+)/.exec(l.line)?.[1]));
    assert.equal(ids.size, 1, "every attempt carries the same event id");
    assert.ok([...ids][0]);
    // The write stands.
    const kept = await a.api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.equal(kept.name, "Failing Packers");
  } finally {
    await s.close();
  }
});

Deno.test("a plugin installed under 1.x is told once: its failure is logged, not retried", async () => {
  const { network } = slowNetwork(() => 0);
  const s = await setup(network);
  try {
    const a = await s.workspace();
    await installForTest(s.server.services, a.tenantId, reactor("old", "throw new Error('no');"));
    // As a row written before 2.0 (a 1.x plugin with an afterSave hook cannot be installed now).
    await withLifecycle(s.server.services, a.tenantId, async (deps) => {
      await deps.db.execute(
        "UPDATE plugin_installations SET manifest = json_set(manifest, '$.apiVersion', '^1.0.0')",
      );
    });
    s.server.services.plugins.forget(a.tenantId);
    s.worker();
    await a.api.ok("POST", "/api/v1/suppliers", { name: "Old Packers" }, 201);
    const [job] = await until("the job finished", async () => {
      const jobs = await s.jobs();
      return jobs[0]?.status === "done" && jobs;
    });
    assert.equal(job?.max_attempts, 1);
    assert.equal(job?.attempts, 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.logs.filter((l) => l.line === "afterSave failed: old: no").length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("two quick saves of one record: the reactions run in commit order, a retry included", async () => {
  // The first reaction's first attempt fails (its server is down): without ordering, the second
  // reaction would run while the first waits for its retry.
  const { network, seen } = slowNetwork(() => 0);
  let failedOnce = false;
  const flaky: SafeFetchDeps = {
    ...network,
    fetch: (...args) => {
      if (!failedOnce && String(args[0]).includes("v=1")) {
        failedOnce = true;
        return Promise.reject(new Error("connection refused"));
      }
      return network.fetch(...args);
    },
  };
  const s = await setup(flaky);
  try {
    const a = await s.workspace();
    await installForTest(
      s.server.services,
      a.tenantId,
      reactor("sync", "await host.fetch('https://feed.example/sync?v=' + event.version);"),
    );
    const created = await a.api.ok("POST", "/api/v1/suppliers", { name: "Quick Packers" }, 201);
    await a.api.ok("PATCH", `/api/v1/suppliers/${created.id}`, { notes: "second", version: 1 });
    s.worker({ concurrency: 3 });
    await until("both reactions", () => Promise.resolve(seen.length === 2), 10_000);
    assert.ok(failedOnce);
    assert.deepEqual(seen.map((x) => new URL(x.url).search), ["?v=1", "?v=2"]);
    // Nothing else remains to run, and nothing is told twice.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(seen.length, 2);
    const jobs = await s.jobs();
    assert.ok(jobs.every((j) => j.status === "done"), JSON.stringify(jobs.map((j) => j.status)));
    assert.deepEqual(s.logs.map((l) => l.line), [
      "afterSave failed: sync: feed.example could not be reached.",
    ]);
  } finally {
    await s.close();
  }
});
