/**
 * @module bench/provisioning
 * Provisioning figures for N tenants, in process: time per signup, time to migrate every tenant
 * database from empty, the first-request latency of a cold tenant, and resident memory with the
 * pool full (extrapolated to 10,000 tenants).
 */
import { parseConfig } from "../config.ts";
import { closeServices, createServices } from "../services.ts";
import { createApp } from "../app.ts";
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
    TENANT_POOL_SIZE: String(count + 10),
    RATE_LIMIT_PER_IP: "100000000",
    RATE_LIMIT_PER_TENANT: "100000000",
  });
  const services = await createServices(config);
  const app = createApp(services);
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

    // 3. Cold first request, then 4. memory with every signed-up tenant open in the pool.
    await services.pool.closeAll();
    const rssBaseline = Deno.memoryUsage().rss;
    const coldTimes: number[] = [];
    for (const slug of slugs) {
      const t = performance.now();
      const res = await app.fetch(
        new Request("http://localhost/api/v1/me", { headers: { host: `${slug}.localhost` } }),
      );
      await res.body?.cancel();
      coldTimes.push(performance.now() - t);
      if (res.status !== 401) throw new Error(`unexpected status ${res.status}`);
    }
    const rssFull = Deno.memoryUsage().rss;
    const perTenant = (rssFull - rssBaseline) / count;
    return {
      tenants: count,
      signupMsMean: signupTimes.reduce((a, b) => a + b, 0) / count,
      signupMsP99: percentile(signupTimes, 99),
      passwordHashMs,
      migrateAllFromEmptyMs,
      coldFirstRequestMsP50: percentile(coldTimes, 50),
      coldFirstRequestMsP99: percentile(coldTimes, 99),
      rssMiBBaseline: rssBaseline / 2 ** 20,
      rssMiBPoolFull: rssFull / 2 ** 20,
      rssMiBFor10kExtrapolated: (rssBaseline + perTenant * 10_000) / 2 ** 20,
    };
  } finally {
    await closeServices(services);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}
