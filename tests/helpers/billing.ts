/**
 * @module tests/helpers/billing
 * Billing helpers for tests: run queued jobs now (tests start servers without workers), and put
 * a tenant into a billing state directly in the control database.
 */
import type { Services } from "../../services.ts";
import { claimNextJob, completeJob, failJob } from "../../workers/queue.ts";
import { JOB_HANDLERS } from "../../workers/handlers.ts";
import { setPlan } from "../../billing/admin.ts";
import type { PlanId } from "../../billing/plans.ts";
import type { SubscriptionStatus } from "../../billing/state.ts";

/** Runs every due job once, in order, like a worker would; returns the kinds it ran. */
export async function drainJobs(services: Services): Promise<string[]> {
  const ran: string[] = [];
  for (;;) {
    const job = await claimNextJob(services.control, { owner: "test", leaseMs: 60_000 });
    if (!job) return ran;
    try {
      await JOB_HANDLERS[job.kind]!({
        job,
        services,
        control: services.control,
        log: services.log,
        signal: new AbortController().signal, // a test drain is never stopped midway
      });
      await completeJob(services.control, job.id, "test");
    } catch (err) {
      await failJob(services.control, job, "test", String(err));
      throw err;
    }
    ran.push(job.kind);
  }
}

const DAY = 86_400_000;

/** Puts a tenant into `status` on `plan`; `daysAgo` backdates past_due / the trial's end. */
export async function putInState(
  services: Services,
  tenantId: string,
  plan: PlanId,
  status: SubscriptionStatus,
  opts: { pastDueDaysAgo?: number; trialEndedDaysAgo?: number } = {},
): Promise<void> {
  await setPlan(services, tenantId, {
    plan,
    status,
    pastDueSince: opts.pastDueDaysAgo === undefined
      ? undefined
      : new Date(services.clock.now().getTime() - opts.pastDueDaysAgo * DAY).toISOString(),
    trialEndsAt: opts.trialEndedDaysAgo === undefined
      ? undefined
      : new Date(services.clock.now().getTime() - opts.trialEndedDaysAgo * DAY).toISOString(),
  });
  services.billing.invalidate(tenantId);
}
