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
 *     ./scripts/deno run -A bench/customization.ts [--rounds 12] [--redis]
 */
import { parseArgs } from "node:util";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { processEnv, startAppProcess, type TestProcess } from "../tests/helpers/processes.ts";
import { startRedis } from "../tests/helpers/redis.ts";
import { businessDay } from "../domain/clock.ts";
import { fmt, percentile } from "./stats.ts";

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

async function timeGet(server: TestServer, host: string, cookie: string): Promise<number> {
  const start = performance.now();
  const res = await server.fetch(host, "/purchase-orders", { headers: { cookie } });
  await res.text();
  if (res.status !== 200) throw new Error(`PO list answered ${res.status}`);
  return performance.now() - start;
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
    const shapedApi = await apiClient(server, shaped);
    const put = await shapedApi.call("PUT", "/api/v1/config", FULL_CONFIGURATION, {
      "if-match": '"0"',
    });
    if (put.status !== 200) throw new Error(`configuration refused: ${JSON.stringify(put.body)}`);
    await seedOrders(await apiClient(server, plain), today, false);
    await seedOrders(shapedApi, today, true);
    const sides = [
      { name: "none", t: plain, ms: [] as number[] },
      { name: "full", t: shaped, ms: [] as number[] },
    ];
    const check = await (await server.fetch(shaped.host, "/purchase-orders", {
      headers: { cookie: shaped.jar.header(shaped.host) },
    })).text();
    if (!check.includes("Buy orders") || !check.includes("MSCU10000")) {
      throw new Error(`the configured list does not show the configuration: ${check.slice(-3000)}`);
    }
    for (const side of sides) {
      for (let i = 0; i < 30; i++) {
        await timeGet(server, side.t.host, side.t.jar.header(side.t.host));
      }
    }
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first, so neither always follows the other's garbage.
      for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
        const cookie = side.t.jar.header(side.t.host);
        for (let i = 0; i < perRound; i++) side.ms.push(await timeGet(server, side.t.host, cookie));
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
    return {
      none,
      full,
      extraMedian: full.median / none.median - 1,
      extraMean: full.mean / none.mean - 1,
    };
  } finally {
    await server.close();
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
    options: { rounds: { type: "string", default: "12" }, redis: { type: "boolean" } },
  });
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
      }% (mean); target <= 3%`,
  );
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
