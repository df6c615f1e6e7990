/**
 * @module data_rights/jobs
 * The background work of data rights: the `workspace.export` job kind, and the periodic chores
 * (expired exports, purges after the grace) the worker runs.
 */
import type { JobContext } from "../workers/runner.ts";
import { runExportJob } from "./exports.ts";
import { mailFinalExport } from "./deletion.ts";

export { EXPORT_JOB } from "./exports.ts";
export { runDataRightsChores } from "./purge.ts";

/** How often the worker looks for expired exports and workspaces to purge. */
export const CHORES_EVERY_MS = 15 * 60_000;

/** Writes the archive of `payload.export_id`; a final export's link is then mailed to the owner. */
export async function workspaceExportJob({ services, job, signal }: JobContext): Promise<void> {
  const exp = await runExportJob(services, String(job.payload.export_id ?? ""), signal);
  if (exp?.status === "ready" && exp.reason === "final") await mailFinalExport(services, exp);
}
