/**
 * @module workers/handlers
 * Every kind of background job and the handler that runs it. Handlers are idempotent: running
 * one twice (after a crash) has the same effect as running it once.
 */
import { deliverQueuedMail } from "../mail/outbox.ts";
import type { Services } from "../services.ts";
import type { JobHandler, WorkerOptions } from "./runner.ts";

export const JOB_HANDLERS: Record<string, JobHandler> = {
  /** Sends queued e-mail through SMTP; each message carries its own lease in the outbox. */
  "mail.deliver": async ({ services }) => {
    await deliverQueuedMail(services);
  },
};

/** The worker setup used by the server process and by `deno task worker`. */
export function workerOptions(services: Services): WorkerOptions {
  return {
    handlers: JOB_HANDLERS,
    concurrency: services.config.WORKER_CONCURRENCY,
    leaseMs: services.config.JOB_LEASE_SECONDS * 1000,
    periodic: services.config.SMTP_URL
      ? [{ everyMs: 30_000, run: () => deliverQueuedMail(services) }]
      : [],
  };
}
