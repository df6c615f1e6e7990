/**
 * @module integrations/webhooks/worker
 * The worker that delivers outbound webhooks. Its own worker, beside the general one, because a
 * delivery mostly waits on someone else's server (up to WEBHOOK_TIMEOUT_SECONDS): with
 * WEBHOOK_CONCURRENCY calls in flight a slow receiver delays neither mail nor documents, and
 * those never hold up deliveries. Each worker claims only the kinds it has handlers for.
 */
import type { Services } from "../../services.ts";
import type { WorkerOptions } from "../../workers/runner.ts";
import { deliverWebhookJob } from "./deliver.ts";
import { WEBHOOK_DELIVER_JOB } from "./emit.ts";

export function webhookWorkerOptions(services: Services): WorkerOptions {
  const { config } = services;
  return {
    handlers: { [WEBHOOK_DELIVER_JOB]: deliverWebhookJob },
    concurrency: config.WEBHOOK_CONCURRENCY,
    longKinds: [],
    // Short, so that a dead worker's jobs are taken over soon; while a call waits on its
    // receiver, deliver.ts holds the lease for the call's whole time limit (no repeat from a
    // late heartbeat).
    leaseMs: config.JOB_LEASE_SECONDS * 1000,
    // The call's own time limit, and time to write its outcome.
    timeoutMs: (config.WEBHOOK_TIMEOUT_SECONDS + 30) * 1000,
    periodic: [],
  };
}
