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

async function shutdown() {
  // Bounded: jobs still running after the grace go back to the queue for another worker.
  await worker.stop({ graceMs: config.WORKER_STOP_GRACE_SECONDS * 1000 });
  await closeServices(services);
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
