/**
 * @module bench/customization
 * Issue 13's two measured targets for tenant configuration:
 *
 * 1. **Render cost.** The purchase-order list page (50 rows) of a workspace with a full
 *    configuration (record types and fields renamed, navigation relabelled, custom fields with
 *    list columns and values, a layout with sections and list columns, rules including an
 *    approval, a palette and formats) against a workspace with none, on one server, requests
 *    interleaved in rounds so that the machine's drift falls on both. Target: <= 3% extra.
 * 2. **Propagation.** Two app processes (main.ts) on the same DATA_DIR, as two machines: the
 *    configuration is changed through one (PUT /api/v1/config) and the other's pages are polled
 *    until they link the new version's theme. Measured from the PUT's answer to the start of the
 *    first read that showed the change (so the loaded machine's answer time is not counted).
 *    Target: <= 1 s. Without Redis (the one-machine default); `--redis` adds a run with a real
 *    Redis (change notices).
 *
 *     ./scripts/deno run -A bench/customization.ts [--rounds 12] [--redis] [--render-only]
 *       [--machinery-only] [--machinery-rounds 1500] [--wrk-only] [--phases 8]
 *
 * 3. **The machinery's own cost** (`--machinery-only`): what the configuration adds when the tenant
 *    shows nothing more. A workspace with the whole configuration but no custom fields (the same
 *    columns, the same API bytes) against one with none, and the full configuration with three
 *    custom columns for information; the app's fetch handler called in this process, CPU time
 *    around each request, the order rotating every round, medians of thousands of rounds; then
 *    each part on its own (configuration read, record type and layout, words, approvals count,
 *    row decoding). Target: <= 3%.
 *
 * The render cost is judged by CPU time per request (this process's, the server's and the client's
 * side of each request alike), which holds on a machine others share; wall time is printed too.
 */
import { parseArgs } from "node:util";
import { cpuUsage } from "node:process";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { processEnv, startAppProcess, type TestProcess } from "../tests/helpers/processes.ts";
import { startRedis } from "../tests/helpers/redis.ts";
import { businessDay } from "../domain/clock.ts";
import { fmt, percentile } from "./stats.ts";
import { benchTenantWithId, startBenchServer } from "./api_throughput.ts";
import { runWrk } from "./wrk.ts";
import { hostFetch } from "../tests/helpers/http.ts";
import { createApp } from "../app.ts";
import type { Services } from "../services.ts";
import type { Executor } from "../db/transaction.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import { recordType } from "../domain/catalog.ts";
import { selectJson } from "../domain/records/query.ts";
import { activeConfiguration } from "../customization/cache.ts";
import {
  defaultFilters,
  layoutFields,
  listColumns,
  messagesInWords,
  navigation,
  recordTypeFor,
  words,
} from "../customization/terms.ts";
import { approvalRulesOn, cachedWaitingApprovals } from "../customization/approvals_menu.ts";
import { CATALOGUES, messagesFor, workspaceTranslator } from "../i18n/mod.ts";
import { COMMAND_PALETTE_MESSAGES } from "../islands/CommandPalette.tsx";

/** A configuration that uses every section that shapes the PO list page. */
export const FULL_CONFIGURATION = {
  branding: { product_name: "Prairie Trade Desk", colors: { primary: "#1f6f43" } },
  terminology: {
    record_types: {
      suppliers: { singular: "Packer", plural: "Packers", fields: {} },
      loads: { singular: "Shipment", plural: "Shipments", fields: {} },
      "purchase-orders": {
        singular: "Buy order",
        plural: "Buy orders",
        fields: { number: "Buy order #", order_date: "Ordered on" },
      },
    },
    navigation_labels: { dashboard: "Today", reports: "Numbers" },
    navigation_order: ["dashboard", "loads", "purchase-orders"],
  },
  formats: { date_format: "day_month_year", number_format: "1.234,56", currency_display: "code" },
  custom_fields: {
    "purchase-orders": [
      { key: "container", label: "Container number", type: "text", column: true },
      { key: "vessel", label: "Vessel", type: "text", column: true },
      { key: "hs_code", label: "HS code", type: "text" },
      { key: "incoterm", label: "Incoterm", type: "choice", choices: ["FOB", "CIF", "DAP"] },
      { key: "halal", label: "Halal", type: "yes_no", column: true },
    ],
  },
  layouts: {
    record_types: {
      "purchase-orders": {
        // A layout names built-in fields only (custom fields sit in their own section).
        sections: [{ title: "Order", fields: ["number", "supplier_id", "order_date", "status"] }],
        hidden: ["notes"],
      },
    },
  },
  rules: {
    record_rules: [
      {
        name: "Large PO approval",
        record_type: "purchase-orders",
        on: ["create", "update"],
        when: { ">": [{ var: "record.total_cents" }, 25_000_000] },
        actions: [{ type: "require_approval", role: "admin", message: "Needs a second approver." }],
      },
      {
        name: "Vessel for CIF",
        record_type: "purchase-orders",
        on: ["create", "update"],
        when: { "==": [{ var: "record.incoterm" }, "CIF"] },
        actions: [{ type: "warn", message: "Name the vessel." }],
      },
    ],
  },
};

const ROWS = 60;

async function seedOrders(api: ApiClient, today: string, custom: boolean) {
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Bench Packing" }, 201);
  for (let i = 0; i < ROWS; i++) {
    await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: today,
      lines: [{ description: "Beef 81/19 trim", cases: 40, weight: 1600 + i, price: 2.15 }],
      ...(custom
        ? {
          custom_fields: {
            container: `MSCU${String(1000000 + i)}`,
            vessel: "MAERSK KOBE",
            incoterm: "FOB",
            halal: i % 2 === 0,
          },
        }
        : {}),
    }, 201);
  }
}

/** The PO list through the API, as the PO list benchmark asks it (50 rows, sorted). */
export const API_LIST_PATH = "/api/v1/purchase-orders?sort=-order_date&limit=50";

/** One GET: its wall-clock and this process's CPU milliseconds (server and client side). */
async function timeGet(
  server: TestServer,
  host: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ wall: number; cpu: number }> {
  const cpu0 = cpuUsage();
  const start = performance.now();
  const res = await server.fetch(host, path, { headers });
  await res.text();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  const cpu = cpuUsage(cpu0);
  return { wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 };
}

/** The PO list's time per request (ms) with no configuration and with the full one. */
export async function measureRenderCost(rounds: number, perRound = 40) {
  // Limits far above what the loop sends: the benchmark measures pages, not the limiter.
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "1000000",
    RATE_LIMIT_PER_TENANT: "1000000",
  });
  try {
    const today = businessDay(server.services.clock, "America/Chicago");
    const plain = await signUpTenant(server);
    const shaped = await signUpTenant(server);
    const plainApi = await apiClient(server, plain);
    const shapedApi = await apiClient(server, shaped);
    const put = await shapedApi.call("PUT", "/api/v1/config", FULL_CONFIGURATION, {
      "if-match": '"0"',
    });
    if (put.status !== 200) throw new Error(`configuration refused: ${JSON.stringify(put.body)}`);
    await seedOrders(plainApi, today, false);
    await seedOrders(shapedApi, today, true);
    const sides = [
      { name: "none", t: plain, token: plainApi.token, ms: [] as number[], cpu: [] as number[] },
      { name: "full", t: shaped, token: shapedApi.token, ms: [] as number[], cpu: [] as number[] },
    ];
    const check = await (await server.fetch(shaped.host, "/purchase-orders", {
      headers: { cookie: shaped.jar.header(shaped.host) },
    })).text();
    if (!check.includes("Buy orders") || !check.includes("MSCU10000")) {
      throw new Error(`the configured list does not show the configuration: ${check.slice(-3000)}`);
    }
    const page = (side: typeof sides[number]) =>
      timeGet(server, side.t.host, "/purchase-orders", { cookie: side.t.jar.header(side.t.host) });
    const api = (side: typeof sides[number]) =>
      timeGet(server, side.t.host, API_LIST_PATH, { authorization: `Bearer ${side.token}` });
    const apiCpu = [[], []] as number[][];
    for (const side of sides) {
      for (let i = 0; i < 30; i++) (await page(side), await api(side));
    }
    // Request by request, alternating which side goes first, so that the machine's load (and
    // each side's garbage) falls on both alike.
    for (let n = 0; n < rounds * perRound; n++) {
      for (const i of n % 2 === 0 ? [0, 1] : [1, 0]) {
        const side = sides[i]!;
        const took = await page(side);
        side.ms.push(took.wall);
        side.cpu.push(took.cpu);
        apiCpu[i]!.push((await api(side)).cpu);
      }
    }
    const stats = (ms: number[]) => ({
      n: ms.length,
      median: percentile(ms, 50),
      p90: percentile(ms, 90),
      mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    });
    const none = stats(sides[0]!.ms);
    const full = stats(sides[1]!.ms);
    const noneCpu = stats(sides[0]!.cpu);
    const fullCpu = stats(sides[1]!.cpu);
    const noneApi = stats(apiCpu[0]!);
    const fullApi = stats(apiCpu[1]!);
    return {
      none,
      full,
      noneCpu,
      fullCpu,
      extraMedian: full.median / none.median - 1,
      extraMean: full.mean / none.mean - 1,
      extraCpuMedian: fullCpu.median / noneCpu.median - 1,
      extraCpuMean: fullCpu.mean / noneCpu.mean - 1,
      noneApi,
      fullApi,
      extraApiMedian: fullApi.median / noneApi.median - 1,
      extraApiMean: fullApi.mean / noneApi.mean - 1,
    };
  } finally {
    await server.close();
  }
}

/**
 * The full configuration without its custom fields: every part of the configuration's machinery
 * (renames, navigation, formats, colours and theme, a layout, rules) with the list showing the
 * same columns and the API answering the same bytes as a workspace with none, so that what it
 * costs is the machinery's and not the data the tenant chose to show.
 */
export const SAME_COLUMNS_CONFIGURATION = {
  ...FULL_CONFIGURATION,
  custom_fields: {},
  rules: {
    record_rules: FULL_CONFIGURATION.rules.record_rules.filter((r) => r.name !== "Vessel for CIF"),
  },
};

/** One request answered by the app in this process (no socket): its CPU milliseconds. */
async function cpuOfRequest(app: { fetch: AppFetch }, request: () => Request): Promise<number> {
  const cpu0 = cpuUsage();
  const res = await app.fetch(request(), LOOPBACK);
  await res.arrayBuffer();
  const cpu = cpuUsage(cpu0);
  if (res.status !== 200) throw new Error(`answered ${res.status}`);
  return (cpu.user + cpu.system) / 1000;
}

type AppFetch = (req: Request, env: unknown) => Response | Promise<Response>;
const LOOPBACK = { remoteAddr: { hostname: "127.0.0.1", port: 1, transport: "tcp" } };

/**
 * The configuration machinery's own cost, judged as robustly as this shared machine allows: the
 * app's fetch handler called in this process (no sockets, no client), CPU time around every
 * request, four workspaces (none, none again for the noise floor, the same columns with the whole
 * configuration, the full configuration with three custom columns and their values) asked in turn
 * with the order rotating each round, many rounds, compared at the median. The PO list page, then
 * the PO list benchmark's API request in a loop of its own.
 */
export async function measureMachineryCost(rounds: number) {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "1000000000",
    RATE_LIMIT_PER_TENANT: "1000000000",
  });
  try {
    const today = businessDay(server.services.clock, "America/Chicago");
    const app = createApp(server.services) as unknown as { fetch: AppFetch };
    const side = async (name: string, config: unknown, values: boolean) => {
      const t = await signUpTenant(server);
      const api = await apiClient(server, t);
      if (config) {
        const put = await api.call("PUT", "/api/v1/config", config, { "if-match": '"0"' });
        if (put.status !== 200) throw new Error(`${name} refused: ${JSON.stringify(put.body)}`);
      }
      await seedOrders(api, today, values);
      const cookie = t.jar.header(t.host);
      const url = (path: string) => `http://${t.host}${path}`;
      return {
        name,
        page: () => new Request(url("/purchase-orders"), { headers: { cookie, host: t.host } }),
        api: () =>
          new Request(url(API_LIST_PATH), {
            headers: { authorization: `Bearer ${api.token}`, host: t.host },
          }),
        tenantId: t.tenantId,
        pageCpu: [] as number[],
        apiCpu: [] as number[],
        pageBytes: 0,
        apiBytes: 0,
      };
    };
    const sides = [
      await side("none", null, false),
      // A second workspace with none: how far two identical sides differ here (the noise floor).
      await side("none again", null, false),
      await side("same columns", SAME_COLUMNS_CONFIGURATION, false),
      await side("full", FULL_CONFIGURATION, true),
    ];
    for (const s of sides) {
      s.pageBytes = (await (await app.fetch(s.page(), LOOPBACK)).arrayBuffer()).byteLength;
      s.apiBytes = (await (await app.fetch(s.api(), LOOPBACK)).arrayBuffer()).byteLength;
      for (let i = 0; i < 50; i++) {
        await cpuOfRequest(app, s.page);
        await cpuOfRequest(app, s.api);
      }
    }
    const rotated = (n: number) => sides.map((_, i) => sides[(i + n) % sides.length]!);
    for (let n = 0; n < rounds; n++) {
      for (const s of rotated(n)) s.pageCpu.push(await cpuOfRequest(app, s.page));
    }
    // The API requests in a loop of their own, as the PO list benchmark sends them: asked between
    // pages, each paid for the garbage the page before had left (0.17-0.29 ms instead of 0.05),
    // and two identical workspaces differed by up to a third.
    for (let n = 0; n < rounds * 5; n++) {
      for (const s of rotated(n)) s.apiCpu.push(await cpuOfRequest(app, s.api));
    }
    const parts = await measureParts(server.services, sides);
    const median = (xs: number[]) => percentile(xs, 50);
    // Against "none" two ways: the ratio of the medians, and the median of each round's ratio
    // (paired: the two requests of a round ran under the same load).
    const versus = (s: typeof sides[number], key: "pageCpu" | "apiCpu") => ({
      ms: median(s[key]),
      extra: median(s[key]) / median(sides[0]![key]) - 1,
      paired: median(s[key].map((x, i) => x / sides[0]![key][i]!)) - 1,
    });
    return {
      rounds,
      parts,
      sides: sides.map((s) => ({
        name: s.name,
        page: versus(s, "pageCpu"),
        api: versus(s, "apiCpu"),
        pageBytes: s.pageBytes,
        apiBytes: s.apiBytes,
      })),
    };
  } finally {
    await server.close();
  }
}

/** Microseconds of CPU per call of `f`, median of `batches` batches of `n` calls. */
async function microsPerCall(f: () => unknown, n = 200, batches = 25): Promise<number> {
  const out: number[] = [];
  for (let b = 0; b < batches + 3; b++) {
    const cpu0 = cpuUsage();
    for (let i = 0; i < n; i++) await f();
    const cpu = cpuUsage(cpu0);
    if (b >= 3) out.push((cpu.user + cpu.system) / n);
  }
  return percentile(out, 50);
}

/**
 * Each part of the configuration's machinery that a PO list page pays, timed on its own (CPU
 * microseconds per page) for a workspace with no configuration and one with the full one:
 * reading the configuration, resolving the record type, layout, columns and navigation, the
 * shell's words (every catalogue text of the shell and the palette through the tenant's terms),
 * the approvals count of the navigation, and decoding the 50 rows (with custom values).
 */
export async function measureParts(
  services: Services,
  tenants: Array<{ name: string; tenantId: string }>,
) {
  const rows: Array<{ name: string; parts: Record<string, number> }> = [];
  const def = recordType("purchase-orders")!;
  const shellKeys = Object.entries(CATALOGUES.en).filter(([k, text]) =>
    (k.startsWith("nav.") || k.startsWith("shell.")) && !text.includes("{")
  ).map(([k]) => k);
  for (const t of tenants) {
    const lease = services.pool.tryAcquire(t.tenantId);
    if (!lease) throw new Error(`${t.name}: its database is not open`);
    try {
      const read = () => activeConfiguration(services.readCache, lease.db, t.tenantId);
      const loaded = await read();
      const config = loaded.document;
      const own = recordTypeFor(config, def);
      const list = await listRows(lease.db, own);
      const parts: Record<string, number> = {};
      parts["configuration read"] = await microsPerCall(read);
      parts["record type, layout, columns, navigation"] = await microsPerCall(() => {
        const named = recordTypeFor(config, def);
        layoutFields(config, named);
        listColumns(config, named, "owner");
        defaultFilters(config, named, "owner");
        navigation(config);
      });
      parts["words of the shell and palette"] = await microsPerCall(() => {
        const words_ = (text: string) => words(config, text);
        const t = workspaceTranslator("en", config.terminology.phrases, words_);
        for (const key of shellKeys) t(key);
        messagesInWords(
          config,
          messagesFor("en", COMMAND_PALETTE_MESSAGES),
          messagesFor("en", COMMAND_PALETTE_MESSAGES),
        );
      });
      parts["approvals count"] = approvalRulesOn(config)
        ? await microsPerCall(() =>
          cachedWaitingApprovals(services.readCache, lease.db, t.tenantId)
        )
        : 0;
      parts["decoding 50 rows"] = await microsPerCall(() => list.map((j) => JSON.parse(j)), 50);
      rows.push({ name: t.name, parts });
    } finally {
      lease.release();
    }
  }
  return rows;
}

/** The list's 50 rows as SQLite writes their JSON for pages (what `listRecords` decodes). */
async function listRows(db: Executor, def: RecordDef): Promise<string[]> {
  const rs = await db.execute(
    `SELECT ${selectJson(def, false)} AS j FROM ${def.table} ORDER BY order_date DESC LIMIT 50`,
  );
  return rs.rows.map((r) => String(r.j));
}

/** CPU seconds a process has used (utime + stime, Linux clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The PO list benchmark's request as that benchmark runs it: wrk, 50 connections, against a bench
 * server in its own process, for a workspace with no configuration and one with the full one
 * on the same rows, and one with the full configuration whose rows also carry custom field values
 * (two of them: the response grows by their bytes), in alternating phases; judged by the server
 * process's CPU time per answered request, which the machine's other load moves far less than
 * throughput. The configuration's own cost is the second against the first.
 */
export async function measureListOverWrk(phases: number, seconds: number) {
  const server = await startBenchServer();
  try {
    const today = new Date().toISOString().slice(0, 10);
    const side = async (slug: string, full: unknown, values: boolean) => {
      const { token } = await benchTenantWithId(server.port, slug);
      const host = `${slug}.localhost`;
      const headers = { authorization: `Bearer ${token}` };
      const send = async (method: string, path: string, json: unknown, extra = {}) => {
        const res = await hostFetch(server.port, host, path, {
          method,
          json,
          headers: { ...headers, ...extra },
        });
        if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return await res.json();
      };
      if (full) await send("PUT", "/api/v1/config", full, { "if-match": '"0"' });
      const supplier = await send("POST", "/api/v1/suppliers", { name: "Bench Packing" });
      for (let i = 0; i < ROWS; i++) {
        await send("POST", "/api/v1/purchase-orders", {
          supplier_id: supplier.id,
          order_date: today,
          lines: [{ description: "Beef 81/19 trim", cases: 40, weight: 1600 + i, price: 2.15 }],
          ...(values
            ? { custom_fields: { container: `MSCU${1000000 + i}`, vessel: "MAERSK KOBE" } }
            : {}),
        });
      }
      return { host, token, cpuMs: [] as number[], rps: [] as number[] };
    };
    const sides = [
      await side("cfgnone", null, false),
      await side("cfgfull", FULL_CONFIGURATION, false),
      await side("cfgvalues", FULL_CONFIGURATION, true),
      await side("cfgsame", SAME_COLUMNS_CONFIGURATION, false),
    ];
    const url = `http://127.0.0.1:${server.port}${API_LIST_PATH}`;
    const phase = async (s: typeof sides[number], secs: number) => {
      const before = processCpuSeconds(server.pid);
      const r = await runWrk(url, {
        headers: { Host: s.host, Authorization: `Bearer ${s.token}` },
        seconds: secs,
      });
      const cpu = processCpuSeconds(server.pid) - before;
      if (r.non2xx) throw new Error(`${s.host}: ${r.non2xx} errors`);
      return { cpuMs: cpu * 1000 / (r.requestsPerSecond * secs), rps: r.requestsPerSecond };
    };
    for (const s of sides) await phase(s, 2); // warm both
    for (let p = 0; p < phases; p++) {
      for (const s of p % 2 === 0 ? sides : [...sides].reverse()) {
        const got = await phase(s, seconds);
        s.cpuMs.push(got.cpuMs);
        s.rps.push(got.rps);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [none, full, values, same] = sides.map((s) => ({
      cpuMs: median(s.cpuMs),
      rps: median(s.rps),
    }));
    return {
      none: none!,
      full: full!,
      values: values!,
      same: same!,
      extra: full!.cpuMs / none!.cpuMs - 1,
      extraWithValues: values!.cpuMs / none!.cpuMs - 1,
      extraSame: same!.cpuMs / none!.cpuMs - 1,
      phases,
    };
  } finally {
    await server.stop();
  }
}

/** Seconds from a configuration change on one process to the other process showing it. */
export async function measurePropagation(changes: number, extraEnv: Record<string, string> = {}) {
  const dataDir = await Deno.makeTempDir({ prefix: "pm-bench-config-" });
  const env = processEnv(dataDir, {
    RUN_WORKERS: "false",
    LOG_LEVEL: "warn",
    // App 2 is read back to back: far above the limiter, which is not what is measured.
    RATE_LIMIT_PER_IP: "1000000",
    RATE_LIMIT_PER_TENANT: "1000000",
    ...extraEnv,
  });
  const processes: TestProcess[] = [];
  try {
    const app1 = await startAppProcess(env);
    processes.push(app1);
    const app2 = await startAppProcess(env);
    processes.push(app2);
    const asServer = (p: typeof app1) => p as unknown as TestServer;
    const t = await signUpTenant(asServer(app1));
    const api = await apiClient(asServer(app1), t);
    const cookie = t.jar.header(t.host);
    const page = async () => {
      const res = await app2.fetch(t.host, "/", { headers: { cookie } });
      const html = await res.text();
      if (res.status !== 200) throw new Error(`app 2 answered ${res.status}`);
      return html;
    };
    // App 2 is read all along (its cache stays warm, as on a busy machine): each read's start
    // and the configuration version its page links.
    const sightings: Array<{ began: number; version: number }> = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const began = performance.now();
        const version = Number(/\/theme\/(\d+)\.css/.exec(await page())?.[1] ?? -1);
        sightings.push({ began, version });
      }
    })();
    const delays: number[] = [];
    try {
      for (let version = 0; version < changes; version++) {
        const put = await api.call("PUT", "/api/v1/config", {
          branding: { product_name: `Desk ${version + 1}` },
        }, { "if-match": `"${version}"` });
        if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
        const applied = performance.now();
        for (;;) {
          const seen = sightings.find((x) => x.version >= version + 1);
          if (seen) {
            delays.push(Math.max(0, seen.began - applied));
            break;
          }
          if (performance.now() - applied > 10_000) throw new Error("app 2 never showed it");
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
      }
    } finally {
      polling = false;
      await poller;
    }
    return {
      n: delays.length,
      median: percentile(delays, 50),
      p95: percentile(delays, 95),
      max: Math.max(...delays),
    };
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "12" },
      redis: { type: "boolean" },
      "render-only": { type: "boolean" },
      phases: { type: "string", default: "8" },
      "machinery-rounds": { type: "string", default: "1500" },
      "machinery-only": { type: "boolean" },
      "wrk-only": { type: "boolean" },
    },
  });
  if (values["wrk-only"]) {
    const wrk = await measureListOverWrk(Number(values.phases), 3);
    console.log(
      `PO list API over wrk, server CPU per request (median of ${wrk.phases} phases): none ${
        fmt(wrk.none.cpuMs, 3)
      } ms; same columns, whole configuration ${fmt(wrk.same.cpuMs, 3)} ms (${
        fmt(wrk.extraSame * 100, 1)
      }%); full, no values ${fmt(wrk.full.cpuMs, 3)} ms (${fmt(wrk.extra * 100, 1)}%); full ` +
        `with values ${fmt(wrk.values.cpuMs, 3)} ms (${fmt(wrk.extraWithValues * 100, 1)}%)`,
    );
    Deno.exit(0);
  }
  const m = await measureMachineryCost(Number(values["machinery-rounds"]));
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${fmt(x * 100, 1)}%`;
  console.log(
    `Configuration machinery, CPU per request in process (median of ${m.rounds} rounds of pages, ` +
      `${m.rounds * 5} of API requests after them, order ` +
      `rotating; extra against "none" as a ratio of medians / median of paired ratios):`,
  );
  for (const s of m.sides) {
    console.log(
      `  ${s.name.padEnd(13)} page ${fmt(s.page.ms, 3)} ms (${fmt(s.pageBytes / 1024, 1)} KB) ${
        pct(s.page.extra)
      } / ${pct(s.page.paired)}   API ${fmt(s.api.ms, 3)} ms (${fmt(s.apiBytes / 1024, 1)} KB) ${
        pct(s.api.extra)
      } / ${pct(s.api.paired)}`,
    );
  }
  for (const { name, parts } of m.parts) {
    console.log(
      `  parts, ${name}: ${
        Object.entries(parts).map(([part, us]) => `${part} ${fmt(us, 1)} µs`).join("; ")
      }`,
    );
  }
  if (values["machinery-only"]) Deno.exit(0);
  const render = await measureRenderCost(Number(values.rounds));
  console.log(
    `PO list page (50 of ${ROWS} rows), ${render.none.n} requests each, interleaved:\n` +
      `  no configuration    median ${fmt(render.none.median, 2)} ms  p90 ${
        fmt(render.none.p90, 2)
      } ms  mean ${fmt(render.none.mean, 2)} ms\n` +
      `  full configuration  median ${fmt(render.full.median, 2)} ms  p90 ${
        fmt(render.full.p90, 2)
      } ms  mean ${fmt(render.full.mean, 2)} ms\n` +
      `  extra: ${fmt(render.extraMedian * 100, 1)}% (median), ${
        fmt(render.extraMean * 100, 1)
      }% (mean)\n` +
      `  CPU per request: none median ${fmt(render.noneCpu.median, 3)} ms mean ${
        fmt(render.noneCpu.mean, 3)
      } ms; full median ${fmt(render.fullCpu.median, 3)} ms mean ${
        fmt(render.fullCpu.mean, 3)
      } ms\n` +
      `  extra CPU: ${fmt(render.extraCpuMedian * 100, 1)}% (median), ${
        fmt(render.extraCpuMean * 100, 1)
      }% (mean)\n` +
      `PO list benchmark's request (${API_LIST_PATH}), CPU per request: none median ${
        fmt(render.noneApi.median, 3)
      } ms mean ${fmt(render.noneApi.mean, 3)} ms; full median ${
        fmt(render.fullApi.median, 3)
      } ms mean ${fmt(render.fullApi.mean, 3)} ms\n` +
      `  extra CPU: ${fmt(render.extraApiMedian * 100, 1)}% (median), ${
        fmt(render.extraApiMean * 100, 1)
      }% (mean); target <= 3%`,
  );
  const wrk = await measureListOverWrk(Number(values.phases), 3);
  console.log(
    `PO list benchmark over wrk (50 conns, bench server process, ${wrk.phases} alternating ` +
      `3-second phases each): server CPU per request none ${fmt(wrk.none.cpuMs, 3)} ms (${
        fmt(wrk.none.rps, 0)
      } req/s), full configuration ${fmt(wrk.full.cpuMs, 3)} ms (${
        fmt(wrk.full.rps, 0)
      } req/s): extra ${fmt(wrk.extra * 100, 1)}% (target <= 3%); with custom field values on ` +
      `every row ${fmt(wrk.values.cpuMs, 3)} ms: ${
        fmt(wrk.extraWithValues * 100, 1)
      }% (more bytes); the same columns with the whole configuration ${
        fmt(wrk.same.cpuMs, 3)
      } ms: ${fmt(wrk.extraSame * 100, 1)}%`,
  );
  if (values["render-only"]) Deno.exit(0);
  const runs: Array<[string, Record<string, string>]> = [["no Redis", {}]];
  let redis: Awaited<ReturnType<typeof startRedis>> | null = null;
  if (values.redis) {
    redis = await startRedis();
    runs.push(["Redis", { REDIS_URL: redis.url }]);
  }
  try {
    for (const [name, env] of runs) {
      const p = await measurePropagation(20, env);
      console.log(
        `Configuration change to another process (${name}), ${p.n} changes: median ${
          fmt(p.median, 0)
        } ms, p95 ${fmt(p.p95, 0)} ms, max ${fmt(p.max, 0)} ms; target <= 1,000 ms`,
      );
    }
  } finally {
    await redis?.stop();
  }
}
