/**
 * @module main
 * Starts ProjectMeats: reads the configuration, opens the control database, creates the demo
 * tenant on first start, serves HTTP and runs the background workers in this process.
 */
import { holdAppLock } from "./db/data_dir_lock.ts";
import { loadConfig, workerCount } from "./config.ts";
import { assertDeployable } from "./ops/doctor.ts";
import { closeServices, createServices } from "./services.ts";
import { createApp } from "./app.ts";
import { ensureDemoTenant } from "./tenants/demo.ts";
import { Worker } from "./workers/runner.ts";
import { workerOptions } from "./workers/handlers.ts";
import { webhookWorkerOptions } from "./integrations/webhooks/worker.ts";
import { serveMetricsPort } from "./routes/metrics.ts";
import { TALLY_FLUSH_EVERY_MS } from "./ops/request_tally.ts";
import { startBackgroundCheckpoints, stopBackgroundCheckpoints } from "./db/checkpointer.ts";

const config = loadConfig();
// Several machines must share their state; refuse a setup where they would not (ops/doctor.ts).
assertDeployable(config);
// Held while this process lives: `deno task restore` refuses to run under it (db/data_dir_lock.ts).
const appLock = await holdAppLock(config.DATA_DIR);
// WAL checkpoints on a thread of their own, not inside a request's commit (db/checkpointer.ts).
startBackgroundCheckpoints();
const services = await createServices(config);
const app = createApp(services);

if (config.SEED_DEMO) {
  // Printed on every start while the demo workspace exists, not only on the first one.
  const demo = await ensureDemoTenant(services);
  const port = config.PORT === 80 ? "" : `:${config.PORT}`;
  console.log(
    `\nDemo workspace ${
      demo.created ? "ready" : "here"
    }: http://demo.${config.APP_DOMAIN}${port}\n` +
      `  sign in as ${demo.email} with password ${demo.password}` +
      `${demo.created ? "" : " (unless you changed it)"}\n`,
  );
}

const server = Deno.serve({
  port: config.PORT,
  hostname: config.HOST,
  onListen({ port }) {
    services.log.info("listening", { port, app_domain: config.APP_DOMAIN });
    console.log(`ProjectMeats on http://${config.APP_DOMAIN}:${port}`);
  },
}, (req, info) => app.fetch(req, info));

// GET /metrics without a token on a port of its own, for Fly's scraping (docs/operations/metrics.md).
const metricsServer = serveMetricsPort(services);

// Background jobs run in this process unless worker machines do them (WORKERS=0 or
// RUN_WORKERS=false; fly.toml). Periodic chores run on the first worker only.
const workers = Array.from({ length: workerCount(config, "web") }, (_, i) => {
  const options = workerOptions(services);
  return new Worker(services, i === 0 ? options : { ...options, periodic: [] });
});
// Outbound webhooks wait on other servers: a worker of their own wherever jobs run.
if (workers.length) workers.push(new Worker(services, webhookWorkerOptions(services)));
workers.forEach((w) => w.start());

// Requests per workspace for the alert rules, written where every machine's evaluator reads them.
const tallyTimer = setInterval(() => {
  services.metrics.tally.flush(services.control, services.clock.now())
    .catch((err) => services.log.error("request tally not written", { error: String(err) }));
}, TALLY_FLUSH_EVERY_MS);

async function shutdown() {
  await server.shutdown();
  clearInterval(tallyTimer);
  await metricsServer?.shutdown();
  const graceMs = config.WORKER_STOP_GRACE_SECONDS * 1000;
  await Promise.all(workers.map((w) => w.stop({ graceMs })));
  await closeServices(services);
  await stopBackgroundCheckpoints();
  appLock.close();
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
