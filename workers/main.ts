/**
 * @module workers/main
 * `deno task worker`: runs background jobs in a process of its own (the `worker` process group on
 * Fly), sharing the control database and tenant databases with the web process.
 */
import { holdAppLock } from "../db/data_dir_lock.ts";
import { loadConfig, workerCount } from "../config.ts";
import { assertDeployable } from "../ops/doctor.ts";
import { closeServices, createServices } from "../services.ts";
import { Worker } from "./runner.ts";
import { workerOptions } from "./handlers.ts";
import { webhookWorkerOptions } from "../integrations/webhooks/worker.ts";
import { watchCommits } from "../commit_watchers.ts";
import { healthRoutes } from "../routes/health.ts";
import { serveMetricsPort } from "../routes/metrics.ts";
import { startBackgroundCheckpoints, stopBackgroundCheckpoints } from "../db/checkpointer.ts";

const config = loadConfig();
const count = workerCount(config, "worker");
if (count === 0) {
  console.error(
    "WORKERS=0: a worker process with no workers has nothing to do. Unset it or raise it.",
  );
  Deno.exit(1);
}
// Several machines must share their state; refuse a setup where they would not (ops/doctor.ts).
assertDeployable(config);
// Held while this process lives: `deno task restore` refuses to run under it (db/data_dir_lock.ts).
const appLock = await holdAppLock(config.DATA_DIR);
// WAL checkpoints on a thread of their own, not inside a job's commit (db/checkpointer.ts).
startBackgroundCheckpoints();
const services = await createServices(config);
// What this process commits (documents read) tells members and raises webhooks (commit_watchers.ts).
watchCommits(services);
// Periodic chores run on the first worker only.
const workers = Array.from({ length: count }, (_, i) => {
  const options = workerOptions(services);
  return new Worker(services, i === 0 ? options : { ...options, periodic: [] });
});
// Outbound webhooks wait on other servers: a worker of their own (integrations/webhooks/).
workers.push(new Worker(services, webhookWorkerOptions(services)));
for (const worker of workers) {
  worker.start();
  services.log.info("worker started", {
    owner: worker.owner,
    concurrency: config.WORKER_CONCURRENCY,
  });
}

// Fly's machine checks for the worker group (fly.toml): /healthz while the process lives, /readyz
// while it reaches the control database (the job queue). Nothing else answers on that port.
const healthApp = healthRoutes(services);
const health = config.WORKER_HEALTH_PORT
  ? Deno.serve(
    { port: config.WORKER_HEALTH_PORT, hostname: config.HOST, onListen() {} },
    (req) => healthApp.fetch(req),
  )
  : null;

// The worker's own metrics (job attempts, documents read, AI tokens) for Fly's scraping.
const metricsServer = serveMetricsPort(services);

async function shutdown() {
  // Bounded: jobs still running after the grace go back to the queue for another worker.
  const graceMs = config.WORKER_STOP_GRACE_SECONDS * 1000;
  await Promise.all(workers.map((w) => w.stop({ graceMs })));
  await health?.shutdown();
  await metricsServer?.shutdown();
  await closeServices(services);
  await stopBackgroundCheckpoints();
  appLock.close();
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
