/**
 * @module bench/provisioning
 * Provisioning figures for N tenants, in process: time per signup, time to migrate every tenant
 * database from empty; then, in the real server in its own process, the first-request latency
 * of a cold tenant and resident memory with the pool full (extrapolated to 10,000 tenants).
 */
import { parseConfig } from "../config.ts";
import { closeServices, createServices } from "../services.ts";
import { hostFetch } from "../tests/helpers/http.ts";
import { startBenchServer } from "./api_throughput.ts";
import { signup } from "../tenants/provision.ts";
import { migrateAllTenants } from "../tenants/migrate_all.ts";
import { hashPassword } from "../auth/password.ts";
import { newId } from "../db/ids.ts";
import { percentile } from "./stats.ts";

export interface ProvisioningFigures {
  tenants: number;
  signupMsMean: number;
  signupMsP99: number;
  passwordHashMs: number;
  migrateAllFromEmptyMs: number;
  coldFirstRequestMsP50: number;
  coldFirstRequestMsP99: number;
  rssMiBPoolFull: number;
  rssMiBBaseline: number;
  rssMiBPerTenant: number;
  poolSize: number;
  rssMiBFor10kExtrapolated: number;
}

/** Runs the provisioning benchmark for `count` tenants. */
export async function benchProvisioning(count = 1000): Promise<ProvisioningFigures> {
  const dataDir = await Deno.makeTempDir({ prefix: "pm-prov-" });
  const config = parseConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    SEED_DEMO: "false",
    PASSWORD_SCRYPT_N: "1024",
    RATE_LIMIT_PER_IP: "100000000",
    RATE_LIMIT_PER_TENANT: "100000000",
  });
  const services = await createServices(config);
  let closed = false;
  try {
    // 1. Signups (password hashing at N=1024 here; the production cost is measured apart).
    const signupTimes: number[] = [];
    const slugs: string[] = [];
    for (let i = 0; i < count; i++) {
      const slug = `bench-${i}`;
      const t = performance.now();
      await signup(services, {
        company_name: `Bench ${i}`,
        slug,
        owner_name: "Bench",
        email: `owner${i}@bench.example`,
        password: "bench password 2026",
      });
      signupTimes.push(performance.now() - t);
      slugs.push(slug);
    }
    const h = performance.now();
    await hashPassword("bench password 2026", 32768);
    const passwordHashMs = performance.now() - h;

    // 2. Migrate `count` tenant databases that exist but are empty (a deploy with a new schema).
    const now = new Date().toISOString();
    const empties = Array.from({ length: count }, () => newId());
    for (const id of empties) await services.provider.create(id);
    await services.control.batch(
      empties.map((id, i) => ({
        sql: "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        args: [id, `empty-${i}`, `Empty ${i}`, now, now],
      })),
      "write",
    );
    const m = performance.now();
    await migrateAllTenants(services, { concurrency: 4 });
    const migrateAllFromEmptyMs = performance.now() - m;

    await closeServices(services);
    closed = true;

    // 3. and 4. in the real server, in its own process, with the default pool (256 open
    // databases): the first request of each cold tenant, and resident memory once the pool is
    // full. Memory that grows with the number of tenants served (beyond the bounded pool: host
    // cache, rate-limit buckets) is measured as the slope over the second half of the tenants,
    // once the pool has been filled twice over, and extrapolated to 10,000. The first turns of
    // the pool grow the allocator's arenas and then stop (800 tenants through a pool of 50 on
    // 2026-12-07: +14 MiB over the first 150, +4.5 MiB over the next 650), so a slope taken
    // from the moment the pool filled extrapolated that warm-up to 10,000 tenants.
    // The default pool is 256; a short run (--quick) uses a smaller one so that it still fills.
    const poolSize = Math.min(256, Math.floor(count / 4));
    const server = await startBenchServer(
      { DATA_DIR: dataDir, TENANT_POOL_SIZE: String(poolSize) },
      { keepDataDir: true },
    );
    try {
      const rss = async () => {
        Deno.kill(server.pid, "SIGUSR2"); // collect first (bench/server.ts)
        await new Promise((r) => setTimeout(r, 200)); // closed handles are freed in later tasks
        return residentMiB(server.pid);
      };
      const rssStart = await rss();
      const coldTimes: number[] = [];
      let rssHalf = 0;
      const slopeFrom = Math.max(poolSize * 2, Math.floor(count / 2));
      for (const [i, slug] of slugs.entries()) {
        const t = performance.now();
        const res = await hostFetch(server.port, `${slug}.localhost`, "/api/v1/me");
        await res.body?.cancel();
        // The process's first request also compiles the server's code (~40 ms): the figure is a
        // cold tenant's first request to a process that has served before, as in production.
        if (i > 0) coldTimes.push(performance.now() - t);
        if (res.status !== 401) throw new Error(`unexpected status ${res.status}`);
        if (i === slopeFrom) rssHalf = await rss();
      }
      const rssFull = await rss();
      const perTenant = Math.max(0, (rssFull - rssHalf) / (count - 1 - slopeFrom));
      return {
        tenants: count,
        signupMsMean: signupTimes.reduce((a, b) => a + b, 0) / count,
        signupMsP99: percentile(signupTimes, 99),
        passwordHashMs,
        migrateAllFromEmptyMs,
        coldFirstRequestMsP50: percentile(coldTimes, 50),
        coldFirstRequestMsP99: percentile(coldTimes, 99),
        rssMiBBaseline: rssStart,
        rssMiBPoolFull: rssFull,
        rssMiBPerTenant: perTenant,
        rssMiBFor10kExtrapolated: rssFull + perTenant * (10_000 - count),
        poolSize,
      };
    } finally {
      await server.stop();
    }
  } finally {
    if (!closed) await closeServices(services);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

/** Resident memory of a process in MiB, from /proc. */
function residentMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
