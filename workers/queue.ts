/**
 * @module workers/queue
 * The durable job queue in the control database. A worker claims a due job with a lease (one
 * UPDATE ... RETURNING, so two workers never get the same job); a job whose worker died is claimed
 * again once its lease expires. Failures retry with exponential backoff and jitter, and after
 * `max_attempts` the job is dead, with its last error, until an operator retries it. Completing or
 * failing a job requires still holding its lease, so a worker that lost it cannot finish it twice.
 *
 * Fair claiming (issue 11: two 5,000-page PDFs of one tenant held both slots for nine minutes
 * while seven Stripe webhooks waited): jobs come in two classes. Short kinds (webhooks, mail) are
 * claimed before any long kind (documents), a worker keeps a slot that only short kinds may use,
 * and one tenant's long jobs may hold only a few running leases at once across all workers. Among
 * equals, the tenant with the fewest running jobs goes first.
 */
import type { Client, InStatement } from "../db/client.ts";
import type { InValue } from "@libsql/client";
import { newId } from "../db/ids.ts";

export type JobStatus = "queued" | "running" | "done" | "dead";

export interface Job {
  id: string;
  kind: string;
  tenantId: string | null;
  payload: Record<string, unknown>;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
}

/** A job from its row in the control database. */
export function toJob(r: Record<string, unknown>): Job {
  return {
    id: String(r.id),
    kind: String(r.kind),
    tenantId: r.tenant_id === null ? null : String(r.tenant_id),
    payload: JSON.parse(String(r.payload)),
    status: String(r.status) as JobStatus,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runAt: String(r.run_at),
    lastError: r.last_error === null ? null : String(r.last_error),
  };
}

export interface NewJob {
  /** A chosen id (when the caller must name the job in the same batch); a new ULID otherwise. */
  id?: string;
  kind: string;
  tenantId?: string | null;
  payload?: Record<string, unknown>;
  runAt?: Date;
  maxAttempts?: number;
}

/**
 * The INSERT that enqueues a job, for callers that must enqueue in the same batch as their own
 * writes (a webhook stores its event and its job together). With `onlyIf`, the job is inserted
 * only when that SQL condition holds at that point of the batch.
 */
export function enqueueStatement(
  job: NewJob,
  onlyIf?: { sql: string; args: InValue[] },
): { id: string; statement: InStatement } {
  const id = job.id ?? newId();
  const now = new Date().toISOString();
  return {
    id,
    statement: {
      sql: `INSERT INTO jobs (id, kind, tenant_id, payload, status, attempts, max_attempts, run_at,
            created_at, updated_at) SELECT ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?
            ${onlyIf ? `WHERE ${onlyIf.sql}` : ""}`,
      args: [
        id,
        job.kind,
        job.tenantId ?? null,
        JSON.stringify(job.payload ?? {}),
        job.maxAttempts ?? 5,
        (job.runAt ?? new Date()).toISOString(),
        now,
        now,
        ...(onlyIf?.args ?? []),
      ],
    },
  };
}

/** Adds a job; it runs at `runAt` (now by default). Returns its id. */
export async function enqueue(control: Client, job: NewJob): Promise<string> {
  const { id, statement } = enqueueStatement(job);
  await control.execute(statement);
  return id;
}

/** Due now (?1): queued and its time has come, or running with an expired lease. */
const due = (t = "") =>
  `((${t}status = 'queued' AND ${t}run_at <= ?1) OR (${t}status = 'running' AND ${t}lease_until < ?1))`;
const DUE = due();

/**
 * Which jobs a claim may take. Long kinds (documents) are the ones that can run for minutes: they
 * come after every due short job (webhooks, mail), and one tenant's long jobs may hold at most
 * `tenantLongCap` running leases across all workers, so a tenant with a pile of 5,000-page PDFs
 * cannot take every slot. `shortOnly` is a worker's reserved slot asking.
 */
export interface ClaimClasses {
  longKinds: readonly string[];
  /** Only jobs of these kinds (the ones the worker has handlers for); any kind when absent. */
  kinds?: readonly string[];
  shortOnly?: boolean;
  tenantLongCap?: number;
}

/**
 * The next due job's id, fairest first: short kinds before long ones, then the tenant with the
 * fewest running jobs, then the oldest. A long job whose tenant is at its cap is passed over.
 */
function candidateSql(classes: ClaimClasses | undefined, firstArg: number) {
  const kinds = classes?.longKinds ?? [];
  const list = kinds.map((_, i) => `?${firstArg + i}`).join(", ");
  const isLong = `j.kind IN (${list})`;
  const running = (extra: string) =>
    `(SELECT COUNT(*) FROM jobs r WHERE r.tenant_id = j.tenant_id AND r.status = 'running'
       AND r.lease_until >= ?1 ${extra})`;
  const where = [due("j.")];
  const args: string[] = [...kinds];
  if (classes?.kinds) {
    const own = classes.kinds.map((_, i) => `?${firstArg + kinds.length + i}`).join(", ");
    where.push(`j.kind IN (${own || "NULL"})`);
    args.push(...classes.kinds);
  }
  if (classes?.shortOnly) where.push(`NOT ${isLong}`);
  if (kinds.length && classes?.tenantLongCap !== undefined) {
    where.push(`(NOT ${isLong} OR j.tenant_id IS NULL OR
      ${running(`AND r.kind IN (${list})`)} < ${Math.max(1, Math.floor(classes.tenantLongCap))})`);
  }
  return {
    sql: `SELECT j.id FROM jobs j WHERE ${where.join(" AND ")}
          ORDER BY ${isLong}, ${running("")}, j.run_at, j.id LIMIT 1`,
    args,
  };
}

/** Claims one due job (or one whose lease expired) for `owner`, counting the attempt. */
export async function claimNextJob(
  control: Client,
  opts: { owner: string; leaseMs: number; now?: Date; classes?: ClaimClasses },
): Promise<Job | null> {
  const now = opts.now ?? new Date();
  const iso = now.toISOString();
  const candidate = candidateSql(opts.classes, 4);
  const rs = await control.execute({
    sql: `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?2,
            lease_until = ?3, updated_at = ?1
          WHERE id = (${candidate.sql}) AND ${DUE}
          RETURNING *`,
    args: [
      iso,
      opts.owner,
      new Date(now.getTime() + opts.leaseMs).toISOString(),
      ...candidate.args,
    ],
  });
  const row = rs.rows[0];
  if (!row) return null;
  const job = toJob(row);
  // A job whose workers keep dying (killed mid-run every time) must not loop forever.
  if (job.attempts > job.maxAttempts) {
    await markDead(
      control,
      job.id,
      opts.owner,
      job.lastError ?? "The worker stopped while running it.",
    );
    return claimNextJob(control, opts);
  }
  return job;
}

async function markDead(control: Client, id: string, owner: string, error: string) {
  await control.execute({
    sql: `UPDATE jobs SET status = 'dead', last_error = ?, lease_until = NULL, updated_at = ?
          WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    args: [error.slice(0, 2000), new Date().toISOString(), id, owner],
  });
}

/** Marks a job done; false when the lease was lost (another worker owns the job now). */
export async function completeJob(control: Client, id: string, owner: string): Promise<boolean> {
  const rs = await control.execute({
    sql: `UPDATE jobs SET status = 'done', lease_until = NULL, last_error = NULL, updated_at = ?
          WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    args: [new Date().toISOString(), id, owner],
  });
  return rs.rowsAffected === 1;
}

/** Delay before retry `attempt` (1-based): 2^attempt seconds from `baseMs`, jittered, capped. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 3_600_000): number {
  const raw = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(raw * (0.75 + Math.random() * 0.5));
}

/** Records a failure: queued again with backoff, or dead after its last attempt. */
export async function failJob(
  control: Client,
  job: Job,
  owner: string,
  error: string,
  baseMs = 1000,
): Promise<"retry" | "dead" | "lost"> {
  if (job.attempts >= job.maxAttempts) {
    await markDead(control, job.id, owner, error);
    return "dead";
  }
  const rs = await control.execute({
    sql: `UPDATE jobs SET status = 'queued', run_at = ?, last_error = ?, lease_until = NULL,
          updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    args: [
      new Date(Date.now() + backoffMs(job.attempts, baseMs)).toISOString(),
      error.slice(0, 2000),
      new Date().toISOString(),
      job.id,
      owner,
    ],
  });
  return rs.rowsAffected === 1 ? "retry" : "lost";
}

/**
 * Extends a running job's lease to at least `leaseMs` from now (the runner's heartbeat, or a
 * handler holding it for a step's whole time limit); never shortens it. False when the lease is
 * no longer this owner's: another worker took the job, and this one must let it go.
 */
export async function extendLease(control: Client, id: string, owner: string, leaseMs: number) {
  const rs = await control.execute({
    sql: `UPDATE jobs SET lease_until = MAX(COALESCE(lease_until, ''), ?)
          WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    args: [new Date(Date.now() + leaseMs).toISOString(), id, owner],
  });
  return rs.rowsAffected === 1;
}

/**
 * Gives a running job back to the queue, due now, without counting its attempt: a worker that is
 * stopping hands over what it could not finish in time. False when the lease was already lost.
 */
export async function releaseJob(control: Client, id: string, owner: string): Promise<boolean> {
  const now = new Date().toISOString();
  const rs = await control.execute({
    sql: `UPDATE jobs SET status = 'queued', attempts = MAX(0, attempts - 1), run_at = ?,
            lease_owner = NULL, lease_until = NULL, updated_at = ?
          WHERE id = ? AND lease_owner = ? AND status = 'running'`,
    args: [now, now, id, owner],
  });
  return rs.rowsAffected === 1;
}

/** Puts a dead job back in the queue with a fresh set of attempts (an operator's retry). */
export async function retryDeadJob(control: Client, id: string): Promise<boolean> {
  const now = new Date().toISOString();
  const rs = await control.execute({
    sql: `UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, updated_at = ?
          WHERE id = ? AND status = 'dead'`,
    args: [now, now, id],
  });
  return rs.rowsAffected === 1;
}

/** Jobs for the operator page, newest first, optionally by tenant and status. */
export async function listJobs(
  control: Client,
  filter: { tenantId?: string; status?: JobStatus; limit?: number } = {},
): Promise<Array<Job & { updatedAt: string }>> {
  const where: string[] = [];
  const args: string[] = [];
  if (filter.tenantId) (where.push("tenant_id = ?"), args.push(filter.tenantId));
  if (filter.status) (where.push("status = ?"), args.push(filter.status));
  const rs = await control.execute({
    sql: `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
          ORDER BY updated_at DESC LIMIT ${Math.min(filter.limit ?? 100, 500)}`,
    args,
  });
  return rs.rows.map((r) => ({ ...toJob(r), updatedAt: String(r.updated_at) }));
}
