/**
 * @module db/migrate_cli
 * `deno task migrate`: migrates the control database and every tenant database, with a progress
 * bar. Ctrl-C stops after the tenants in flight; running it again resumes.
 */
import { loadConfig } from "../config.ts";
import { closeServices, createServices } from "../services.ts";
import { migrateAllTenants } from "../tenants/migrate_all.ts";

const config = loadConfig();
const services = await createServices({ ...config, LOG_LEVEL: "warn" });
const abort = new AbortController();
Deno.addSignalListener("SIGINT", () => {
  console.error("\nStopping after the tenants in progress; run again to resume.");
  abort.abort();
});

const encoder = new TextEncoder();
const started = performance.now();
const result = await migrateAllTenants(services, {
  signal: abort.signal,
  onProgress: (p) => {
    const width = 30;
    const filled = p.total ? Math.round((p.done / p.total) * width) : width;
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    Deno.stderr.writeSync(encoder.encode(`\r[${bar}] ${p.done}/${p.total} tenants`));
  },
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.error(
  `\nChecked ${result.done} of ${result.total} tenants in ${seconds}s; migrated ${result.migrated}; failed ${result.failed.length}.`,
);
for (const f of result.failed) console.error(`  ${f.slug} (${f.tenantId}): ${f.error}`);
await closeServices(services);
Deno.exit(result.failed.length > 0 || abort.signal.aborted ? 1 : 0);
