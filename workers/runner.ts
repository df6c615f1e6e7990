/**
 * @module workers/runner
 * A worker loop: claims due jobs, runs each with its handler (lending the job's tenant database
 * from the pool when the job names a tenant), completes or fails it, and runs periodic chores.
 * Handlers must be idempotent: a job whose worker dies mid-run is run again after its lease.
 */
import type { Client } from "../db/client.ts";
import { randomToken } from "../db/ids.ts";
import type { Logger } from "../http/log.ts";
import type { Services } from "../services.ts";
import { claimNextJob, completeJob, failJob, type Job } from "./queue.ts";

export interface JobContext {
  job: Job;
  services: Services;
  control: Client;
  log: Logger;
  /** The job's tenant database (only when the job has a tenant). */
  tenantDb?: Client;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  concurrency?: number;
  leaseMs?: number;
  idleMs?: number;
  retryBaseMs?: number;
  periodic?: Array<{ everyMs: number; run: () => Promise<unknown> }>;
}

export class Worker {
  readonly owner = `w-${randomToken(6)}`;
  #running = false;
  #active = new Set<Promise<void>>();
  #wake: (() => void) | null = null;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  #loop: Promise<void> | null = null;

  constructor(readonly services: Services, readonly options: WorkerOptions) {}

  /** Starts claiming jobs. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const p of this.options.periodic ?? []) {
      this.#timers.push(setInterval(() => {
        p.run().catch((err) =>
          this.services.log.error("periodic job failed", { error: String(err) })
        );
      }, p.everyMs));
    }
    this.#loop = this.#run();
  }

  /** Wakes an idle worker at once (after an enqueue in the same process). */
  notify(): void {
    this.#wake?.();
  }

  /** Stops claiming, waits for running jobs to finish. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#timers.forEach(clearInterval);
    this.#timers = [];
    this.notify();
    await this.#loop;
    await Promise.all(this.#active);
  }

  async #run(): Promise<void> {
    const { control } = this.services;
    const concurrency = this.options.concurrency ?? 2;
    while (this.#running) {
      if (this.#active.size >= concurrency) {
        await Promise.race(this.#active);
        continue;
      }
      let job: Job | null = null;
      try {
        job = await claimNextJob(control, {
          owner: this.owner,
          leaseMs: this.options.leaseMs ?? 60_000,
        });
      } catch (err) {
        this.services.log.error("claiming a job failed", { error: String(err) });
      }
      if (!job) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.idleMs ?? 250);
          this.#wake = () => (clearTimeout(timer), resolve());
        });
        this.#wake = null;
        continue;
      }
      const task = this.#execute(job).finally(() => this.#active.delete(task));
      this.#active.add(task);
    }
  }

  async #execute(job: Job): Promise<void> {
    const { control, log, pool, registry } = this.services;
    const handler = this.options.handlers[job.kind];
    let lease: { db: Client; release(): void } | null = null;
    try {
      if (!handler) throw new Error(`No handler for jobs of kind "${job.kind}".`);
      if (job.tenantId) {
        const tenant = await registry.findById(job.tenantId);
        if (!tenant) throw new Error("The job's tenant no longer exists.");
        lease = await pool.acquire(tenant.id, tenant.dbUrl);
      }
      await handler({ job, services: this.services, control, log, tenantDb: lease?.db });
      if (!(await completeJob(control, job.id, this.owner))) {
        log.warn("job finished after its lease was taken over", { job_id: job.id, kind: job.kind });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outcome = await failJob(control, job, this.owner, message, this.options.retryBaseMs);
      log.warn("job failed", {
        job_id: job.id,
        kind: job.kind,
        attempt: job.attempts,
        outcome,
        error: message,
      });
    } finally {
      lease?.release();
    }
  }
}
