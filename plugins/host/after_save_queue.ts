/**
 * @module plugins/host/after_save_queue
 * The write's side of plugins' `afterSave` reactions: on commit, one `plugin.after_save` job per
 * enabled plugin with an `afterSave` hook on the record type, all in one batch, carrying ids only.
 * The job's side, and why it is shaped so, is after_save.ts. Kept apart so that the runtime, which
 * Services builds, does not import the job's dependencies (rule effects, Services itself).
 */
import type { InStatement } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import { enqueueStatement } from "../../workers/queue.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { PLUGIN_API_VERSION, satisfies } from "../api/version.ts";
import type { Installation } from "./installations.ts";

export const PLUGIN_AFTER_SAVE_JOB = "plugin.after_save";

/** Attempts of a reaction a plugin may be told again (2.x); 1.x plugins get one. */
const RETRIED_ATTEMPTS = 5;

/** What a `plugin.after_save` job carries: ids only (why: after_save.ts). */
export interface AfterSavePayload {
  event_id: string;
  plugin: string;
  collection: string;
  action: "create" | "update";
  record_id: string;
  version: number;
  /** Set on a copy queued behind an earlier reaction: the job it continues. */
  deferred_from?: string;
}

/** Whether `plugin` was written for an API that tells an event again after a failure (2.x). */
export function retriesAfterSave(plugin: Pick<Installation, "manifest">): boolean {
  return satisfies(PLUGIN_API_VERSION, plugin.manifest.apiVersion);
}

/** The handlers of `plugin`'s afterSave hooks on `collection`, in manifest order. */
export function afterSaveHandlers(plugin: Installation, collection: string): string[] {
  return plugin.manifest.entryPoints.hooks
    .filter((h) => h.event === "afterSave" && h.collection === collection)
    .map((h) => h.handler);
}

/** The job inserts of one committed write: one per plugin with an afterSave hook on its type. */
export function afterSaveJobs(
  tenantId: string,
  plugins: readonly Installation[],
  event: { collection: string; action: "create" | "update"; record: RecordValues },
): InStatement[] {
  const listening = plugins.filter((p) => afterSaveHandlers(p, event.collection).length > 0);
  if (listening.length === 0) return [];
  const eventId = newId();
  return listening.map((plugin) => {
    const payload: AfterSavePayload = {
      event_id: eventId,
      plugin: plugin.name,
      collection: event.collection,
      action: event.action,
      record_id: String(event.record.id),
      version: Number(event.record.version ?? 0),
    };
    return enqueueStatement({
      kind: PLUGIN_AFTER_SAVE_JOB,
      tenantId,
      payload: { ...payload },
      maxAttempts: retriesAfterSave(plugin) ? RETRIED_ATTEMPTS : 1,
    }).statement;
  });
}
