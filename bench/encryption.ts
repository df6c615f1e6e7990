/**
 * @module bench/encryption
 * What encryption at rest costs, measured with and without it in one run on the same machine:
 *
 * - the PO list benchmark (bench/records.ts) over HTTP with wrk, one server whose tenant database
 *   is encrypted and one whose tenant database is plain (`BENCH_PLAIN_TENANTS=1`, bench only),
 *   each seeded with the same business, alternated so drift hits both alike;
 * - in process, the PO list's query and a full scan of the PO lines on the two seeded files:
 *   SQLite's page cache is small beside a 10,000-PO database, so the scan decrypts pages;
 * - the PO list with the read cache emptied before each request, on two in-process servers,
 *   request by request alternately, in CPU time: the figure that holds on a busy machine;
 * - a cold open (what the pool pays once per tenant): key unwrap, key derivation, first query.
 *
 * `deno run -A bench/encryption.ts [--quick] [--mixed]` prints these alone (`--mixed` adds the mixed
 * load, plain against encrypted, request by request: bench/encryption_mixed.ts); `deno task bench`
 * prints all but the mixed load.
 */
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { benchTenantWithId, startBenchServer } from "./api_throughput.ts";
import { LIST_PATH, seedBusiness } from "./records.ts";
import { runWrk, type WrkResult } from "./wrk.ts";
import { fmt } from "./stats.ts";
import { benchMixedAlternating } from "./encryption_mixed.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { LocalDatabaseProvider } from "../tenants/database_provider.ts";
import { type Client, fileUrl, openDatabase } from "../db/client.ts";
import { openEncryptedDatabase } from "../db/encrypted.ts";
import { loadKeyRing, openControlWith } from "../crypto/keyring.ts";
import { databaseKeyOf, TenantKeys } from "../crypto/tenant_keys.ts";

export interface EncryptionFigures {
  plain: WrkResult[];
  encrypted: WrkResult[];
  /** Mean ms of the list query / the full scan, plain and encrypted. */
  query: { plain: number; encrypted: number };
  scan: { plain: number; encrypted: number };
  /** Mean ms to open a tenant database and answer a first query. */
  coldOpen: { plain: number; encrypted: number };
}

/** The libSQL key of a tenant database in a bench server's data folder. */
export async function benchTenantKey(dataDir: string, tenantId: string): Promise<string> {
  const settings = {
    DATA_DIR: dataDir,
    APP_ENV: "development" as const,
    ENCRYPTION_MASTER_KEY: undefined,
    ENCRYPTION_MASTER_KEY_NEXT: undefined,
  };
  const ring = await loadKeyRing(settings);
  const control = await openControlWith(ring, dataDir);
  try {
    const keys = new TenantKeys(control, ring.provider, () => new Date());
    return await databaseKeyOf(await keys.current(tenantId));
  } finally {
    control.close();
  }
}

interface Run {
  stop(): Promise<void>;
  url: string;
  headers: Record<string, string>;
  path: string;
  key?: string;
}

async function serve(encrypted: boolean, counts: { purchaseOrders: number; invoices: number }) {
  const server = await startBenchServer(encrypted ? {} : { BENCH_PLAIN_TENANTS: "1" });
  const slug = encrypted ? "enc" : "plain";
  const t = await benchTenantWithId(server.port, slug);
  const path = join(server.dataDir, "tenants", `${t.tenantId}.db`);
  const key = encrypted ? await benchTenantKey(server.dataDir, t.tenantId) : undefined;
  await seedBusiness(path, counts, key);
  const run: Run = {
    stop: () => server.stop(),
    url: `http://127.0.0.1:${server.port}${LIST_PATH}`,
    headers: { Host: `${slug}.localhost:${server.port}`, Authorization: `Bearer ${t.token}` },
    path,
    key,
  };
  return run;
}

async function timeMs(n: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const start = performance.now();
  for (let i = 0; i < n; i++) await work();
  return (performance.now() - start) / n;
}

/** Measures the figures above; `seconds` per wrk run, `rounds` alternations. */
export async function benchEncryption(
  opts: { quick?: boolean } = {},
): Promise<EncryptionFigures> {
  const counts = opts.quick
    ? { purchaseOrders: 2000, invoices: 1000 }
    : { purchaseOrders: 10_000, invoices: 5_000 };
  const seconds = opts.quick ? 3 : 8;
  const rounds = opts.quick ? 1 : 2;
  const plain = await serve(false, counts);
  const enc = await serve(true, counts);
  const figures: EncryptionFigures = {
    plain: [],
    encrypted: [],
    query: { plain: 0, encrypted: 0 },
    scan: { plain: 0, encrypted: 0 },
    coldOpen: { plain: 0, encrypted: 0 },
  };
  try {
    for (const r of [plain, enc]) await runWrk(r.url, { seconds: 2, headers: r.headers });
    for (let i = 0; i < rounds; i++) {
      figures.plain.push(await runWrk(plain.url, { seconds, headers: plain.headers }));
      figures.encrypted.push(await runWrk(enc.url, { seconds, headers: enc.headers }));
    }
    const open = (r: Run) => openDatabase({ url: fileUrl(r.path), encryptionKey: r.key });
    const dbs: Record<"plain" | "encrypted", Client> = {
      plain: await open(plain),
      encrypted: await open(enc),
    };
    try {
      for (const mode of ["plain", "encrypted"] as const) {
        const db = dbs[mode];
        figures.query[mode] = await timeMs(200, () =>
          db.execute(
            "SELECT * FROM purchase_orders WHERE status = 'approved' ORDER BY order_date DESC " +
              "LIMIT 50",
          ));
        figures.scan[mode] = await timeMs(
          20,
          () => db.execute("SELECT count(*), sum(length(description)) FROM purchase_order_lines"),
        );
      }
    } finally {
      dbs.plain.close();
      dbs.encrypted.close();
    }
    // As the pool opens a tenant: the header check, the key, the pragmas, a first query.
    const cold = (r: Run) => async () => {
      const db = r.key
        ? await openEncryptedDatabase(r.path, r.key)
        : await openDatabase({ url: fileUrl(r.path) });
      await db.execute("SELECT 1 FROM purchase_orders LIMIT 1");
      db.close();
    };
    figures.coldOpen.plain = await timeMs(100, cold(plain));
    figures.coldOpen.encrypted = await timeMs(100, cold(enc));
  } finally {
    await plain.stop();
    await enc.stop();
  }
  return figures;
}

/**
 * The PO list request with the read cache emptied before each, on two servers in this process (one
 * with plain tenant databases), alternating request by request so a busy machine slows both
 * alike: the median milliseconds of each. This is the figure to trust when wrk's are noisy.
 */
export async function benchListAlternating(
  opts: { purchaseOrders: number; invoices: number; requests: number },
): Promise<{ plain: number; encrypted: number; plainCpu: number; encryptedCpu: number }> {
  const start = async (plain: boolean) => {
    const dir = await Deno.makeTempDir({ prefix: "pm-bench-" });
    const server = await startTestServer(
      { DATA_DIR: dir, RATE_LIMIT_PER_IP: "100000000", RATE_LIMIT_PER_TENANT: "100000000" },
      plain ? { provider: new LocalDatabaseProvider(join(dir, "tenants")) } : {},
    );
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const key = plain ? undefined : await benchTenantKey(dir, tenant.tenantId);
    await seedBusiness(join(dir, "tenants", `${tenant.tenantId}.db`), opts, key);
    const once = async () => {
      server.services.readCache.clear();
      const cpu0 = cpuUsage();
      const t0 = performance.now();
      const res = await server.fetch(tenant.host, LIST_PATH, {
        headers: { authorization: `Bearer ${api.token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`PO list answered ${res.status}`);
      const cpu = cpuUsage(cpu0);
      return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
    };
    const stop = async () => {
      await server.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    };
    return { once, stop };
  };
  const plain = await start(true);
  const enc = await start(false);
  try {
    type Sample = { wall: number; cpu: number };
    const times = { plain: [] as Sample[], encrypted: [] as Sample[] };
    for (let i = 0; i < 20; i++) (await plain.once(), await enc.once());
    for (let i = 0; i < opts.requests; i++) {
      if (i % 2) (times.plain.push(await plain.once()), times.encrypted.push(await enc.once()));
      else (times.encrypted.push(await enc.once()), times.plain.push(await plain.once()));
    }
    const median = (xs: Sample[], k: keyof Sample) =>
      xs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      plain: median(times.plain, "wall"),
      encrypted: median(times.encrypted, "wall"),
      plainCpu: median(times.plain, "cpu"),
      encryptedCpu: median(times.encrypted, "cpu"),
    };
  } finally {
    await plain.stop();
    await enc.stop();
  }
}

/** The rows `deno task bench` prints. */
export function encryptionRows(
  f: EncryptionFigures,
): Array<[string, string, string, boolean | null]> {
  const mean = (xs: WrkResult[]) => xs.reduce((s, x) => s + x.requestsPerSecond, 0) / xs.length;
  const p99 = (xs: WrkResult[]) => Math.max(...xs.map((x) => x.p99Ms));
  const cost = 1 - mean(f.encrypted) / mean(f.plain);
  const pct = (a: number, b: number) => `${fmt((a / b - 1) * 100, 1)}%`;
  return [
    [
      "PO list (50 conns), encrypted tenant database vs plain",
      `${fmt(mean(f.encrypted), 0)} vs ${fmt(mean(f.plain), 0)} req/s (p99 ${
        fmt(p99(f.encrypted), 2)
      } vs ${fmt(p99(f.plain), 2)} ms): cost ${fmt(cost * 100, 1)}%`,
      "<= 10%",
      cost <= 0.10,
    ],
    [
      "  PO list query in process, encrypted vs plain",
      `${fmt(f.query.encrypted, 3)} vs ${fmt(f.query.plain, 3)} ms (${
        pct(f.query.encrypted, f.query.plain)
      })`,
      "",
      null,
    ],
    [
      "  full scan of PO lines, encrypted vs plain",
      `${fmt(f.scan.encrypted, 2)} vs ${fmt(f.scan.plain, 2)} ms (${
        pct(f.scan.encrypted, f.scan.plain)
      })`,
      "",
      null,
    ],
    [
      "  cold open + first query, encrypted vs plain",
      `${fmt(f.coldOpen.encrypted, 2)} vs ${fmt(f.coldOpen.plain, 2)} ms`,
      "",
      null,
    ],
  ];
}

/** The row of `benchListAlternating`: CPU time per uncached PO list request decides. */
export async function alternatingListRow(
  quick: boolean,
): Promise<[string, string, string, boolean | null]> {
  const alt = await benchListAlternating({
    purchaseOrders: quick ? 2000 : 10_000,
    invoices: quick ? 1000 : 5_000,
    requests: quick ? 200 : 1000,
  });
  const cost = alt.encryptedCpu / alt.plainCpu - 1;
  return [
    "  PO list, read cache emptied, alternating requests (median), encrypted vs plain",
    `CPU ${fmt(alt.encryptedCpu, 2)} vs ${fmt(alt.plainCpu, 2)} ms: cost ${fmt(cost * 100, 1)}%; ` +
    `wall ${fmt(alt.encrypted, 2)} vs ${fmt(alt.plain, 2)} ms`,
    "<= 10% CPU",
    cost <= 0.10,
  ];
}

if (import.meta.main) {
  const quick = Deno.args.includes("--quick");
  const rows = encryptionRows(await benchEncryption({ quick }));
  rows.push(await alternatingListRow(quick));
  if (Deno.args.includes("--mixed")) {
    const m = await benchMixedAlternating({
      tenants: quick ? 30 : 200,
      requests: quick ? 400 : 3000,
    });
    const cost = m.encrypted.median / m.plain.median - 1;
    const meanCost = m.encrypted.mean / m.plain.mean - 1;
    rows.push([
      "mixed load (90% reads / 10% writes), encrypted vs plain, request by request",
      `CPU ${fmt(m.encrypted.median, 3)} vs ${
        fmt(m.plain.median, 3)
      } ms per request (median of ${m.requests}): cost ${fmt(cost * 100, 1)}%; mean ${
        fmt(m.encrypted.mean, 3)
      } vs ${fmt(m.plain.mean, 3)} ms: ${fmt(meanCost * 100, 1)}%`,
      "<= 10%",
      cost <= 0.10,
    ]);
  }
  for (const [name, value, target, ok] of rows) {
    console.log([name, value, target, ok === null ? "" : ok ? "met" : "MISSED"].join("  "));
  }
}
