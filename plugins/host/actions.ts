/**
 * @module plugins/host/actions
 * Entry points a person starts: an action on selected records (a button on a record page or list)
 * and a dashboard card's data. Each runs in the plugin's sandbox with the request's record context,
 * so what the plugin writes is the acting member's change in the record's history, and the host
 * still checks the plugin's approved permissions on every call, and the member's own: a record
 * read or write the member's role (or token) may not make is refused, and the action then fails
 * with 403 even if the plugin caught the error.
 */
import { z } from "zod";
import { ForbiddenError, InvalidError, NotFoundError } from "../../domain/errors.ts";
import type { RecordContext } from "../../domain/records/context.ts";
import type { PluginActor } from "./host_api.ts";
import type { Installation } from "./installations.ts";
import type { PluginRuntime } from "./runtime.ts";
import type { SandboxLimits } from "./sandbox.ts";

/** An action may read a few thousand records and hand back a file. */
export const ACTION_LIMITS: Partial<SandboxLimits> = {
  timeMs: 10_000,
  hostCalls: 2_000,
  messageBytes: 5 * 1024 * 1024,
};

export const actionResultSchema = z.object({
  message: z.string().max(500).optional(),
  file: z.object({
    name: z.string().regex(/^[\w.-]{1,100}$/, "A plain file name."),
    type: z.enum(["text/plain", "text/csv", "application/json"]),
    content: z.string(),
  }).optional(),
}).strict();
export type ActionResult = z.infer<typeof actionResultSchema>;

/** The enabled actions of `collection` in this tenant. */
export function actionsFor(installed: Installation[], collection: string) {
  return installed.flatMap((plugin) =>
    plugin.manifest.entryPoints.actions
      .filter((a) => a.collection === collection)
      .map((action) => ({ plugin: plugin.name, title: plugin.manifest.title, ...action }))
  );
}

/** Runs action `actionId` of `plugin` on records `ids` (none: the plugin decides, e.g. all). */
export async function runAction(
  runtime: PluginRuntime,
  tenantId: string,
  today: string,
  plugin: Installation,
  actionId: string,
  ids: string[],
  ctx: RecordContext,
  scopes: readonly string[] | null = null,
): Promise<ActionResult> {
  const action = plugin.manifest.entryPoints.actions.find((a) => a.id === actionId);
  if (!action || !plugin.enabled) throw new NotFoundError("That plugin action is not available.");
  const actor: PluginActor = { role: ctx.role, scopes, refused: [] };
  const refusal = () => actor.refused!.length ? new ForbiddenError(actor.refused![0]) : null;
  const raw = await runtime.call(
    tenantId,
    plugin,
    action.handler,
    { collection: action.collection, ids },
    { read: ctx.db, write: ctx, actor },
    today,
    ACTION_LIMITS,
  ).catch((err) => {
    throw refusal() ?? err;
  });
  const refused = refusal();
  if (refused) throw refused;
  const parsed = actionResultSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new InvalidError(`${plugin.manifest.title} answered something the app cannot use.`);
  }
  return parsed.data;
}
