/**
 * @module commit_watchers
 * What every process that writes does after each of its commits (the live hub's commit
 * watchers): tell members (notifications/from_changes.ts) and raise outbound webhook events
 * (integrations/webhooks/from_changes.ts). Registered once per Services by the composition: the
 * web app in createApp, the worker process at start. Here rather than in services.ts because
 * those modules name the Services type: services.ts importing them would make a cycle.
 */
import type { Services } from "./services.ts";
import { notifyFromChanges } from "./notifications/from_changes.ts";
import { webhooksFromChanges } from "./integrations/webhooks/from_changes.ts";

const watching = new WeakSet<object>();

export function watchCommits(services: Services): void {
  if (watching.has(services)) return;
  watching.add(services);
  services.live.watchCommits(notifyFromChanges(services));
  services.live.watchCommits(webhooksFromChanges(services));
}
