/**
 * @module bench/plugins
 * What plugins' hooks add to a record write (issue 15 target: p99 <= 3 ms more with three
 * plugins' beforeSave hooks). One workspace, sales orders created through the repository (no
 * HTTP, so the difference is the hooks' own), alternating writes with and without the hooks so
 * that both see the same database size and machine load. The three plugins: the margin guard
 * (reads the purchase order through the host), a pure check and one that reads the customer. In
 * the same rotation: a write whose beforeSave only awaits a 0 ms timer (the floor of leaving the
 * app's thread), and purchase orders with and without the workspace's hooks (none of the plugins
 * hooks them: what plugins cost the writes they do not subscribe to). Each round starts with the
 * next kind, and the loop returns to the event loop before each write, as a server does between
 * requests (otherwise garbage collection deferred by writes that never yield lands in the writes
 * that wait for a worker, and is counted as theirs).
 *
 * What a write waits for is measured, never a reaction: the three plugins have no `afterSave` hook,
 * and since extension API 2.0 an `afterSave` hook is only queued by the write and run by a worker
 * after the response. `benchAfterSaveQueue` measures that queueing alone: purchase orders whose
 * plugin has an `afterSave` hook, with no worker running, against the same writes without.
 *
 * Also (issue 15, the remaining targets): one validating plugin's hook on a purchase order save
 * (p50 added <= 3 ms); another workspace's write p99 while one workspace's plugin burns CPU in a
 * loop on every write (within 20% of its normal p99); and the cost of a call through the pool of
 * sandbox workers against the same call in-process.
 *
 * `deno run -A bench/plugins.ts [--quick] [--hooks] [--writes=N]` prints the figures (`--hooks`: the
 * write figures only; `--writes=N`: N writes of each kind for the three hooks, 400 by default);
 * `deno task bench` includes them.
 */
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { hookBundle, installForTest } from "../tests/helpers/plugins.ts";
import { createRecord } from "../domain/records/repository.ts";
import type { RecordContext, WriteHooks } from "../domain/records/context.ts";
import { purchaseOrders, salesOrders } from "../domain/catalog.ts";
import { percentile } from "./stats.ts";
import { Sandbox } from "../plugins/host/sandbox.ts";
import { SandboxPool } from "../plugins/host/sandbox_pool.ts";
import type { TestServer } from "../tests/helpers/server.ts";
import { cpuUsage } from "node:process";

export interface PluginHookFigures {
  writes: number;
  p50Without: number;
  p99Without: number;
  p50With: number;
  p99With: number;
  /** CPU time of the whole process (every thread, sandbox workers included) per write, in ms. */
  cpuWithout: number;
  cpuWith: number;
  /** Writes refused, by kind (a hook stopped at its limit on a loaded machine). */
  refused: Record<string, number>;
  /**
   * The floor of any hook that leaves the app's thread: writes whose beforeSave only awaits a
   * 0 ms timer (no plugin), measured in the same rotation. On a loaded machine this one yield
   * inside the transaction costs milliseconds by itself.
   */
  p50Yield?: number;
  p99Yield?: number;
  cpuYield?: number;
  /**
   * Writes of a record type none of the plugins hooks (purchase orders), in the same workspace
   * with its hooks and without: what the plugins cost a write they do not subscribe to.
   */
  otherWithout?: { p50: number; p99: number; cpu: number };
  otherWith?: { p50: number; p99: number; cpu: number };
}

/** Wall and CPU time of writes, taking turns so that every kind sees the same load. */
async function alternate(
  writes: number,
  without: () => Promise<unknown>,
  withHooks: () => Promise<unknown>,
  more: Record<string, () => Promise<unknown>> = {},
): Promise<PluginHookFigures> {
  const kinds = Object.entries({ without, with: withHooks, ...more });
  const wall = new Map(kinds.map(([k]) => [k, [] as number[]]));
  const cpu = new Map(kinds.map(([k]) => [k, 0]));
  const refused = new Map(kinds.map(([k]) => [k, 0]));
  for (let i = 0; i < writes; i++) {
    // Each round starts with the next kind, so that none always follows the same neighbour.
    const round = [...kinds.slice(i % kinds.length), ...kinds.slice(0, i % kinds.length)];
    for (const [key, write] of round) {
      // A real server returns to its event loop between requests: work V8 defers to an idle
      // moment (garbage collection) then runs there, not inside the next write that waits.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const used = cpuUsage();
      const start = performance.now();
      // On a loaded machine a hook can overrun its 250 ms and refuse the write: counted, not fatal.
      await write().catch(() => refused.set(key, refused.get(key)! + 1));
      wall.get(key)!.push(performance.now() - start);
      const spent = cpuUsage(used);
      cpu.set(key, cpu.get(key)! + (spent.user + spent.system) / 1000);
    }
  }
  const p = (key: string, n: number) => percentile(wall.get(key)!, n);
  const figures = (key: string) => ({
    p50: p(key, 50),
    p99: p(key, 99),
    cpu: cpu.get(key)! / writes,
  });
  return {
    writes,
    p50Without: p("without", 50),
    p99Without: p("without", 99),
    p50With: p("with", 50),
    p99With: p("with", 99),
    cpuWithout: cpu.get("without")! / writes,
    cpuWith: cpu.get("with")! / writes,
    refused: Object.fromEntries([...refused].filter(([, n]) => n > 0)),
    ...("yield" in more
      ? { p50Yield: p("yield", 50), p99Yield: p("yield", 99), cpuYield: cpu.get("yield")! / writes }
      : {}),
    ...("otherWithout" in more
      ? { otherWithout: figures("otherWithout"), otherWith: figures("otherWith") }
      : {}),
  };
}

/** Hooks whose beforeSave awaits a 0 ms timer and nothing else: the cost of leaving the thread. */
const YIELD_ONLY: WriteHooks = {
  beforeSave: () => new Promise((resolve) => setTimeout(resolve, 0)),
  afterSave: () => Promise.resolve(),
};

function hookPlugin(
  name: string,
  body: string,
  collection = "sales-orders",
  event: "beforeSave" | "afterSave" = "beforeSave",
) {
  return hookBundle({
    name,
    event,
    collection,
    permissions: [`read:${collection}`, "read:customers"],
    body,
  });
}

/** Measures `writes` sales order creations with and without three plugins' hooks. */
export async function benchPluginHooks(writes = 400): Promise<PluginHookFigures> {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: "1000000" });
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Bench Packers" }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Bench Grocers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-02",
      lines: [{ description: "Brisket", weight: 40000, price: 2, price_basis: "weight" }],
    }, 201);
    await installForTest(server.services, t.tenantId, "margin-guard");
    await installForTest(
      server.services,
      t.tenantId,
      hookPlugin("pure-check", "return { ok: (event.lines ?? []).length < 100 };"),
    );
    await installForTest(
      server.services,
      t.tenantId,
      hookPlugin(
        "customer-check",
        "const c = await host.records.get('customers', event.values.customer_id); return { ok: !!c.name };",
      ),
    );
    const tenant = (await server.services.registry.findById(t.tenantId))!;
    const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
    try {
      const base: RecordContext = { db: lease.db, userId: t.userId, role: "owner" };
      const hooked: RecordContext = {
        ...base,
        hooks: server.services.plugins.hooksFor(t.tenantId, "2026-11-20", base),
      };
      const input = () => ({
        customer_id: customer.id,
        purchase_order_id: po.id,
        order_date: "2026-11-03",
        lines: [{ description: "Brisket", weight: 40000, price: 2.4, price_basis: "weight" }],
      });
      // Warm up (a write refused by a hook overrunning on a loaded machine is fine here).
      for (let i = 0; i < 20; i++) await createRecord(hooked, salesOrders, input()).catch(() => {});
      const poInput = () => ({
        supplier_id: supplier.id,
        order_date: "2026-11-02",
        lines: [{ description: "Brisket", weight: 40000, price: 2, price_basis: "weight" }],
      });
      return await alternate(
        writes,
        () => createRecord(base, salesOrders, input()),
        () => createRecord(hooked, salesOrders, input()),
        {
          yield: () => createRecord({ ...base, hooks: YIELD_ONLY }, salesOrders, input()),
          otherWithout: () => createRecord(base, purchaseOrders, poInput()),
          otherWith: () => createRecord(hooked, purchaseOrders, poInput()),
        },
      );
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
}

export type PoHookFigures = PluginHookFigures;

export interface NeighbourFigures {
  writes: number;
  p50Normal: number;
  p99Normal: number;
  p50Attacked: number;
  p99Attacked: number;
  /** Hostile writes refused (each stopped at the hook's 250 ms) while the neighbour wrote. */
  attackerStopped: number;
}

export interface PoolFigures {
  calls: number;
  p50InProcess: number;
  p50Pool: number;
  p99InProcess: number;
  p99Pool: number;
}

async function workspace(server: TestServer) {
  const t = await signUpTenant(server);
  await putInState(server.services, t.tenantId, "enterprise", "active");
  const api = await apiClient(server, t);
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Bench Packers" }, 201);
  const tenant = (await server.services.registry.findById(t.tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  const base: RecordContext = { db: lease.db, userId: t.userId, role: "owner" };
  const hooked: RecordContext = {
    ...base,
    hooks: server.services.plugins.hooksFor(t.tenantId, "2026-11-20", base),
  };
  const po = () => ({
    supplier_id: supplier.id,
    order_date: "2026-11-02",
    lines: [{ description: "Brisket", weight: 40000, price: 2, price_basis: "weight" }],
  });
  return { t, base, hooked, po, release: () => lease.release() };
}

/** One validating plugin's beforeSave hook on purchase order saves, alternating with none. */
export async function benchPoHook(writes = 300): Promise<PoHookFigures> {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: "1000000" });
  try {
    const w = await workspace(server);
    await installForTest(
      server.services,
      w.t.tenantId,
      hookPlugin(
        "po-check",
        "const bad = (event.lines ?? []).find((l) => !(Number(l.price) > 0)); " +
          "return bad ? { ok: false, message: 'Every line needs a price.' } : { ok: true };",
        "purchase-orders",
      ),
    );
    try {
      for (let i = 0; i < 20; i++) {
        await createRecord(w.hooked, purchaseOrders, w.po()).catch(() => {});
      }
      return await alternate(
        writes,
        () => createRecord(w.base, purchaseOrders, w.po()),
        () => createRecord(w.hooked, purchaseOrders, w.po()),
      );
    } finally {
      w.release();
    }
  } finally {
    await server.close();
  }
}

/**
 * Purchase order saves whose plugin has an `afterSave` hook, alternating with none: what the
 * response waits for is queueing the reaction (one insert into the job table). No worker runs, so
 * the reactions stay queued; `queued` counts them.
 */
export async function benchAfterSaveQueue(
  writes = 300,
): Promise<PluginHookFigures & { queued: number }> {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: "1000000" });
  try {
    const w = await workspace(server);
    await installForTest(
      server.services,
      w.t.tenantId,
      hookPlugin(
        "po-react",
        "await host.records.get('purchase-orders', event.record.id);",
        "purchase-orders",
        "afterSave",
      ),
    );
    try {
      for (let i = 0; i < 20; i++) await createRecord(w.hooked, purchaseOrders, w.po());
      const figures = await alternate(
        writes,
        () => createRecord(w.base, purchaseOrders, w.po()),
        () => createRecord(w.hooked, purchaseOrders, w.po()),
      );
      const rs = await server.services.control.execute({
        sql:
          "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'plugin.after_save' AND status = 'queued'",
        args: [],
      });
      return { ...figures, queued: Number(rs.rows[0]?.n ?? 0) };
    } finally {
      w.release();
    }
  } finally {
    await server.close();
  }
}

/** Another workspace's purchase order writes, normal and while one workspace's hook spins. */
export async function benchNoisyNeighbour(writes = 300): Promise<NeighbourFigures> {
  const server = await startTestServer({ RATE_LIMIT_PER_IP: "1000000" });
  try {
    const victim = await workspace(server);
    const attacker = await workspace(server);
    await installForTest(
      server.services,
      attacker.t.tenantId,
      hookPlugin("spinner", "while (true) {}", "purchase-orders"),
    );
    const measure = async (n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        await createRecord(victim.base, purchaseOrders, victim.po());
        ms.push(performance.now() - start);
      }
      return ms;
    };
    try {
      await measure(20);
      const normal = await measure(writes);
      let stop = false;
      let stopped = 0;
      // Two writers in the attacking workspace, each write spinning until its 250 ms limit.
      const attack = Array.from({ length: 2 }, async () => {
        while (!stop) {
          await createRecord(attacker.hooked, purchaseOrders, attacker.po()).catch(() => stopped++);
        }
      });
      await new Promise((r) => setTimeout(r, 300));
      const attacked = await measure(writes);
      stop = true;
      await Promise.all(attack);
      return {
        writes,
        p50Normal: percentile(normal, 50),
        p99Normal: percentile(normal, 99),
        p50Attacked: percentile(attacked, 50),
        p99Attacked: percentile(attacked, 99),
        attackerStopped: stopped,
      };
    } finally {
      victim.release();
      attacker.release();
    }
  } finally {
    await server.close();
  }
}

/** A small call in-process against the same call through the pool of sandbox workers. */
export async function benchSandboxPool(calls = 1000): Promise<PoolFigures> {
  const code = "export function check(e) { return { ok: (e.lines ?? []).length < 100 }; }";
  const input = [{ lines: [{ price: 2 }, { price: 3 }] }, {}];
  const local = new Sandbox("bench", code);
  const pool = new SandboxPool({ size: 2 });
  const remote = pool.sandbox("bench", code);
  try {
    const inProcess: number[] = [];
    const viaPool: number[] = [];
    for (let i = 0; i < 50; i++) {
      await local.call("check", input, {});
      await remote.call("check", input, {});
    }
    for (let i = 0; i < calls; i++) {
      let start = performance.now();
      await local.call("check", input, {});
      inProcess.push(performance.now() - start);
      start = performance.now();
      await remote.call("check", input, {});
      viaPool.push(performance.now() - start);
    }
    return {
      calls,
      p50InProcess: percentile(inProcess, 50),
      p50Pool: percentile(viaPool, 50),
      p99InProcess: percentile(inProcess, 99),
      p99Pool: percentile(viaPool, 99),
    };
  } finally {
    local.dispose();
    pool.close();
  }
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const cpu = (f: PluginHookFigures) =>
    `CPU per write ${f.cpuWith.toFixed(2)} ms vs ${f.cpuWithout.toFixed(2)} ms`;
  // `--writes=N`: more writes for a steadier p99 (400 writes put it on the 4 slowest).
  const writes = Number(Deno.args.find((a) => a.startsWith("--writes="))?.slice(9)) || 400;
  const f = await benchPluginHooks(quick ? 100 : writes);
  console.log("three plugins' hooks on a sales order:", JSON.stringify(f));
  console.log(
    `p99 overhead: ${(f.p99With - f.p99Without).toFixed(2)} ms (target <= 3 ms); ` +
      `p50 ${(f.p50With - f.p50Without).toFixed(2)} ms; ${cpu(f)}`,
  );
  console.log(
    `a beforeSave that only awaits a 0 ms timer adds p50 ${
      (f.p50Yield! - f.p50Without).toFixed(2)
    } ms, p99 ${(f.p99Yield! - f.p99Without).toFixed(2)} ms, CPU ${
      (f.cpuYield! - f.cpuWithout).toFixed(2)
    } ms`,
  );
  const skip = (f.otherWith!.p50 - f.otherWithout!.p50).toFixed(2);
  console.log(
    `a purchase order write in the same workspace (no plugin hooks purchase orders) adds p50 ${skip} ms, p99 ${
      (f.otherWith!.p99 - f.otherWithout!.p99).toFixed(2)
    } ms, CPU ${(f.otherWith!.cpu - f.otherWithout!.cpu).toFixed(2)} ms`,
  );
  const po = await benchPoHook(quick ? 100 : 300);
  console.log("one validating hook on a purchase order:", JSON.stringify(po));
  console.log(
    `p50 added: ${(po.p50With - po.p50Without).toFixed(2)} ms (target <= 3 ms); ${cpu(po)}`,
  );
  const queued = await benchAfterSaveQueue(quick ? 100 : 300);
  console.log("an afterSave hook on a purchase order (queued, not run):", JSON.stringify(queued));
  console.log(
    `p50 added: ${(queued.p50With - queued.p50Without).toFixed(2)} ms, p99 ${
      (queued.p99With - queued.p99Without).toFixed(2)
    } ms; ${cpu(queued)}; ${queued.queued} reactions queued`,
  );
  // `--hooks`: only the figures above (what a write waits for), for before/after comparisons.
  if (Deno.args.includes("--hooks")) Deno.exit(0);
  const n = await benchNoisyNeighbour(quick ? 100 : 300);
  console.log("another workspace while one plugin spins:", JSON.stringify(n));
  console.log(
    `neighbour p99 ${n.p99Attacked.toFixed(1)} ms vs ${n.p99Normal.toFixed(1)} ms normal: ${
      ((n.p99Attacked / n.p99Normal - 1) * 100).toFixed(0)
    }% (target within 20%)`,
  );
  const pool = await benchSandboxPool(quick ? 300 : 1000);
  console.log("a small call in-process vs through the worker pool:", JSON.stringify(pool));
}
