/**
 * @module workers/runner
 * A worker loop: claims due jobs, runs each with its handler (lending the job's tenant database
 * from the pool when the job names a tenant), completes or fails it, and runs periodic chores.
 * Handlers must be idempotent: a job whose worker dies mid-run is run again after its lease.
 *
 * Shaped by an outside test (issue 11), where two 5,000-page PDFs of one tenant held both slots
 * for nine minutes and seven Stripe webhooks waited behind them:
 * - Slots: `reservedSlots` of the worker's slots take only short jobs (every kind not listed in
 *   `longKinds`), so a webhook or a mail never waits for a document; the queue also caps how many
 *   long jobs one tenant runs at once and prefers the tenant with the fewest running jobs.
 * - Heartbeats: while a handler runs, its lease is extended every third of the lease. A lease
 *   that cannot be extended was lost (another worker has the job): the handler's signal aborts
 *   and this worker neither completes nor fails the job. Before a step that must not run twice
 *   (an outbound webhook's call, which may wait longer than a lease), a handler holds the lease
 *   for that step's whole time limit (`holdLease`), so a stalled heartbeat cannot hand the job to
 *   another worker mid-step; and a worker that claims a job it is still running (its own lease
 *   ran out) does not start it a second time.
 * - Time budget: a handler still running after `timeoutMs` is aborted (`JobTimeoutError` as the
 *   signal's reason) and the attempt fails. Handlers check `signal` between steps.
 * - Stop: `stop({ graceMs })` waits that long for running jobs, then gives the rest back to the
 *   queue without counting their attempt, so another worker takes them at once.
 */
import type { Client } from "../db/client.ts";
import { randomToken } from "../db/ids.ts";
import type { Logger } from "../http/log.ts";
import type { Services } from "../services.ts";
import { claimNextJob, completeJob, extendLease, failJob, type Job, releaseJob } from "./queue.ts";

export interface JobContext {
  job: Job;
  services: Services;
  control: Client;
  log: Logger;
  /** The job's tenant database (only when the job has a tenant). */
  tenantDb?: Client;
  /** Aborted when the job runs out of time, loses its lease or its worker stops. */
  signal: AbortSignal;
  /**
   * Extends the job's lease to at least `ms` from now (never shortens it), before a step that
   * must not run twice, such as a call that waits on another server; false when the lease was
   * lost (the signal is then aborted too). Absent when a test calls a handler directly.
   */
  holdLease?: (ms: number) => Promise<boolean>;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

/** The reason of a job's signal when it ran over its time budget. */
export class JobTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`The job ran longer than its ${seconds}-second limit and was stopped.`);
    this.name = "JobTimeoutError";
  }
}

/** The reason of a job's signal when its lease was lost or its worker gave it back. */
export class JobInterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobInterruptedError";
  }
}

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  concurrency?: number;
  /** Slots that only short jobs may take (added when `concurrency` leaves none for long ones). */
  reservedSlots?: number;
  /** Kinds that can run for minutes (documents); every other kind is short. */
  longKinds?: readonly string[];
  /** Most long jobs one tenant may run at once, across all workers. */
  tenantLongCap?: number;
  leaseMs?: number;
  /** Time budget of one attempt. */
  timeoutMs?: number;
  idleMs?: number;
  retryBaseMs?: number;
  periodic?: Array<{ everyMs: number; run: () => Promise<unknown> }>;
}

interface Running {
  job: Job;
  long: boolean;
  controller: AbortController;
  /** Set when the job was handed back or lost: the outcome of the handler no longer counts. */
  gone: boolean;
  done: Promise<void>;
}

/** How long a handler that was aborted may take to notice before its slot is freed anyway. */
const ABORT_GRACE_MS = 5_000;

export class Worker {
  readonly owner = `w-${randomToken(6)}`;
  #running = false;
  #active = new Map<string, Running>();
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

  /**
   * Stops claiming and waits for running jobs; with `graceMs`, at most that long, after which
   * the jobs still running are given back to the queue (their attempt not counted).
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    this.#running = false;
    this.#timers.forEach(clearInterval);
    this.#timers = [];
    this.notify();
    await this.#loop;
    const all = () => Promise.all([...this.#active.values()].map((r) => r.done));
    if (opts.graceMs === undefined) return void await all();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<"expired">((resolve) => {
      timer = setTimeout(() => resolve("expired"), opts.graceMs);
    });
    const outcome = await Promise.race([all(), expired]);
    clearTimeout(timer);
    if (outcome !== "expired") return;
    for (const run of this.#active.values()) {
      run.gone = true;
      const released = await releaseJob(this.services.control, run.job.id, this.owner)
        .catch(() => false);
      this.services.log.warn("job handed back to the queue at stop", {
        job_id: run.job.id,
        kind: run.job.kind,
        released,
      });
      run.controller.abort(new JobInterruptedError("The worker stopped; the job was requeued."));
    }
    await Promise.race([all(), new Promise((r) => setTimeout(r, ABORT_GRACE_MS))]);
  }

  /** Ids of the jobs running now (tests and the log). */
  runningJobs(): string[] {
    return [...this.#active.keys()];
  }

  #isLong(kind: string): boolean {
    return (this.options.longKinds ?? []).includes(kind);
  }

  async #run(): Promise<void> {
    const { control } = this.services;
    const reserved = Math.max(0, this.options.reservedSlots ?? 0);
    const longSlots = Math.max(1, (this.options.concurrency ?? 2) - reserved);
    const capacity = longSlots + reserved;
    while (this.#running) {
      const active = [...this.#active.values()];
      if (active.length >= capacity) {
        await Promise.race([...active.map((r) => r.done), this.#nap()]);
        continue;
      }
      const longRunning = active.filter((r) => r.long).length;
      let job: Job | null = null;
      try {
        job = await claimNextJob(control, {
          owner: this.owner,
          leaseMs: this.#leaseMs(),
          classes: {
            longKinds: this.options.longKinds ?? [],
            // A worker claims only what it can run: the webhook worker its deliveries, the
            // general worker everything else (and an older release no kind it does not know).
            kinds: Object.keys(this.options.handlers),
            shortOnly: longRunning >= longSlots,
            tenantLongCap: this.options.tenantLongCap,
          },
        });
      } catch (err) {
        this.services.log.error("claiming a job failed", { error: String(err) });
      }
      if (!job) {
        await this.#nap();
        continue;
      }
      // Its lease ran out under a stalled heartbeat and this loop claimed it again: the run
      // already going on holds the renewed lease; a second run would repeat its work.
      if (this.#active.has(job.id)) continue;
      this.#start(job);
    }
  }

  #leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  #nap(): Promise<void> {
    let wake: (() => void) | null = null;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.idleMs ?? 250);
      wake = () => (clearTimeout(timer), resolve());
      this.#wake = wake;
    }).finally(() => {
      if (this.#wake === wake) this.#wake = null; // a newer nap keeps its own
    });
  }

  #start(job: Job): void {
    const run: Running = {
      job,
      long: this.#isLong(job.kind),
      controller: new AbortController(),
      gone: false,
      done: Promise.resolve(),
    };
    run.done = this.#execute(run).finally(() => {
      this.#active.delete(job.id);
      this.notify();
    });
    this.#active.set(job.id, run);
  }

  /** Extends the lease every third of it; aborts the handler when the lease is lost. */
  #heartbeat(run: Running): () => void {
    const leaseMs = this.#leaseMs();
    const timer = setInterval(async () => {
      if (run.gone) return;
      const kept = await extendLease(this.services.control, run.job.id, this.owner, leaseMs)
        .catch((err) => {
          this.services.log.warn("lease heartbeat failed", {
            job_id: run.job.id,
            error: String(err),
          });
          return true; // a failed write is not a lost lease; the next beat tries again
        });
      if (!kept) this.#lost(run);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    return () => clearInterval(timer);
  }

  /** Lets go of a job whose lease another worker holds now: its handler is aborted. */
  #lost(run: Running): void {
    if (run.gone) return;
    run.gone = true;
    this.services.log.warn("job lease lost while running", {
      job_id: run.job.id,
      kind: run.job.kind,
    });
    run.controller.abort(new JobInterruptedError("Another worker took over the job."));
  }

  /** The handler's promise, or the time budget running out (then aborted, with a grace). */
  async #withBudget(run: Running, work: Promise<void>): Promise<void> {
    const ms = this.options.timeoutMs;
    if (!ms) return await work;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ms);
    });
    try {
      if ((await Promise.race([work, timeout])) !== "timeout") return;
    } finally {
      clearTimeout(timer);
    }
    const reason = new JobTimeoutError(Math.round(ms / 1000));
    run.controller.abort(reason);
    // A handler that notices the abort settles now; its outcome (a document marked with the
    // reason, say) stands. One that ignores it is left behind and the attempt fails.
    const settled = await Promise.race([
      work.then(() => "ok" as const, (err) => err),
      new Promise((r) => setTimeout(() => r("late"), ABORT_GRACE_MS)),
    ]);
    if (settled === "ok") return;
    if (settled === "late") {
      this.services.log.warn("job handler ignored its time limit", { job_id: run.job.id });
    }
    throw reason;
  }

  async #execute(run: Running): Promise<void> {
    const { job } = run;
    const { control, log, pool, registry, metrics } = this.services;
    const handler = this.options.handlers[job.kind];
    let lease: { db: Client; release(): void } | null = null;
    const stopBeats = this.#heartbeat(run);
    try {
      if (!handler) throw new Error(`No handler for jobs of kind "${job.kind}".`);
      if (job.tenantId) {
        const tenant = await registry.findById(job.tenantId);
        if (!tenant) throw new Error("The job's tenant no longer exists.");
        lease = await pool.acquire(tenant.id, tenant.dbUrl);
      }
      const work = handler({
        job,
        services: this.services,
        control,
        log,
        tenantDb: lease?.db,
        signal: run.controller.signal,
        holdLease: async (ms) => {
          if (run.gone) return false;
          if (await extendLease(control, job.id, this.owner, ms)) return true;
          this.#lost(run);
          return false;
        },
      });
      await this.#withBudget(run, work);
      stopBeats();
      if (run.gone) return;
      const done = await completeJob(control, job.id, this.owner);
      metrics.jobAttempts.inc({ kind: job.kind, outcome: done ? "done" : "lost" });
      if (!done) {
        log.warn("job finished after its lease was taken over", { job_id: job.id, kind: job.kind });
      }
    } catch (err) {
      stopBeats();
      if (run.gone) return; // handed back or taken over: the job is someone else's now
      const message = err instanceof Error ? err.message : String(err);
      const outcome = await failJob(control, job, this.owner, message, this.options.retryBaseMs);
      metrics.jobAttempts.inc({ kind: job.kind, outcome });
      log.warn("job failed", {
        job_id: job.id,
        kind: job.kind,
        attempt: job.attempts,
        outcome,
        error: message,
      });
    } finally {
      stopBeats();
      lease?.release();
    }
  }
}
