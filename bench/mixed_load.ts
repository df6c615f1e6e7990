/**
 * @module bench/mixed_load
 * The working day of many brokers at once: N tenants (1,000 by default), 50 connections, 90%
 * reads (PO, load and invoice lists, a PO and a supplier, the dashboard page, search) and 10%
 * writes (new purchase orders, loads and invoices, and updates of a PO) spread over the tenants,
 * so every tenant's read cache is invalidated as a real day would. wrk drives it with a Lua
 * script holding each tenant's host, token and record ids; each wrk thread owns half the tenants,
 * so a PO it updates is never updated by two requests at once (versions stay in step, no 409s).
 */
import { hostFetch } from "../tests/helpers/http.ts";
import { type BenchServer, benchTenantWithId, startBenchServer } from "./api_throughput.ts";
import { parseWrk, runWrk, type WrkResult } from "./wrk.ts";
import { benchPort } from "./ports.ts";

export interface MixedTenant {
  host: string;
  token: string;
  supplier: string;
  customer: string;
  carrier: string;
  location: string;
  salesOrder: string;
  purchaseOrders: string[];
  /** One PO per wrk run that only that run updates, from version 1. */
  updateTargets: string[];
}

/** The TENANT_POOL_SIZE production runs with (fly.toml), so the figure measures that setting. */
export async function flyPoolSize(): Promise<number> {
  const toml = await Deno.readTextFile(new URL("../fly.toml", import.meta.url));
  const size = toml.match(/^\s*TENANT_POOL_SIZE\s*=\s*"(\d+)"/m)?.[1];
  if (!size) throw new Error("fly.toml has no TENANT_POOL_SIZE");
  return Number(size);
}

/** The memory (MB) of fly.toml's app machines, which one process's resident memory must fit. */
export async function flyAppMemoryMb(): Promise<number> {
  const toml = await Deno.readTextFile(new URL("../fly.toml", import.meta.url));
  for (const block of toml.split(/^\[\[vm\]\]/m).slice(1)) {
    const body = block.split(/^\[/m)[0]!;
    if (!/processes\s*=\s*\[[^\]]*"app"/.test(body)) continue;
    const m = /memory\s*=\s*"(\d+)\s*(gb|mb)"/i.exec(body);
    if (m) return Number(m[1]) * (m[2]!.toLowerCase() === "gb" ? 1024 : 1);
  }
  throw new Error("fly.toml has no [[vm]] memory for the app processes");
}

/** Creates `count` tenants with a little business each, `concurrency` at a time. */
export async function provisionMixedTenants(
  port: number,
  count: number,
  opts: { runs: number; concurrency?: number; prefix?: string } = { runs: 2 },
): Promise<MixedTenant[]> {
  const out: MixedTenant[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: opts.concurrency ?? 6 }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await provisionOne(port, `${opts.prefix ?? "mix"}${i}`, opts.runs);
    }
  });
  await Promise.all(workers);
  return out;
}

async function provisionOne(port: number, slug: string, runs: number): Promise<MixedTenant> {
  const { token } = await benchTenantWithId(port, slug);
  const host = `${slug}.localhost`;
  const post = async (path: string, json: unknown) => {
    const res = await hostFetch(port, host, path, {
      method: "POST",
      json,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()).id as string;
  };
  const day = new Date().toISOString().slice(0, 10);
  const supplier = await post("/api/v1/suppliers", { name: `${slug} Packing`, city: "Greeley" });
  const customer = await post("/api/v1/customers", {
    name: `${slug} Grocers`,
    payment_terms: "Net 30",
  });
  const carrier = await post("/api/v1/carriers", { name: `${slug} Reefer` });
  const location = await post("/api/v1/locations", {
    name: `${slug} Cold Storage`,
    kind: "delivery",
    customer_id: customer,
  });
  const po = () =>
    post("/api/v1/purchase-orders", {
      supplier_id: supplier,
      order_date: day,
      status: "approved",
      lines: [{ description: "Beef trim 81/19", cases: 800, weight: 40000, price: 2 }],
    });
  const purchaseOrders = [];
  for (let i = 0; i < 5; i++) purchaseOrders.push(await po());
  const updateTargets = [];
  for (let i = 0; i < runs; i++) updateTargets.push(await po());
  const salesOrder = await post("/api/v1/sales-orders", {
    customer_id: customer,
    order_date: day,
    status: "confirmed",
    lines: [{ description: "Trim", weight: 40000, price: 2.2 }],
  });
  await post("/api/v1/invoices", {
    customer_id: customer,
    sales_order_id: salesOrder,
    invoice_date: day,
    state: "sent",
    lines: [{ description: "Trim", weight: 40000, price: 2.2 }],
  });
  return {
    host,
    token,
    supplier,
    customer,
    carrier,
    location,
    salesOrder,
    purchaseOrders,
    updateTargets,
  };
}

const lua = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string for these ids

/**
 * The wrk script: the tenants, the mix, and run `run`'s update targets. With `rate` (requests per
 * second over all `connections`), each connection pauses between requests for a random think time
 * (exponential, mean connections / rate seconds), as people at their desks do, instead of sending
 * the next request the moment the last answer arrives.
 */
export function mixedLoadScript(
  tenants: MixedTenant[],
  port: number,
  run: number,
  paced?: { rate: number; connections: number },
): string {
  const rows = tenants.map((t) =>
    `{h=${lua(`${t.host}:${port}`)},a=${lua(`Bearer ${t.token}`)},s=${lua(t.supplier)},c=${
      lua(t.customer)
    },k=${lua(t.carrier)},l=${lua(t.location)},so=${lua(t.salesOrder)},u=${
      lua(t.updateTargets[run]!)
    },p={${t.purchaseOrders.map(lua).join(",")}}}`
  );
  const day = new Date().toISOString().slice(0, 10);
  return `
local tenants = {
${rows.join(",\n")}
}
local n = #tenants
local threadCount = 0
function setup(thread)
  thread:set("tid", threadCount)
  threadCount = threadCount + 1
end

local owned = {}
local versions = {}
local serial = 0
-- The notes of each tenant's PATCH in flight. A record's version must be the one the server holds,
-- and two connections of a thread could otherwise send two PATCHes of one PO and the server (or,
-- with two processes, two servers) answer the second first: a 409 the client caused. So one PATCH
-- at a time per tenant (tenants are split between threads), its new version read from the answer.
local pending = {}
local pendingCount = 0
function init(args)
  local threads = tonumber(args[1]) or 2
  math.randomseed(1000 + (tid or 0))
  for i = 1, n do
    if (i - 1) % threads == (tid or 0) then owned[#owned + 1] = i end
  end
end

${
    paced
      ? `local meanPauseMs = ${(paced.connections * 1000 / paced.rate).toFixed(3)}
function delay()
  return math.floor(-meanPauseMs * math.log(1 - math.random()))
end
`
      : ""
  }
local function req(t, method, path, body)
  local headers = { ["Host"] = t.h, ["Authorization"] = t.a }
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, body)
end

response = function(status, headers, body)
  if pendingCount == 0 then return end
  if status >= 300 then
    -- Counted as an error by wrk; which PATCH it was is unknown, so the next ones try again.
    pending = {}
    pendingCount = 0
    return
  end
  -- Only a PATCH's answer has an ETag and that PATCH's notes: a list read meanwhile may hold the
  -- notes too (beside other records' versions), and no read of the mix asks for that PO alone.
  local etag = headers["etag"] or headers["ETag"]
  if not etag or not body then return end
  for i, notes in pairs(pending) do
    if body:find(notes, 1, true) then
      versions[i] = tonumber(etag:match("%d+"))
      pending[i] = nil
      pendingCount = pendingCount - 1
      return
    end
  end
end

request = function()
  local i = owned[math.random(#owned)]
  local t = tenants[i]
  local r = math.random(1000)
  serial = serial + 1
  -- 90% reads
  if r <= 300 then return req(t, "GET", "/api/v1/purchase-orders?status=approved&sort=-order_date&limit=50") end
  if r <= 450 then return req(t, "GET", "/api/v1/purchase-orders/" .. t.p[math.random(#t.p)]) end
  if r <= 550 then return req(t, "GET", "/api/v1/loads?limit=50") end
  if r <= 650 then return req(t, "GET", "/api/v1/invoices?limit=50") end
  if r <= 750 then return req(t, "GET", "/") end
  if r <= 850 then return req(t, "GET", "/api/v1/search?q=Packing") end
  if r <= 900 then return req(t, "GET", "/api/v1/suppliers/" .. t.s) end
  -- 10% writes
  if r <= 940 then
    return req(t, "POST", "/api/v1/purchase-orders", '{"supplier_id":"' .. t.s ..
      '","order_date":"${day}","status":"approved","lines":[{"description":"Trim","cases":10,"weight":400,"price":2}]}')
  end
  if r <= 970 and not pending[i] then
    pending[i] = '"mixed ' .. serial .. '"'
    pendingCount = pendingCount + 1
    return req(t, "PATCH", "/api/v1/purchase-orders/" .. t.u, '{"version":' .. (versions[i] or 1) .. ',"notes":"mixed ' .. serial .. '"}')
  end
  if r <= 970 then
    return req(t, "POST", "/api/v1/purchase-orders", '{"supplier_id":"' .. t.s ..
      '","order_date":"${day}","status":"approved","lines":[{"description":"Trim","cases":10,"weight":400,"price":2}]}')
  end
  if r <= 990 then
    return req(t, "POST", "/api/v1/invoices", '{"customer_id":"' .. t.c .. '","sales_order_id":"' .. t.so ..
      '","invoice_date":"${day}","state":"draft","lines":[{"description":"Trim","weight":400,"price":2.2}]}')
  end
  return req(t, "POST", "/api/v1/loads", '{"carrier_id":"' .. t.k .. '","sales_order_id":"' .. t.so ..
    '","delivery_location_id":"' .. t.l .. '","freight_cents":300000}')
end
`;
}

/** The read routes of the mix, for one tenant (the wrk script asks for the same). */
function readPaths(t: MixedTenant): string[] {
  return [
    "/api/v1/purchase-orders?status=approved&sort=-order_date&limit=50",
    ...t.purchaseOrders.map((id) => `/api/v1/purchase-orders/${id}`),
    "/api/v1/loads?limit=50",
    "/api/v1/invoices?limit=50",
    "/",
    "/api/v1/search?q=Packing",
    `/api/v1/suppliers/${t.supplier}`,
  ];
}

/**
 * One of each write of the mix for tenant `t` (as `request` in the wrk script), on a PO no run
 * updates: creates a PO, an invoice and a load, and changes the notes of the tenant's first PO.
 */
async function warmWrites(ownPort: number, t: MixedTenant): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  const send = async (method: string, path: string, json: unknown) => {
    const res = await hostFetch(ownPort, t.host, path, {
      method,
      json,
      headers: { authorization: `Bearer ${t.token}` },
    });
    const body = await res.json();
    if (res.status >= 300) throw new Error(`warm-up ${method} ${path}: ${res.status}`);
    return body;
  };
  const po = `/api/v1/purchase-orders/${t.purchaseOrders[0]}`;
  const { version } = await send("GET", po, undefined);
  await send("PATCH", po, { version, notes: "warm-up" });
  await send("POST", "/api/v1/purchase-orders", {
    supplier_id: t.supplier,
    order_date: day,
    status: "approved",
    lines: [{ description: "Trim", cases: 10, weight: 400, price: 2 }],
  });
  await send("POST", "/api/v1/invoices", {
    customer_id: t.customer,
    sales_order_id: t.salesOrder,
    invoice_date: day,
    state: "draft",
    lines: [{ description: "Trim", weight: 400, price: 2.2 }],
  });
  await send("POST", "/api/v1/loads", {
    carrier_id: t.carrier,
    sales_order_id: t.salesOrder,
    delivery_location_id: t.location,
    freight_cents: 300000,
  });
}

/**
 * Brings one process to where a working day leaves it: each of the mix's writes once per tenant,
 * then every tenant's read routes once, on `ownPort` (that process alone), so its tenant databases
 * are open and the statements of both prepared, as they are in a process that has served these
 * brokers since the morning (a tenant's connection keeps about 70 statements, its hot set:
 * db/local_client.ts). Without it a short run measures mostly first requests (a second process
 * would open all 1,000 databases, with their key derivations and schema parses, inside the
 * measured seconds; before the writes were warmed too, a tenant's first write in the run prepared
 * its twenty statements, 10-40 ms of the thread, and in 20 s most tenants write once at most).
 */
export async function warmMixedLoad(ownPort: number, tenants: MixedTenant[]): Promise<void> {
  const requests = tenants.flatMap((t) => [
    { t, path: null },
    ...readPaths(t).map((path) => ({ t, path })),
  ]);
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < requests.length) {
      const { t, path } = requests[next++]!;
      if (path === null) {
        await warmWrites(ownPort, t);
        continue;
      }
      const res = await hostFetch(ownPort, t.host, path, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      if (res.status !== 200) throw new Error(`warm-up ${path}: ${res.status}`);
      await res.body?.cancel();
    }
  }));
}

/** Runs the mix against `port` for `seconds` with wrk (2 threads, 50 connections). */
export async function runMixedLoad(
  port: number,
  tenants: MixedTenant[],
  opts: {
    run: number;
    seconds: number;
    connections?: number;
    /** Requests per second to offer in all (connections pause between requests); else flat out. */
    rate?: number;
  },
): Promise<WrkResult> {
  const dir = await Deno.makeTempDir({ prefix: "pm-mixed-" });
  const connections = opts.connections ?? 50;
  try {
    const script = `${dir}/mixed.lua`;
    const paced = opts.rate ? { rate: opts.rate, connections } : undefined;
    await Deno.writeTextFile(script, mixedLoadScript(tenants, port, opts.run, paced));
    const out = await new Deno.Command("wrk", {
      args: [
        "-t2",
        `-c${connections}`,
        `-d${opts.seconds}s`,
        "--latency",
        "-s",
        script,
        `http://127.0.0.1:${port}/`,
        "--",
        "2",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
    return parseWrk(text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * What a closed loop of `connections` lets a run reach, by Little's law. Flat out, every connection
 * always waits on an answer, so the mean time a request spends in the server (queued or served) is
 * connections / throughput, whatever the server does: the p99 target can only be met by serving
 * faster, never by answering in another order. `necessaryRps` is the throughput below which the
 * mean alone exceeds the target; `atThisShapeRps` the throughput at which this run's p99/mean ratio
 * would meet it.
 */
export function closedLoopBound(
  connections: number,
  run: Pick<WrkResult, "requestsPerSecond" | "p99Ms">,
  targetP99Ms: number,
): { meanMs: number; tailRatio: number; necessaryRps: number; atThisShapeRps: number } {
  const meanMs = connections / run.requestsPerSecond * 1000;
  const tailRatio = run.p99Ms / meanMs;
  return {
    meanMs,
    tailRatio,
    necessaryRps: connections / targetP99Ms * 1000,
    atThisShapeRps: connections * tailRatio / targetP99Ms * 1000,
  };
}

/** CPU seconds a process has used (utime + stime from /proc; Linux clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A process's resident memory in MB (/proc/<pid>/status VmRSS). */
function processRssMb(pid: number): number {
  const line = Deno.readTextFileSync(`/proc/${pid}/status`).split("\n").find((l) =>
    l.startsWith("VmRSS:")
  );
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** CPU seconds the whole machine has been busy (every core, from /proc/stat). */
function machineBusySeconds(): number {
  const [, ...ticks] = Deno.readTextFileSync("/proc/stat").split("\n")[0]!.trim().split(/\s+/);
  const n = ticks.map(Number);
  return (n[0]! + n[1]! + n[2]! + n[5]! + n[6]! + n[7]!) / 100; // all but idle and iowait
}

/** Where the cores went during a run: the app processes, and everything else (mostly wrk). */
export interface CoreShare {
  app: number;
  other: number;
}

async function measuring<T>(pids: number[], run: () => Promise<T>): Promise<[T, CoreShare]> {
  const appBefore = pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const busyBefore = machineBusySeconds();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const app = pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0) - appBefore;
  const busy = machineBusySeconds() - busyBefore;
  return [result, { app: app / seconds, other: Math.max(0, busy - app) / seconds }];
}

export interface MixedLoadFigures {
  tenants: number;
  poolSize: number;
  provisionSeconds: number;
  /** The bare Hono route, one process, same run. */
  bare: WrkResult;
  one: WrkResult;
  /**
   * The same mix on one process offered at half the throughput `one` reached (people pause
   * between requests): the latency a working day sees when the machine is not saturated.
   */
  paced: WrkResult;
  /** Two app processes on one port (SO_REUSEPORT), the same data folder; null when skipped. */
  two: WrkResult | null;
  /** Cores used during each mixed run, by the app processes and by everything else. */
  oneCores: CoreShare;
  twoCores: CoreShare | null;
  /** The first app process's resident memory after its mixed run, every tenant open in its pool. */
  oneRssMb: number;
}

/**
 * The mixed-load figures: tenants provisioned through the API on one process, the mix on it, then
 * a second process on the same port and data folder and the mix over both.
 */
export async function benchMixedLoad(
  opts: {
    tenants: number;
    seconds: number;
    poolSize: number;
    env?: Record<string, string>;
    /** Measure one process only (the two-process run is skipped: `two` is null). */
    oneProcess?: boolean;
  },
): Promise<MixedLoadFigures> {
  const port = benchPort();
  const env = {
    ...opts.env,
    PORT: String(port),
    BENCH_REUSE_PORT: "1",
    TENANT_POOL_SIZE: String(opts.poolSize),
  };
  const first = await startBenchServer(env, { keepDataDir: true });
  let second: BenchServer | null = null;
  try {
    const started = performance.now();
    const tenants = await provisionMixedTenants(port, opts.tenants, { runs: 3 });
    const provisionSeconds = (performance.now() - started) / 1000;
    await warmMixedLoad(first.ownPort, tenants);
    const bare = await runWrk(`http://127.0.0.1:${port + 1}/`, { seconds: opts.seconds });
    const [one, oneCores] = await measuring(
      [first.pid],
      () => runMixedLoad(port, tenants, { run: 0, seconds: opts.seconds }),
    );
    const oneRssMb = processRssMb(first.pid);
    const paced = await runMixedLoad(port, tenants, {
      run: 2,
      seconds: opts.seconds,
      rate: Math.max(1, Math.round(one.requestsPerSecond / 2)),
    });
    if (opts.oneProcess) {
      const { tenants, poolSize } = opts;
      return {
        tenants,
        poolSize,
        provisionSeconds,
        bare,
        one,
        paced,
        oneCores,
        oneRssMb,
        two: null,
        twoCores: null,
      };
    }
    const other = await startBenchServer({ ...env, DATA_DIR: first.dataDir }, {
      keepDataDir: true,
    });
    second = other;
    await warmMixedLoad(other.ownPort, tenants);
    const [two, twoCores] = await measuring(
      [first.pid, other.pid],
      () => runMixedLoad(port, tenants, { run: 1, seconds: opts.seconds }),
    );
    return {
      tenants: opts.tenants,
      poolSize: opts.poolSize,
      provisionSeconds,
      bare,
      one,
      paced,
      two,
      oneCores,
      twoCores,
      oneRssMb,
    };
  } finally {
    await second?.stop();
    await first.stop();
    await Deno.remove(first.dataDir, { recursive: true }).catch(() => {});
  }
}
