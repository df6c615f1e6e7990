/**
 * @module workers/main
 * `deno task worker`: runs background jobs in a process of its own (the `worker` process group on
 * Fly), sharing the control database and tenant databases with the web process.
 */
import { loadConfig } from "../config.ts";
import { assertDeployable } from "../ops/doctor.ts";
import { closeServices, createServices } from "../services.ts";
import { Worker } from "./runner.ts";
import { workerOptions } from "./handlers.ts";
import { healthRoutes } from "../routes/health.ts";

const config = loadConfig();
// Several machines must share their state; refuse a setup where they would not (ops/doctor.ts).
assertDeployable(config);
const services = await createServices(config);
const worker = new Worker(services, workerOptions(services));
worker.start();
services.log.info("worker started", {
  owner: worker.owner,
  concurrency: config.WORKER_CONCURRENCY,
});

// Fly's machine checks for the worker group (fly.toml): /healthz while the process lives, /readyz
// while it reaches the control database (the job queue). Nothing else answers on that port.
const healthApp = healthRoutes(services);
const health = config.WORKER_HEALTH_PORT
  ? Deno.serve(
    { port: config.WORKER_HEALTH_PORT, hostname: config.HOST, onListen() {} },
    (req) => healthApp.fetch(req),
  )
  : null;

async function shutdown() {
  // Bounded: jobs still running after the grace go back to the queue for another worker.
  await worker.stop({ graceMs: config.WORKER_STOP_GRACE_SECONDS * 1000 });
  await health?.shutdown();
  await closeServices(services);
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
