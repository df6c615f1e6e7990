/**
 * @module ops/alert_chore
 * The minute chore of alerting, run by the first worker of a process (workers/handlers.ts):
 * write this process's request tally, judge the newest bucket (once across all machines), send
 * what is queued. App machines without workers write their tally on their own timer (main.ts).
 */
import type { Services } from "../services.ts";
import { evaluateAlerts, type Evaluation } from "./alerts.ts";
import { deliverNotifications } from "./alert_channels.ts";

/** Flushes, evaluates and delivers; returns what the evaluation did. */
export async function runAlertChore(services: Services): Promise<Evaluation> {
  const now = services.clock.now();
  await services.metrics.tally.flush(services.control, now);
  const evaluation = await evaluateAlerts(services.control, now);
  for (const alert of evaluation.fired) {
    services.log.warn("alert firing", {
      alert_id: alert.id,
      severity: alert.severity,
      tenant: alert.tenantSlug,
      summary: alert.summary,
    });
  }
  await deliverNotifications(services);
  return evaluation;
}
