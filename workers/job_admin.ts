/**
 * @module workers/job_admin
 * What the jobs pages need beyond the queue itself: one job, counts by tenant and status, and a
 * retry that an owner may only apply to a job of their own tenant. Reads go across tenants only
 * in `jobCounts` and `listJobs` without a tenant, which only the operator page calls.
 */
import type { Client } from "../db/client.ts";
import { type Job, type JobStatus, listJobs, retryDeadJob, toJob } from "./queue.ts";

/** How a job is shown: a queued job that already failed once is "retrying". */
export type JobState = JobStatus | "retrying";

export const JOB_STATES: readonly JobState[] = ["queued", "retrying", "running", "dead", "done"];

export interface JobRow extends Job {
  updatedAt: string;
  state: JobState;
}

/** The state shown for a job. */
export function stateOf(job: Pick<Job, "status" | "lastError">): JobState {
  return job.status === "queued" && job.lastError ? "retrying" : job.status;
}

/** Jobs newest first, filtered by tenant and shown state. */
export async function findJobs(
  control: Client,
  filter: { tenantId?: string; state?: JobState; limit?: number } = {},
): Promise<JobRow[]> {
  const status: JobStatus | undefined = filter.state === "retrying" ? "queued" : filter.state;
  const limit = filter.limit ?? 100;
  const rows = await listJobs(control, {
    tenantId: filter.tenantId,
    status,
    limit: filter.state === "queued" || filter.state === "retrying" ? 500 : limit,
  });
  return rows.map((job) => ({ ...job, state: stateOf(job) }))
    .filter((job) => !filter.state || job.state === filter.state)
    .slice(0, limit);
}

/** One job by id, or null. */
export async function getJob(control: Client, id: string): Promise<JobRow | null> {
  const rs = await control.execute({ sql: "SELECT * FROM jobs WHERE id = ?", args: [id] });
  const r = rs.rows[0];
  if (!r) return null;
  const job = toJob(r);

  return { ...job, updatedAt: String(r.updated_at), state: stateOf(job) };
}

export interface JobCount {
  tenantId: string | null;
  state: JobState;
  count: number;
}

/** Number of jobs by tenant and shown state (done jobs of the last day only). */
export async function jobCounts(control: Client, tenantId?: string): Promise<JobCount[]> {
  const since = new Date(Date.now() - 86_400_000).toISOString();
  const rs = await control.execute({
    sql: `SELECT tenant_id,
            CASE WHEN status = 'queued' AND last_error IS NOT NULL THEN 'retrying' ELSE status END
              AS state,
            COUNT(*) AS n
          FROM jobs
          WHERE (status <> 'done' OR updated_at >= ?) ${tenantId ? "AND tenant_id = ?" : ""}
          GROUP BY tenant_id, state ORDER BY tenant_id, state`,
    args: tenantId ? [since, tenantId] : [since],
  });
  return rs.rows.map((r) => ({
    tenantId: r.tenant_id === null ? null : String(r.tenant_id),
    state: String(r.state) as JobState,
    count: Number(r.n),
  }));
}

/**
 * Retries a dead job; with `tenantId`, only a job of that tenant (an owner's retry). Returns
 * false when there is no such dead job.
 */
export async function retryJob(control: Client, id: string, tenantId?: string): Promise<boolean> {
  if (tenantId !== undefined) {
    const job = await getJob(control, id);
    if (!job || job.tenantId !== tenantId) return false;
  }
  return await retryDeadJob(control, id);
}

/** One part of a job's payload as the tables show it: `field` is the payload's key without `_id`. */
export interface JobSummaryPart {
  field: string;
  value: string;
}

/**
 * A short description of a job's payload for the tables (ids and names, never secrets), as parts
 * so that the table names each field in its reader's language (components/JobsTable.tsx).
 */
export function jobSummary(job: Pick<Job, "payload">): JobSummaryPart[] {
  return Object.entries(job.payload)
    .filter(([k, v]) => /(_id|name)$/.test(k) && (typeof v === "string" || typeof v === "number"))
    .map(([k, v]) => ({ field: k.replace(/_id$/, ""), value: String(v).slice(0, 40) }));
}
